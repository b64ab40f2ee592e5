"""A client account's audit history through the running system: each fact kept exactly once when its event is
delivered twice or while notifications was stopped; the staff API (filters, pages, CSV guarded against formulas)
and the staff page; the client never reads it."""
import csv
import io
import itertools
import re
import time
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from nameko.standalone.events import get_event_exchange

from accounts.models import platform as accounts_tables
from billing.models import platform as billing_tables
from portico_testing import wait_for
from shared.messaging import broker_connection, publish_confirmed
from scripts.seed_audit import PHONE, seed_audit
from tests.portal_helpers import CLIENT_PASSWORD, bearer, portal_api, registered_client
from tests.test_deadlines import card_token
from tickets.models import platform as tickets_tables

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
FORMULA_DEVICE = "=HYPERLINK(\"http://evil.example\",\"x\")"
OUTBOXES = {"accounts": accounts_tables.outbox, "billing": billing_tables.outbox, "tickets": tickets_tables.outbox}
_addresses = (f"10.93.{n // 250}.{n % 250 + 1}" for n in itertools.count())


class Business:
    """A business's owner (staff API and pages) and one registered client (portal API)."""

    def __init__(self, system):
        self.system = system
        self.tenant, self.credentials = system.new_tenant(slug=f"history-{uuid.uuid4().hex[:8]}")
        self.staff_headers = bearer(system.staff_token(self.credentials))
        self.client_record, session = registered_client(system, self.tenant, name="Harper Client")
        self.portal_user_id = session["portal_user"]["id"]
        self.account_id = self.client_record["id"]
        self.client_headers = bearer(session["token"])

    def staff(self, path, status=200, **kwargs):
        response = self.system.http.get(f"{API}{path}", headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        return response

    def history(self, **query):
        return self.staff(f"/clients/{self.account_id}/history", query_string={"limit": 500, **query}).get_json()

    def actions(self, **query):
        return [item["action"] for item in self.history(**query)["items"]]

    def sign_in(self, device="Firefox on Linux"):
        response = self.system.http.post(f"{portal_api(self.tenant)}/sessions", json={
            "login": self.client_record["email"], "password": CLIENT_PASSWORD},
            environ_base={"REMOTE_ADDR": next(_addresses)}, headers={"User-Agent": device})
        assert response.status_code == 201, response.get_json()

    def open_ticket(self, body="The gate is open."):
        category = self.system.http.get(f"{portal_api(self.tenant)}/tickets/options",
                                        headers=self.client_headers).get_json()["categories"][0]["id"]
        response = self.system.http.post(f"{portal_api(self.tenant)}/tickets", headers=self.client_headers,
                                         json={"category_id": category, "body": body})
        assert response.status_code == 201, response.get_json()

    def invoice(self):
        return self.system.rpc.call("billing", "create_invoice", {
            "account_id": self.account_id, "due_date": (date.today() + timedelta(days=9)).isoformat(),
            "lines": [{"description": "Lawn mowing", "unit_price": 4_000}]}, context=self.system.context(self.tenant))

    def wait_for_actions(self, *wanted):
        def arrived():
            found = self.actions()
            return found if all(action in found for action in wanted) else None
        return wait_for(arrived, timeout=40, message=f"{wanted} in the history")


@pytest.fixture
def business(system):
    return Business(system)


def audit_envelopes(system, tenant):
    bodies = []
    for service, outbox in OUTBOXES.items():
        engine = sa.create_engine(system.databases.urls[service])
        with engine.connect() as connection:
            bodies += connection.execute(sa.select(outbox.c.body).where(
                outbox.c.event_type == "audit_fact", outbox.c.tenant_id == tenant["id"])).scalars().all()
        engine.dispose()
    return bodies


def publish(system, body):
    with broker_connection(system.amqp_uri) as connection:
        publish_confirmed(connection, body, get_event_exchange(body["source"], {}), body["event_type"],
                          {"nameko.tenant_id": body["tenant_id"]}, message_id=body["event_id"])


def test_each_fact_is_kept_once_when_its_event_is_delivered_twice(system, business):
    business.sign_in()
    business.open_ticket()
    business.invoice()
    kept = business.wait_for_actions("portal_account_activated", "signed_in", "ticket_opened", "invoice_created")
    envelopes = [body for body in audit_envelopes(system, business.tenant)
                 if body["data"]["account_id"] == business.account_id]
    assert len(envelopes) == len(kept)
    for body in envelopes:
        publish(system, body)
        publish(system, body)
    sentinel = {**envelopes[0], "event_id": str(uuid.uuid4())}  # a new event after the copies: once it is in,
    publish(system, sentinel)                                      # the copies before it were handled
    wait_for(lambda: len(business.actions()) == len(kept) + 1, timeout=30, message="the sentinel fact")
    time.sleep(1)  # time enough for a late duplicate to show up, were it to
    items = business.history()["items"]
    assert len(items) == len(kept) + 1 and len({item["id"] for item in items}) == len(items)


def test_facts_made_while_notifications_was_stopped_arrive_once_it_is_back(system, business):
    business.wait_for_actions("portal_account_activated")
    system.services["notifications"].stop()
    try:
        business.sign_in()
        business.open_ticket()
        business.invoice()
    finally:
        system.services["notifications"].start()
        system.wait_until_up("notifications")
    found = business.wait_for_actions("signed_in", "ticket_opened", "invoice_created")
    for action in ("signed_in", "ticket_opened", "invoice_created", "portal_account_activated"):
        assert found.count(action) == 1, found


def test_staff_filter_page_and_export_the_history(system, business):
    business.sign_in(device=FORMULA_DEVICE)
    business.invoice()
    business.wait_for_actions("signed_in", "invoice_created")
    entry = next(item for item in business.history()["items"] if item["action"] == "signed_in")
    assert entry["origin"]["device"] == FORMULA_DEVICE and entry["origin"]["ip"].startswith("10.93.")
    assert entry["who"] == f"{business.client_record['email']} (client)"
    assert entry["actor"]["kind"] == "client"

    assert set(business.actions(actor_kind="staff")) == {"account_created", "portal_user_invited",
                                                          "invoice_created"}
    staff_entry = business.history(actor_kind="staff")["items"][0]
    assert staff_entry["who"] == "Olive Owner (staff)"
    assert business.actions(action=["signed_in", "invoice_created"]) == ["invoice_created", "signed_in"]
    assert business.actions(until=(date.today() - timedelta(days=2)).isoformat()) == []
    first = business.history(limit=2)
    older = business.history(limit=2, cursor=first["next_cursor"])
    assert [i["id"] for i in first["items"]][-1] > older["items"][0]["id"]

    for query, field in (({"since": "yesterday"}, "since"), ({"actor_kind": "robot"}, "actor_kind"),
                         ({"limit": 0}, "limit"), ({"since": date.today().isoformat(), "until": "2001-01-01"},
                                                    "until")):
        refused = business.staff(f"/clients/{business.account_id}/history", 400, query_string=query)
        assert field in refused.get_json()["error"]["fields"], refused.get_json()
    business.staff("/clients/999999999/history", 404)
    client = system.http.get(f"{API}/clients/{business.account_id}/history", headers=business.client_headers)
    assert client.status_code in (401, 403)

    for path, query in (("/history", {"format": "csv"}), ("/history.csv", {})):
        exported = business.staff(f"/clients/{business.account_id}{path}", query_string=query)
        assert exported.mimetype == "text/csv"
        assert f'filename="client-{business.account_id}-history.csv"' in exported.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
        assert rows[0][:4] == ["id", "occurred_at", "action", "summary"]
        signed_in = next(row for row in rows if row[2] == "signed_in")
        assert signed_in[7] == "'" + FORMULA_DEVICE  # a formula is text in a spreadsheet
        assert len(rows) == len(business.actions()) + 1
    staff_only = business.staff(f"/clients/{business.account_id}/history.csv", query_string={"actor_kind": "staff"})
    assert {row[2] for row in list(csv.reader(io.StringIO(staff_only.get_data(as_text=True))))[1:]} == {
        "account_created", "portal_user_invited", "invoice_created"}


def signed_in_pages(system, credentials):
    pages = system.app.test_client()
    response = pages.post("/staff/sign-in", data=credentials, environ_base={"REMOTE_ADDR": next(_addresses)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return pages


def test_the_staff_page_shows_who_when_where_and_what_changed_with_filters(system, business):
    response = system.http.patch(f"{portal_api(business.tenant)}/account", headers=business.client_headers,
                                 json={"phone": "+1 555 010 0142"})
    assert response.status_code == 200, response.get_json()
    business.sign_in()
    business.wait_for_actions("account_details_updated", "signed_in")
    pages = signed_in_pages(system, business.credentials)

    client_page = pages.get(f"/staff/clients/{business.account_id}").get_data(as_text=True)
    assert f'href="/staff/clients/{business.account_id}/history"' in client_page
    page = pages.get(f"/staff/clients/{business.account_id}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "History: Harper Client" in html
    assert "Account details changed" in html and "+1 555 010 0142" in html and "Signed in" in html
    assert "Olive Owner (staff)" in html and "Firefox on Linux" in html
    filtered = pages.get(f"/staff/clients/{business.account_id}/history?actor_kind=staff").get_data(as_text=True)
    assert "Invited to the portal (staff)" in filtered and "Failed sign-in" not in re.sub(r"<option.*?</option>", "",
                                                                                           filtered)
    assert "Account details changed</strong>" not in filtered
    bad = pages.get(f"/staff/clients/{business.account_id}/history?since=soon")
    assert bad.status_code == 400 and "Enter the first day as a date" in bad.get_data(as_text=True)
    exported = pages.get(f"/staff/clients/{business.account_id}/history.csv?actor_kind=client")
    assert exported.mimetype == "text/csv" and "signed_in" in exported.get_data(as_text=True)
    assert pages.get("/staff/clients/999999999/history").status_code == 404


def test_the_demo_history_has_sign_ins_from_a_phone_and_a_laptop_and_alerts_from_facts(system, business):
    owner_id = business.tenant["owner"]["id"]
    jordan = system.client_context(business.tenant, business.portal_user_id, business.account_id)
    seed_audit(system.rpc, system.context(business.tenant), system.visitor_context(business.tenant), jordan,
               business.client_record["email"], CLIENT_PASSWORD, owner_id, lambda: card_token(system))
    business.wait_for_actions("sign_in_failed", "signed_in", "account_details_updated", "card_added")
    items = business.history()["items"]
    assert [item["action"] for item in items].count("signed_in") == 2
    card = next(item for item in items if item["action"] == "card_added")
    assert card["origin"] == {"ip": PHONE["origin_ip"], "device": PHONE["origin_device"]}
    def two_alerts():
        found = system.rpc.call("notifications", "list_my_alerts", context=system.context(business.tenant))
        return found if len(found) >= 2 else None

    alerts = wait_for(two_alerts, timeout=30, message="the alerts raised from facts")
    assert {alert["action"] for alert in alerts} >= {"account_details_updated", "card_added"}
    assert f"{business.client_record['name']} added Visa ending 4242." in [alert["text"] for alert in alerts]
