"""Issue 12's client messages with the real system: an autopay charge run's receipt reaches the dev mailbox at the
account's contact email; staff email an invoice with its pay link (API and invoice page); the client email editor
(API and pages) refuses unknown placeholders and sends samples; "email new invoices" governs automatic emails; the
client chooses email and/or SMS per kind of message (API and the Account tab)."""
import itertools
import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
import requests
import sqlalchemy as sa
from nameko.standalone.events import get_event_exchange
from sqlalchemy.orm import Session

from portico_testing import wait_for
from shared.events import ACCOUNT_SAVED
from shared.messaging import broker_connection, envelope, publish_confirmed
from tests.portal_helpers import bearer, new_address, portal_api, registered_client
from tests.test_tickets_pages import csrf_of

pytestmark = pytest.mark.backends("sqlite")
API = "/api/v1/staff"
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count(7))


def new_email(prefix="client"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@messages.example"


class Business:
    """A business with its owner signed in (API token and page cookie) and one client account."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant(slug=f"msg-{uuid.uuid4().hex[:8]}",
                                                     display_name="Green Acres Lawn Care")
        self.owner_email = credentials["email"]
        answer = system.http.post(f"{API}/sessions", json=credentials, environ_base={"REMOTE_ADDR": next(_addresses)})
        assert answer.status_code == 201, answer.get_json()
        self.headers = bearer(answer.get_json()["token"])
        self.browser = system.app.test_client()
        assert self.browser.post("/staff/sign-in", data=credentials,
                                 environ_base={"REMOTE_ADDR": next(_addresses)}).status_code == 303
        self.token = csrf_of(self.page("/staff/settings/emails"))
        self.contact = new_email()
        self.account_id = self.rpc("accounts", "create_client", {"name": "Pat Client"})["id"]
        wait_for(lambda: self.rpc("notifications", "get_branding")["display_name"] == "Green Acres Lawn Care",
                 message="notifications to know the business's branding")

    def rpc(self, service, method, *args, context=None):
        return self.system.rpc.call(service, method, *args, context=context or self.system.context(self.tenant))

    def api(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:2000])
        return response.get_json()

    def page(self, path, status=200):
        response = self.browser.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path, **form):
        return self.browser.post(path, data={"csrf_token": self.token, **form})

    def account_saved(self, mobile=None):
        """Tell notifications the account's contact details, as accounts does when an account is saved."""
        body = envelope(ACCOUNT_SAVED, self.tenant["id"], {"account_id": self.account_id, "name": "Pat Client",
                                                           "contact_email": self.contact, "mobile_phone": mobile})
        with broker_connection(self.system.amqp_uri) as connection:
            publish_confirmed(connection, body, get_event_exchange("accounts", {}), body["event_type"],
                              {"nameko.tenant_id": self.tenant["id"]}, message_id=body["event_id"])
        engine = sa.create_engine(self.system.databases.urls["notifications"])
        try:
            wait_for(lambda: engine.connect().execute(sa.text(
                "SELECT contact_email FROM account_names WHERE tenant_id = :t AND account_id = :a"),
                {"t": self.tenant["id"], "a": self.account_id}).scalar() == self.contact,
                message="notifications to keep the account's contact")
        finally:
            engine.dispose()

    def invoice(self, cents=12_000):
        return self.rpc("billing", "create_invoice", {
            "account_id": self.account_id, "due_date": (date.today() + timedelta(days=14)).isoformat(),
            "lines": [{"description": "Lawn mowing", "quantity": 1, "unit_price": cents}]})

    def new_card(self):
        answer = requests.post(f"{self.system.processor_url}/v1/tokens", timeout=10, json={
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"})
        assert answer.status_code == 201, answer.text
        token = answer.json()
        return {key: token[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


@pytest.fixture
def business(system):
    return Business(system)


# --- receipts of autopay charges ------------------------------------------------------------------

def test_an_autopay_charge_run_emails_the_receipt_to_the_accounts_contact_email(system, business):
    business.account_saved()
    business.rpc("billing", "update_settings", "billing", {"autopay_enabled": True})
    client = system.client_context(business.tenant, 1, business.account_id, "manage")
    method = business.rpc("billing", "add_payment_method", business.new_card(), context=client)
    business.rpc("billing", "enroll_autopay", method["id"], True, context=client)
    invoice = business.invoice(8_000)
    assert invoice["autopay"] is True

    business.rpc("billing", "start_charge_run", [invoice["id"]])

    mail = system.mail.wait_for_message(business.contact, timeout=30)
    assert mail.subject == "Receipt for your payment to Green Acres Lawn Care"
    assert "$80.00" in mail.text and f"#{invoice['number']}" in mail.text and "Visa ending 4242" in mail.text


# --- emailing an invoice --------------------------------------------------------------------------

def test_staff_email_an_invoice_with_its_pay_link_through_the_api(system, business):
    invoice = business.invoice()
    to = new_email("billing")
    answer = business.api("POST", f"/invoices/{invoice['id']}/email", 202, json={"to": to})
    assert answer == {"invoice_id": invoice["id"], "to": to, "queued": True}
    mail = system.mail.wait_for_message(to)
    assert mail.subject == f"Invoice #{invoice['number']} from Green Acres Lawn Care"
    assert mail.link("/billing").endswith(f"/p/{business.tenant['slug']}/billing?select={invoice['id']}#pay-form")
    assert "$120.00" in mail.text


def test_an_invoice_email_refuses_a_bad_address_and_a_void_invoice(business):
    invoice = business.invoice()
    refused = business.api("POST", f"/invoices/{invoice['id']}/email", 400, json={"to": "not an address"})
    assert "to" in refused["error"]["fields"]
    business.rpc("billing", "void_invoice", invoice["id"])
    business.api("POST", f"/invoices/{invoice['id']}/email", 409)


def test_the_invoice_page_emails_it_to_the_clients_contact(system, business):
    business.account_saved()
    invoice = business.invoice()
    html = business.page(f"/staff/invoices/{invoice['id']}")
    assert "Email the invoice" in html
    response = business.post(f"/staff/invoices/{invoice['id']}/email", to="")
    assert response.status_code == 303
    assert "Invoice emailed" in business.page(response.headers["Location"])
    mail = system.mail.wait_for_message(business.contact)
    assert f"select={invoice['id']}" in mail.text
    wrong = business.post(f"/staff/invoices/{invoice['id']}/email", to="nope")
    assert wrong.status_code == 400 and "There is a problem" in wrong.get_data(as_text=True)


def test_new_invoices_are_emailed_only_while_the_setting_is_on(system, business):
    business.account_saved()
    assert "Email new invoices automatically" in business.page("/staff/settings/billing")
    business.invoice(1_000)  # off by default
    business.api("PATCH", "/settings/billing", json={"email_new_invoices": True})
    issued = business.invoice(2_000)
    mail = system.mail.wait_for_message(business.contact)
    assert mail.subject == f"Invoice #{issued['number']} from Green Acres Lawn Care"
    refused = business.api("PATCH", "/settings/billing", 400, json={"email_new_invoices": "sometimes"})
    assert "email_new_invoices" in refused["error"]["fields"]
    kinds = [business.rpc("notifications", "get_outbox_message", item["id"])["subject"]
             for item in business.rpc("notifications", "list_outbox", 1, 100)["items"]]
    assert kinds == [mail.subject]  # the first invoice was issued while it was off


# --- the email editor -----------------------------------------------------------------------------

def test_the_template_api_checks_placeholders_and_sends_a_sample(system, business):
    listed = business.api("GET", "/message-templates")["items"]
    assert [item["kind"] for item in listed] == ["invitation", "receipt", "invoice", "visit_reminder"]
    refused = business.api("PUT", "/message-templates/receipt", 400,
                           json={"subject": "Thanks {nickname}", "html": "<p>Hi</p>"})
    assert "Unknown placeholder {nickname}" in refused["error"]["fields"]["subject"][0]
    stored = business.api("PUT", "/message-templates/receipt",
                          json={"subject": "Thanks, {client_name}", "html": "<p>We got {amount}.</p><script>x</script>"})
    assert stored["customised"] and "script" not in stored["html"]
    assert business.api("GET", "/message-templates/receipt/preview")["subject"] == "[Sample] Thanks, [Client name]"
    business.api("POST", "/message-templates/receipt/sample", 202)
    sample = system.mail.wait_for_message(business.owner_email)
    assert sample.subject == "[Sample] Thanks, [Client name]" and "We got $120.00." in sample.text
    business.api("GET", "/message-templates/newsletter", 404)
    assert business.api("DELETE", "/message-templates/receipt")["customised"] is False


def test_the_editor_pages_show_placeholders_and_refuse_unknown_ones(business):
    listing = business.page("/staff/settings/emails")
    assert "Visit reminder" in listing and "/staff/settings/emails/invoice" in listing
    editor = business.page("/staff/settings/emails/visit_reminder")
    assert "{visit_date}" in editor and "Send a sample to me" in editor
    response = business.post("/staff/settings/emails/visit_reminder", subject="See you {when}", html="<p>Hi</p>")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Unknown placeholder {when}" in html
    saved = business.post("/staff/settings/emails/visit_reminder", subject="See you {visit_date}", html="<p>Hi</p>")
    assert saved.status_code == 303 and "Email saved." in business.page(saved.headers["Location"])
    preview = business.page("/staff/settings/emails/visit_reminder/preview")
    assert "Weekly mowing" in preview
    business.page("/staff/settings/emails/newsletter", status=404)


# --- the client's channel choices -----------------------------------------------------------------

def test_a_client_chooses_channels_through_the_api_and_the_account_tab(system, business):
    _, session = registered_client(system, business.tenant, name="Robin Client")
    url = f"{portal_api(business.tenant)}/account/message-preferences"
    headers = bearer(session["token"])
    kinds = system.http.get(url, headers=headers).get_json()["kinds"]
    assert [item["kind"] for item in kinds][:3] == ["receipts", "invoices", "reminders"]
    changed = system.http.put(url, headers=headers, json={"reminders": {"email": False, "sms": True}})
    assert changed.status_code == 200
    assert [(k["email"], k["sms"]) for k in changed.get_json()["kinds"] if k["kind"] == "reminders"] == [(False, True)]
    bad = system.http.put(url, headers=headers, json={"newsletter": {"email": True, "sms": True}})
    assert bad.status_code == 400

    browser = system.app.test_client()
    browser.set_cookie(f"__Host-portico_client_{business.tenant['slug']}", session["token"])
    page = browser.get(f"/p/{business.tenant['slug']}/account", environ_base=new_address())
    html = page.get_data(as_text=True)
    assert 'id="messages-heading"' in html and 'name="reminders.sms" checked' in html
    saved = browser.post(f"/p/{business.tenant['slug']}/account/message-preferences",
                         data={"csrf_token": session["csrf_token"], "receipts.email": "on", "receipts.sms": "on"},
                         environ_base=new_address(), headers=ORIGIN_HEADERS)
    assert saved.status_code == 303
    after = {k["kind"]: (k["email"], k["sms"]) for k in system.http.get(url, headers=headers).get_json()["kinds"]}
    assert after["receipts"] == (True, True) and after["reminders"] == (False, False)


def test_the_demo_seed_customises_the_receipt_and_a_reminder_preference(system, business):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    client_context = system.client_context(business.tenant, 1, business.account_id, "manage")
    seed_demo.part("seed_messages").seed_messages(system.rpc, system.context(business.tenant), client_context)
    receipt = business.api("GET", "/message-templates/receipt")
    assert receipt["customised"] and receipt["subject"] == "Thanks, {client_name}: we received {amount}"
    chosen = {item["kind"]: (item["email"], item["sms"]) for item in system.rpc.call(
        "notifications", "my_message_preferences", context=client_context)["kinds"]}
    assert chosen["reminders"] == (True, True) and chosen["receipts"] == (True, False)


# --- visit reminders ------------------------------------------------------------------------------

def test_a_visit_of_tomorrow_is_reminded_by_email_and_sms_as_the_client_chose(system, business):
    from billing import visit_reminders
    from billing.models import platform as billing_tables
    from portico_testing.inprocess import outbox_writer

    business.account_saved(mobile="+15550100111")
    client = system.client_context(business.tenant, 1, business.account_id, "manage")
    business.rpc("notifications", "set_my_message_preferences", {"reminders": {"email": True, "sms": True}},
                 context=client)
    tomorrow = date.today() + timedelta(days=1)
    business.rpc("billing", "create_job", {"account_id": business.account_id, "title": "Weekly mowing", "schedule": {
        "start_on": tomorrow.isoformat(), "window_start": "09:00", "window_end": "11:00"}})
    noon = datetime.combine(date.today(), time(12, 0), tzinfo=timezone.utc)  # the business's time zone is UTC
    engine = sa.create_engine(system.databases.urls["billing"])
    try:
        with Session(engine) as session:
            assert visit_reminders.tick(session, outbox_writer(billing_tables), noon) == 1
            assert visit_reminders.tick(session, outbox_writer(billing_tables), noon) == 0
    finally:
        engine.dispose()

    mail = system.mail.wait_for_message(business.contact)
    assert mail.subject == f"Reminder: Weekly mowing on {tomorrow:%B} {tomorrow.day}, {tomorrow.year}"
    assert "between 9:00 AM and 11:00 AM" in mail.text
    texts = wait_for(lambda: [item for item in business.rpc("notifications", "list_outbox", 1, 100)["items"]
                              if item["channel"] == "sms"], message="the reminder's text message")
    assert [item["to"] for item in texts] == ["+15550100111"]
