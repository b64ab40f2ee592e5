"""Receipts and staff alerts with the real system: billing's events in, email out through SMTP, alerts in the API.

A client pays through billing's RPC (as the portal would); notifications emails the receipt to
``receipt_to`` and alerts the staff chosen on the Alerts tab, whom the staff API and the
/staff/alerts page show only their own alerts.
"""
import itertools
import re
import time
import uuid
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa
from alembic import command
from nameko.standalone.events import get_event_exchange

from billing.models import platform as billing_tables
from notifications.models import AccountName
from shared.errors import InvalidInput, NotFound, PaymentDeclined, PermissionDenied
from shared.messaging import broker_connection, publish_confirmed
from portico_testing import Databases, wait_for

API = "/api/v1/staff"
APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
PASSWORD = "correct horse battery staple"
# Sign-in throttling counts per address: every sign-in here comes from an address of its own.
_addresses = (f"10.91.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def from_new_address():
    return {"REMOTE_ADDR": next(_addresses)}


def new_email(prefix="client"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@receipts.example"


class StaffMember:
    """A signed-in staff member of a business, calling the staff API with a bearer token."""

    def __init__(self, system, credentials):
        self.system = system
        response = system.http.post(f"{API}/sessions", json=credentials, environ_base=from_new_address())
        assert response.status_code == 201, response.get_json()
        self.session = response.get_json()
        self.headers = {"Authorization": f"Bearer {self.session['token']}"}
        self.id = self.ok("GET", "/me")["user"]["id"]

    def call(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)

    def ok(self, method, path, status=200, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def alerts(self, **query):
        return self.ok("GET", "/alerts", query_string=query)


class Business:
    """A business with its owner and a second staff member signed in, and one client account."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant(slug=f"alerts-{uuid.uuid4().hex[:8]}",
                                                     display_name="Green Acres Lawn Care")
        self.owner = StaffMember(system, credentials)
        self.colleague_email = new_email("colleague")
        self.rpc("accounts", "add_staff_user", {"email": self.colleague_email, "name": "Sam Staff",
                                                "password": PASSWORD})
        self.colleague = StaffMember(system, {"email": self.colleague_email, "password": PASSWORD})
        self.credentials = credentials
        self.account_id = self.rpc("accounts", "create_client", {"name": "Pat Client"})["id"]
        wait_for(lambda: self.rpc("notifications", "get_branding")["display_name"] == "Green Acres Lawn Care",
                 message="notifications to know the business's branding")
        wait_for(lambda: known_name(system, self.tenant, self.account_id) == "Pat Client",
                 message="notifications to know the client's name (ACCOUNT_SAVED)")

    def rpc(self, service, method, *args, context=None, **kwargs):
        return self.system.rpc.call(service, method, *args, **kwargs,
                                    context=context or self.system.context(self.tenant))

    def as_client(self, method, *args):
        return self.rpc("billing", method, *args,
                        context=self.system.client_context(self.tenant, 1, self.account_id, "manage"))

    def invoice(self, cents):
        return self.rpc("billing", "create_invoice", {
            "account_id": self.account_id, "due_date": (date.today() + timedelta(days=14)).isoformat(),
            "lines": [{"description": "Lawn mowing", "quantity": 1, "unit_price": cents}]})

    def new_card(self, number=APPROVED_CARD):
        """Tokenise a card at the sandbox processor, as its hosted fields would."""
        answer = requests.post(f"{self.system.processor_url}/v1/tokens", timeout=10, json={
            "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
        assert answer.status_code == 201, answer.text
        token = answer.json()
        return {key: token[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}

    def pay(self, invoices, receipt_to, number=APPROVED_CARD):
        return self.as_client("pay_invoices", str(uuid.uuid4()), {
            "invoice_ids": [invoice["id"] for invoice in invoices], "new_method": self.new_card(number),
            "receipt_to": receipt_to})

    def choose_alerts(self, **actions):
        return self.owner.ok("PATCH", "/settings/alerts", json=actions)


@pytest.fixture
def business(system):
    return Business(system)


def wait_for_alerts(staff, count, **query):
    """The staff member's alerts once there are at least ``count``."""
    def enough():
        items = staff.alerts(**query)["items"]
        return items if len(items) >= count else None

    return wait_for(enough, timeout=30, message=f"{count} alert(s) for staff member {staff.id}")


def outbox_item(business, to):
    return wait_for(lambda: next((item for item in business.rpc("notifications", "list_outbox", per_page=100)["items"]
                                  if item["to"] == to and item["status"] == "sent"), None),
                    timeout=30, message=f"a sent message to {to} in the outbox")


def known_name(system, tenant, account_id):
    """The account's name as notifications keeps it from accounts' ACCOUNT_SAVED, or None."""
    engine = sa.create_engine(system.databases.urls["notifications"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(AccountName.name).where(
                AccountName.tenant_id == tenant["id"], AccountName.account_id == account_id)).scalar_one_or_none()
    finally:
        engine.dispose()


def billing_event(system, tenant, event_type):
    """The newest envelope of ``event_type`` billing wrote for ``tenant``, as its relay publishes it."""
    engine = sa.create_engine(system.databases.urls["billing"])
    try:
        with engine.connect() as connection:
            outbox = billing_tables.outbox
            return connection.execute(sa.select(outbox.c.body).where(
                outbox.c.event_type == event_type, outbox.c.tenant_id == tenant["id"])
                .order_by(outbox.c.id.desc()).limit(1)).scalar_one()
    finally:
        engine.dispose()


def publish_billing_event(system, body):
    """Deliver ``body`` again to billing's exchange, exactly as billing's relay would."""
    with broker_connection(system.amqp_uri) as connection:
        publish_confirmed(connection, body, get_event_exchange("billing", {}), body["event_type"],
                          {"nameko.tenant_id": body["tenant_id"]}, message_id=body["event_id"])


# --- receipts -------------------------------------------------------------------------------------

def test_a_payment_emails_a_receipt_and_alerts_only_the_chosen_staff_member(system, business):
    business.choose_alerts(payment_made=[business.owner.id], autopay_enrolled=[business.owner.id])
    first, second = business.invoice(12_345), business.invoice(5_000)
    receipt_to = new_email()

    answer = business.pay([first, second], receipt_to)
    assert answer["payment"]["status"] == "succeeded"

    mail = system.mail.wait_for_message(receipt_to)
    assert mail.subject == "Receipt for your payment to Green Acres Lawn Care"
    assert "Green Acres Lawn Care" in mail.message["From"]
    for part in (mail.text, mail.html):
        assert "$173.45" in part and "Visa ending 4242" in part
        assert f"#{first['number']}" in part and f"#{second['number']}" in part
        assert "$123.45" in part and "$50.00" in part
        assert f"{date.today():%B} {date.today().day}, {date.today().year}" in part
    # The same message is in Settings > Outbox, as sent over SMTP.
    assert outbox_item(business, receipt_to)["subject"] == mail.subject

    [alert] = wait_for_alerts(business.owner, 1)
    assert alert["action"] == "payment_made" and alert["account_id"] == business.account_id
    assert alert["read"] is False and alert["created_at"]
    assert alert["text"] == (f"Pat Client paid $173.45 with Visa ending 4242 for invoices "
                             f"#{first['number']} and #{second['number']}.")
    assert alert["link"] == f"/staff/clients/{business.account_id}/billing"
    assert business.owner.alerts()["unread"] == 1
    # The colleague was not chosen: nothing for them, and they cannot touch the owner's alert.
    assert business.colleague.alerts() == {"items": [], "unread": 0}
    refused = business.colleague.call("POST", "/alerts/read", json={"alert_ids": [alert["id"]]})
    assert refused.status_code == 404
    assert business.owner.alerts()["items"][0]["read"] is False

    marked = business.owner.ok("POST", "/alerts/read", json={"alert_ids": [alert["id"]]})
    assert marked == {"marked": 1, "unread": 0}
    assert business.owner.alerts()["items"][0]["read"] is True
    assert business.owner.alerts(unread_only="true")["items"] == []
    assert business.owner.ok("POST", "/alerts/read", json={"alert_ids": [alert["id"]]}) == {"marked": 0, "unread": 0}


def test_a_declined_payment_and_a_prepayment_email_the_client(system, business):
    business.rpc("billing", "update_settings", "billing", {"prepayments_enabled": True})
    business.choose_alerts(payment_failed=[business.colleague.id], prepayment_made=[business.owner.id])
    receipt_to = new_email()

    with pytest.raises(PaymentDeclined):
        business.pay([business.invoice(9_900)], receipt_to, number=DECLINED_CARD)
    mail = system.mail.wait_for_message(receipt_to)
    assert mail.subject == "Your payment to Green Acres Lawn Care did not go through"
    assert "$99.00" in mail.text and "Nothing was charged" in mail.text

    [failed] = wait_for_alerts(business.colleague, 1)
    assert failed["action"] == "payment_failed"
    assert failed["text"].startswith("A payment of $99.00 by Pat Client with Visa ending 0002 "
                                     "did not go through. Nothing was charged.")

    business.as_client("make_prepayment", str(uuid.uuid4()), {
        "amount": 20_000, "new_method": business.new_card(), "receipt_to": receipt_to})
    mail = system.mail.wait_for_message(receipt_to)
    assert mail.subject == "Receipt for your prepayment to Green Acres Lawn Care"
    assert "$200.00" in mail.text and "Visa ending 4242" in mail.text and "credit" in mail.text
    [prepaid] = wait_for_alerts(business.owner, 1)
    assert prepaid["action"] == "prepayment_made"
    assert prepaid["text"] == "Pat Client made a prepayment of $200.00 with Visa ending 4242."
    assert [alert["action"] for alert in business.colleague.alerts()["items"]] == ["payment_failed"]


def test_a_payment_without_receipt_to_sends_no_email(system, business):
    business.choose_alerts(payment_made=[business.owner.id])
    business.pay([business.invoice(1_000)], None)
    wait_for_alerts(business.owner, 1)
    kinds = [business.rpc("notifications", "get_outbox_message", item["id"])["kind"]
             for item in business.rpc("notifications", "list_outbox", per_page=100)["items"]]
    assert "payment_receipt" not in kinds


# --- alerts ---------------------------------------------------------------------------------------

def test_autopay_enrolment_alerts_once_however_often_the_event_arrives(system, business):
    business.choose_alerts(payment_made=[business.owner.id], autopay_enrolled=[business.owner.id])
    business.rpc("billing", "update_settings", "billing", {"autopay_enabled": True})
    method = business.as_client("add_payment_method", business.new_card())

    business.as_client("enroll_autopay", method["id"], True)

    [alert] = wait_for_alerts(business.owner, 1)
    assert alert["action"] == "autopay_enrolled"
    assert alert["text"] == "Pat Client turned on autopay (new jobs only)."
    assert business.colleague.alerts()["items"] == []

    # The same event delivered again changes nothing; a new event (published after it) does.
    body = billing_event(system, business.tenant, "autopay_enrolled")
    publish_billing_event(system, body)
    publish_billing_event(system, {**body, "event_id": str(uuid.uuid4())})
    wait_for_alerts(business.owner, 2)
    time.sleep(1)  # time enough for a late duplicate to show up, were it to
    assert len(business.owner.alerts()["items"]) == 2
    assert business.owner.alerts()["unread"] == 2


def test_removing_a_card_or_cancelling_autopay_alerts_the_chosen_staff(system, business):
    business.rpc("billing", "update_settings", "billing", {"autopay_enabled": True})
    business.choose_alerts(card_removed=[business.owner.id, business.colleague.id],
                           autopay_cancelled=[business.colleague.id])
    kept = business.as_client("add_payment_method", business.new_card())
    removed = business.as_client("add_payment_method", business.new_card())
    business.as_client("enroll_autopay", kept["id"], True)
    business.as_client("remove_payment_method", removed["id"])
    business.as_client("cancel_autopay")

    owner_alerts = wait_for_alerts(business.owner, 1)
    assert [(alert["action"], alert["text"]) for alert in owner_alerts] == [
        ("card_removed", "Pat Client removed a card on file: Visa ending 4242.")]
    colleague_alerts = wait_for_alerts(business.colleague, 2)
    assert {alert["action"] for alert in colleague_alerts} == {"card_removed", "autopay_cancelled"}
    assert ("Pat Client turned off autopay (new jobs only)."
            in [alert["text"] for alert in colleague_alerts])


def test_an_action_chosen_by_email_too_emails_the_chosen_staff_through_smtp(system, business):
    business.choose_alerts(payment_made=[business.owner.id], email_payment_made=True)
    invoice = business.invoice(4_000)
    business.pay([invoice], None)
    [alert] = wait_for_alerts(business.owner, 1)
    mail = system.mail.wait_for_message(business.credentials["email"])
    assert " ".join(str(mail.subject).split()) == f"Payment made: {alert['text']}"  # long: folded
    assert "Green Acres Lawn Care" in mail.message["From"]
    assert alert["text"] == f"Pat Client paid $40.00 with Visa ending 4242 for invoice #{invoice['number']}."
    assert alert["link"] == f"/staff/invoices/{invoice['id']}"
    for part in (mail.text, mail.html):
        assert alert["text"] in part and f"/staff/invoices/{invoice['id']}" in part
    # The colleague was not chosen: no alert and no email.
    assert business.colleague.alerts()["items"] == []
    with pytest.raises(AssertionError):
        system.mail.wait_for_message(business.colleague_email, timeout=2)


def test_alert_calls_are_for_staff_and_only_their_own(system, business):
    client = system.client_context(business.tenant, 1, business.account_id, "manage")
    for method, args in (("list_my_alerts", ()), ("count_my_unread_alerts", ()), ("mark_alerts_read", ([1],))):
        with pytest.raises(PermissionDenied):
            business.rpc("notifications", method, *args, context=client)
    assert business.rpc("notifications", "count_my_unread_alerts") == 0
    with pytest.raises(NotFound):
        business.rpc("notifications", "mark_alerts_read", [999_999])
    with pytest.raises(InvalidInput):
        business.rpc("notifications", "list_my_alerts", limit=0)
    with pytest.raises(InvalidInput):
        business.rpc("notifications", "mark_alerts_read", ["one"])
    assert business.owner.call("POST", "/alerts/read", json={"alert_ids": "all"}).status_code == 400
    assert business.owner.call("GET", "/alerts", query_string={"limit": "500"}).status_code == 400
    assert system.http.get(f"{API}/alerts").status_code == 401
    paths = system.http.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths[f"{API}/alerts"] and "post" in paths[f"{API}/alerts/read"]


# --- the page -------------------------------------------------------------------------------------

def signed_in_page_client(system, email):
    client = system.app.test_client()
    response = client.post("/staff/sign-in", data={"email": email, "password": PASSWORD},
                           environ_base=from_new_address())
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def test_the_alerts_page_lists_newest_first_and_marks_all_as_read(system, business):
    business.choose_alerts(payment_made=[business.owner.id])
    first, second = business.invoice(1_000), business.invoice(2_000)
    business.pay([first], None)
    wait_for_alerts(business.owner, 1)
    business.pay([second], None)
    wait_for_alerts(business.owner, 2)
    client = signed_in_page_client(system, f"owner@{business.tenant['slug']}.example")

    page = client.get("/staff/alerts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert ('href="/staff/alerts" aria-current="page">Alerts <span class="nav-count">2'
            '<span class="visually-hidden"> unread</span></span></a>') in html
    newer, older = html.index(f"#{second['number']}"), html.index(f"#{first['number']}")
    assert newer < older
    assert html.count(">Unread</span>") == 2 and "2 unread alerts" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ids = re.findall(r'name="alert_ids" value="(\d+)"', html)
    assert len(ids) == 2

    refused = client.post("/staff/alerts/read", data={"alert_ids": ids})
    assert refused.status_code == 403
    assert business.owner.alerts()["unread"] == 2

    done = client.post("/staff/alerts/read", data={"csrf_token": csrf, "alert_ids": ids})
    assert done.status_code == 303 and done.headers["Location"].endswith("/staff/alerts?done=read")
    assert business.owner.alerts()["unread"] == 0
    html = client.get("/staff/alerts").get_data(as_text=True)
    assert ">Unread</span>" not in html and "Mark all as read" not in html
    assert 'aria-current="page">Alerts</a>' in html  # no count once all are read

    colleague = signed_in_page_client(system, business.colleague_email)
    assert "You have no alerts yet." in colleague.get("/staff/alerts").get_data(as_text=True)
    assert colleague.post("/staff/alerts/read", data={"csrf_token": "x", "alert_ids": ids}).status_code == 403


def test_the_alerts_page_needs_a_signed_in_staff_member(system):
    response = system.app.test_client().get("/staff/alerts")
    assert response.status_code == 303 and "/staff/sign-in" in response.headers["Location"]


# --- the migration --------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_staff_alerts_migration_upgrades_and_downgrades(tmp_path, backend):
    databases = Databases(backend, tmp_path, services=("notifications",))
    config = databases.alembic_config("notifications")
    engine = sa.create_engine(databases.urls["notifications"])
    try:
        command.upgrade(config, "head")
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert {"tenant_id", "staff_user_id", "action", "text", "account_id", "created_at", "read_at"} <= {
                column["name"] for column in inspector.get_columns("staff_alerts")}
            assert "ix_staff_alerts_tenant_id_staff_user_id_id" in {
                index["name"] for index in inspector.get_indexes("staff_alerts")}
        command.downgrade(config, "0002")
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert "staff_alerts" not in tables and "messages" in tables
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert "staff_alerts" in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()
        databases.drop()


def test_the_demo_seed_alerts_the_owner_of_every_action_and_emails_payments(system, business):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    seed_demo.part("seed_alerts").seed_alerts(system.rpc, system.context(business.tenant), business.owner.id)
    tab = business.owner.ok("GET", "/settings/alerts")
    assert tab["payment_made"] == tab["upload_done"] == [business.owner.id] and tab["email_payment_made"] is True
    business.pay([business.invoice(2_500)], None)
    [alert] = wait_for_alerts(business.owner, 1)
    assert alert["text"].startswith("Pat Client paid $25.00")
    assert system.mail.wait_for_message(business.credentials["email"]).text.count("Pat Client paid $25.00") == 1
