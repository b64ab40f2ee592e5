"""Audit facts in notifications: each kept once in its account's history, listed for staff with filters and
pages, alerts raised from the facts no other event announces, and old entries pruned by the retention rule."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import audit_log
from notifications.messages import load_event
from notifications.models import AuditEntry, Base
from notifications.retention import RULES
from shared.clock import utcnow
from shared.db import make_engine
from shared.errors import InvalidInput, PermissionDenied
from shared.events import ACCOUNTS_AUDIT, BILLING_AUDIT, TICKETS_AUDIT
from shared.messaging import envelope
from shared.retention import prune

OWNER = 1
CLIENT = {"kind": "client", "id": 3}
ORIGIN = {"ip": "203.0.113.9", "device": "Firefox on Linux"}


def fact(action, summary, account_id=7, actor=CLIENT, **more):
    return {"account_id": account_id, "action": action, "summary": summary, "actor": actor, "origin": ORIGIN,
            **more}


def deliver(notifications, contract, data, tenant_id=1, event_id=None):
    body = envelope(contract, tenant_id, data)
    body["event_id"] = event_id or body["event_id"]
    getattr(notifications.called_by(None), f"handle_{contract.source}_audit_fact")(body)
    return body


def test_a_fact_is_kept_once_with_who_where_and_what_changed(notifications):
    data = fact("account_details_updated", "Changed their phone",
                changes={"phone": ["555-0100", "555-0199"]}, link="/staff/clients/7")
    deliver(notifications, ACCOUNTS_AUDIT, data, event_id="evt-1")
    deliver(notifications, ACCOUNTS_AUDIT, data, event_id="evt-1")
    page = notifications.staff().list_audit(7)
    assert page["next_cursor"] is None
    [entry] = page["items"]
    assert entry["action"] == "account_details_updated" and entry["source"] == "accounts"
    assert entry["actor"] == CLIENT and entry["origin"] == ORIGIN
    assert entry["changes"] == {"phone": ["555-0100", "555-0199"]} and entry["link"] == "/staff/clients/7"


def test_the_unique_event_id_keeps_a_fact_once_even_past_the_inbox(notifications, db):
    body = deliver(notifications, BILLING_AUDIT, fact("card_removed", "Removed Visa ending 4242"))
    assert audit_log.keep(db, "billing", body, load_event(BILLING_AUDIT, body)) is None
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.event_id == body["event_id"])) is not None


def test_staff_filter_and_page_an_accounts_history(notifications):
    for number in range(5):
        deliver(notifications, TICKETS_AUDIT, fact("ticket_opened", f"Opened ticket {number}"))
    deliver(notifications, BILLING_AUDIT, fact("invoice_created", "Created invoice 4",
                                               actor={"kind": "staff", "id": OWNER}))
    deliver(notifications, BILLING_AUDIT, fact("payment_made", "Paid", account_id=8))
    staff = notifications.staff()
    first = staff.list_audit(7, {"limit": 4})
    assert [item["summary"] for item in first["items"]] == [
        "Created invoice 4", "Opened ticket 4", "Opened ticket 3", "Opened ticket 2"]
    rest = staff.list_audit(7, {"limit": 4, "cursor": first["next_cursor"]})
    assert [item["summary"] for item in rest["items"]] == ["Opened ticket 1", "Opened ticket 0"]
    assert rest["next_cursor"] is None
    assert [i["action"] for i in staff.list_audit(7, {"actor_kind": "staff"})["items"]] == ["invoice_created"]
    assert len(staff.list_audit(7, {"actions": ["ticket_opened"]})["items"]) == 5
    today = utcnow().date()
    assert len(staff.list_audit(7, {"since": str(today), "until": str(today)})["items"]) == 6
    assert staff.list_audit(7, {"until": str(today - timedelta(days=1))})["items"] == []
    assert len(staff.list_audit(7, {"since": "0001-01-01", "until": "9999-12-31"})["items"]) == 6


def test_only_staff_read_a_history_and_bad_filters_are_refused(notifications):
    deliver(notifications, ACCOUNTS_AUDIT, fact("signed_in", "Signed in with a password"))
    with pytest.raises(PermissionDenied):
        notifications.client().list_audit(7)
    assert notifications.staff(tenant_id=2).list_audit(7)["items"] == []  # another business sees nothing
    for filters in ({"actor_kind": "robot"}, {"limit": 0}, {"since": "yesterday"}, {"cursor": -1}, {"what": 1}):
        with pytest.raises(InvalidInput):
            notifications.staff().list_audit(7, filters)
    with pytest.raises(InvalidInput):
        notifications.staff().list_audit("7")


@pytest.mark.parametrize("action", ["portal_account_activated", "account_details_updated", "card_added",
                                    "card_updated", "bank_account_added", "bank_account_updated"])
def test_facts_no_event_announces_alert_the_staff_chosen_once(notifications, action):
    notifications.staff().update_settings("alerts", {action: [OWNER]})
    data = fact(action, "Added Visa ending 4242", link="/staff/clients/7/billing")
    deliver(notifications, ACCOUNTS_AUDIT, data, event_id="evt-a")
    deliver(notifications, ACCOUNTS_AUDIT, data, event_id="evt-a")
    [alert] = notifications.staff(OWNER).list_my_alerts()
    assert alert["action"] == action and alert["text"] == "Account 7 added Visa ending 4242."
    assert alert["link"] == "/staff/clients/7/billing"


def test_staff_actions_and_facts_with_an_event_of_their_own_raise_no_alert_from_the_fact(notifications):
    notifications.staff().update_settings("alerts", {"card_added": [OWNER], "payment_made": [OWNER]})
    deliver(notifications, BILLING_AUDIT, fact("card_added", "Added a card", actor={"kind": "staff", "id": 2}))
    deliver(notifications, BILLING_AUDIT, fact("payment_made", "Paid $5.00"))
    assert notifications.staff(OWNER).list_my_alerts() == []


def test_entries_older_than_the_retention_go_and_nothing_else(tmp_path, monkeypatch):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        for days_ago, event_id in ((2600, "old"), (2500, "recent")):
            session.add(AuditEntry(tenant_id=1, account_id=7, action="signed_in", summary=event_id, changes={},
                                   source="accounts", occurred_at=utcnow() - timedelta(days=days_ago),
                                   event_id=event_id))
        session.commit()
    prune(engine, [(rule, rule.days()) for rule in RULES])
    with Session(engine) as session:
        assert list(session.scalars(select(AuditEntry.event_id))) == ["recent"]
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "forever")
    assert [rule.days() for rule in RULES if rule.name == "audit entries"] == [None]
    engine.dispose()
