"""Alerts name the client (accounts' ACCOUNT_SAVED, the newest change kept) and the staff member who acted, link to
the object, and go by email too to the staff chosen for an action when the Alerts tab says so."""
from datetime import timedelta

import pytest

from notifications import names
from notifications.alert_mail import message_id
from notifications.settings import ACTIONS, AlertSettingsSchema
from shared.clock import utcnow
from shared.errors import InvalidInput
from shared.events import (ACCOUNT_SAVED, DOCUMENT_UPLOADED, DONE_UPLOADING, ESTIMATE_DECIDED, PAYMENT_SUCCEEDED,
                           SERVICE_REQUEST_MADE, STAFF_USER_SAVED)
from shared.messaging import envelope

OWNER, COLLEAGUE = 1, 2
TENANT = 1


def saved(notifications, name, moment=None, account_id=7, **contact):
    """Hand notifications an ACCOUNT_SAVED made at ``moment`` (now by default)."""
    body = envelope(ACCOUNT_SAVED, TENANT, {"account_id": account_id, "name": name,
                                            "contact_email": contact.get("email"),
                                            "mobile_phone": contact.get("mobile")})
    if moment is not None:
        body["occurred_at"] = moment.isoformat()
    notifications.called_by(None).handle_account_saved(body)


def staff_saved(notifications, staff_id, name, email):
    notifications.deliver(STAFF_USER_SAVED, {"staff_user_id": staff_id, "name": name, "email": email})


def alerts_of(notifications, staff_id):
    return [(alert["action"], alert["text"], alert["link"])
            for alert in notifications.staff(staff_id).list_my_alerts()]


def payment(**fields):
    return {"payment_id": 31, "account_id": 7, "kind": "payment", "source": "portal", "amount": 12_000,
            "method_kind": "card", "method_label": "Visa ending 4242",
            "invoices": [{"invoice_id": 40, "number": 1001, "applied": 12_000}], "receipt_to": None,
            "actor": {"kind": "client", "id": 3}, **fields}


def test_the_newest_change_of_an_account_is_kept_whatever_order_events_arrive_in(notifications, db):
    now = utcnow()
    saved(notifications, "Jordan Rivera", now, email="jordan@client.example", mobile="+15550100")
    saved(notifications, "J. Rivera (old)", now - timedelta(minutes=5))
    assert names.account_name(db, TENANT, 7) == "Jordan Rivera"
    assert names.account_contact(db, TENANT, 7) == {"name": "Jordan Rivera", "contact_email": "jordan@client.example",
                                                     "mobile_phone": "+15550100", "language": None}
    saved(notifications, "Jordan & Sam Rivera", now + timedelta(minutes=1))
    assert names.account_name(db, TENANT, 7) == "Jordan & Sam Rivera"
    assert names.account_name(db, 2, 7) == "Account 7"  # another business's account 7 is not this one
    assert names.account_name(db, TENANT, 8) == "Account 8"


def test_estimate_request_and_document_alerts_name_the_client_and_link_to_the_object(notifications):
    saved(notifications, "Jordan Rivera")
    notifications.staff().update_settings("alerts", {
        "estimate_decided": [OWNER], "reschedule_requested": [OWNER], "document_uploaded": [OWNER],
        "upload_done": [OWNER]})
    notifications.deliver(ESTIMATE_DECIDED, {"estimate_id": 5, "account_id": 7, "number": 1001, "title": "Aeration",
                                             "total": 30_000, "decision": "declined"})
    notifications.deliver(SERVICE_REQUEST_MADE, {"request_id": 4, "account_id": 7, "kind": "reschedule",
                                                 "status": "pending", "subject": "Reschedule: Weekly mowing",
                                                 "body": "Thursday?"})
    notifications.deliver(DOCUMENT_UPLOADED, {"document_id": 5, "account_id": 7, "title": "W-2",
                                              "filename": "w2.pdf", "portal_user_id": 3, "done": False})
    notifications.deliver(DONE_UPLOADING, {"account_id": 7, "portal_user_id": 3, "via": "button", "documents": 1})
    assert alerts_of(notifications, OWNER) == [
        ("upload_done", "Jordan Rivera pressed Done uploading (1 file sent so far).", "/staff/clients/7/documents"),
        ("document_uploaded", "Jordan Rivera sent a document: W-2 (w2.pdf).", "/staff/clients/7/documents"),
        ("reschedule_requested", "Jordan Rivera asked to reschedule: Weekly mowing", "/staff/tickets?account_id=7"),
        ("estimate_decided", "Jordan Rivera declined estimate #1001, \u201cAeration\u201d ($300.00).",
         "/staff/estimates/5")]


def test_the_alerts_tab_has_an_email_switch_per_action_off_by_default(notifications):
    tab = notifications.staff().get_settings("alerts")
    assert {key for key in tab if key.startswith("email_")} == {f"email_{action}" for action in ACTIONS}
    assert not any(tab[f"email_{action}"] for action in ACTIONS)
    assert set(AlertSettingsSchema().fields) == set(ACTIONS) | {f"email_{action}" for action in ACTIONS}
    with pytest.raises(InvalidInput):
        notifications.staff().update_settings("alerts", {"email_payment_made": "sometimes"})
    with pytest.raises(InvalidInput):
        notifications.staff().update_settings("alerts", {"email_no_such_action": True})


def test_with_email_on_each_chosen_staff_member_gets_the_alert_by_email_once(notifications):
    saved(notifications, "Jordan Rivera")
    staff_saved(notifications, OWNER, "Olive Owner", "olive@biz.example")
    staff_saved(notifications, COLLEAGUE, "Sam Staff", "sam@biz.example")
    notifications.staff().update_settings("alerts", {"payment_made": [OWNER, COLLEAGUE],
                                                     "email_payment_made": True})
    first = notifications.deliver(PAYMENT_SUCCEEDED, payment())
    notifications.deliver(PAYMENT_SUCCEEDED, payment(), event_id=first["event_id"])
    mails = [mail for mail in notifications.messages() if mail["kind"] == "staff_alert"]
    assert sorted(mail["to"] for mail in mails) == ["olive@biz.example", "sam@biz.example"]
    mail = mails[0]
    assert mail["subject"] == "Payment made: Jordan Rivera paid $120.00 with Visa ending 4242 for invoice #1001."
    assert "Jordan Rivera paid $120.00" in mail["text"]
    assert "http://127.0.0.1:8000/staff/invoices/40" in mail["text"] and "/staff/invoices/40" in mail["html"]
    assert len(alerts_of(notifications, OWNER)) == len(alerts_of(notifications, COLLEAGUE)) == 1


def test_with_email_off_or_an_address_unknown_no_email_is_sent(notifications):
    staff_saved(notifications, OWNER, "Olive Owner", "olive@biz.example")
    notifications.staff().update_settings("alerts", {"payment_made": [OWNER, COLLEAGUE]})
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    assert [mail for mail in notifications.messages() if mail["kind"] == "staff_alert"] == []
    notifications.staff().update_settings("alerts", {"email_payment_made": True})
    body = notifications.deliver(PAYMENT_SUCCEEDED, payment(payment_id=32))
    mails = [mail for mail in notifications.messages() if mail["kind"] == "staff_alert"]
    # The colleague's address is not known yet: they have the alert in the staff pages only.
    assert [mail["to"] for mail in mails] == ["olive@biz.example"]
    assert len(alerts_of(notifications, COLLEAGUE)) == 2
    assert message_id(body["event_id"], OWNER) != message_id(body["event_id"], COLLEAGUE)


def test_a_payment_alert_emailed_and_its_client_receipt_are_both_queued(notifications):
    staff_saved(notifications, OWNER, "Olive Owner", "olive@biz.example")
    notifications.staff().update_settings("alerts", {"payment_made": [OWNER], "email_payment_made": True})
    notifications.deliver(PAYMENT_SUCCEEDED, payment(receipt_to="jordan@client.example"))
    assert sorted(mail["kind"] for mail in notifications.messages()) == ["payment_receipt", "staff_alert"]


def test_a_staff_member_who_acted_is_named(notifications):
    saved(notifications, "Jordan Rivera")
    staff_saved(notifications, 4, "Sam Staff", "sam@biz.example")
    staff_saved(notifications, 4, "Samantha Staff", "sam@biz.example")
    notifications.staff().update_settings("alerts", {"payment_made": [OWNER]})
    notifications.deliver(PAYMENT_SUCCEEDED, payment(source="staff", actor={"kind": "staff", "id": 4}))
    assert alerts_of(notifications, OWNER)[0][1] == (
        "Jordan Rivera paid $120.00 with Visa ending 4242 for invoice #1001 (done by Samantha Staff).")
