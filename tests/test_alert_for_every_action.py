"""Every action of the Alerts tab raises its alert for the staff member chosen for it, from a real client action
through the gateway and the running services. The actions come from the tab's own schema: a new action without a
trigger here fails ``test_every_action_of_the_alerts_tab_has_a_trigger``."""
import hashlib
import hmac
import io
import json
import time
import urllib.request
import uuid
from datetime import date, timedelta

import pytest

from notifications.settings import ACTIONS as ALERT_ACTIONS
from portico_testing import wait_for
from portico_testing.documents import PDF
from tests.conftest import STRIPE_WEBHOOK_SECRET
from tests.portal_helpers import bearer, portal_api, registered_client

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
TODAY = date.today()
APPROVED_CARD, DECLINED_CARD = "4242424242424242", "4000000000000002"
ACTIONS = sorted(ALERT_ACTIONS)  # the Alerts tab's actions (each also has its email switch)


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


class Business:
    """A business whose owner chooses who hears of what, and one registered client acting on the portal API."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant(slug=f"every-{uuid.uuid4().hex[:8]}")
        self.owner_id = self.tenant["owner"]["id"]
        self.staff_headers = bearer(system.staff_token(credentials))
        self.staff("PATCH", "/settings/billing", json={"autopay_enabled": True, "prepayments_enabled": True})
        self.staff("PATCH", "/settings/tickets", json={"done_uploading_button": True})
        self.client_record, session = registered_client(self.system, self.tenant)
        self.account_id = self.client_record["id"]
        self.client_headers = bearer(session["token"])

    def staff(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        return response.get_json()

    def portal(self, method, path, status=200, **kwargs):
        response = self.system.http.open(portal_api(self.tenant) + path, method=method, headers={
            **self.client_headers, **kwargs.pop("headers", {})}, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        return response.get_json()

    def billing(self, method, *args):
        return self.system.rpc.call("billing", method, *args, context=self.system.context(self.tenant))

    def choose_only(self, action):
        """The owner alone hears of ``action``; nobody of any other."""
        self.staff("PATCH", "/settings/alerts", json={name: [] for name in ACTIONS} | {action: [self.owner_id]})

    def token(self, **details):
        request = urllib.request.Request(f"{self.system.processor_url}/v1/tokens", data=json.dumps(details).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.loads(response.read())
        return {part: token[part] for part in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}

    def card(self, number=APPROVED_CARD):
        return self.token(kind="card", number=number, exp_month=12, exp_year=TODAY.year + 3, cvc="123")

    def bank(self):
        return self.token(kind="ach", routing_number="110000000", account_number="000123456789",
                          account_holder="Casey Client")

    def method(self, method):
        return self.portal("POST", "/payment-methods", 201, json=method)

    def invoice(self, cents=4_000):
        return self.billing("create_invoice", {"account_id": self.account_id, "due_date": day(14),
                                               "lines": [{"description": "Lawn mowing", "unit_price": cents}]})

    def pay(self, number, status):
        key = str(uuid.uuid4())
        return key, self.portal("POST", "/payments", status, headers={"Idempotency-Key": key},
                                json={"invoice_ids": [self.invoice()["id"]], "new_method": self.card(number)})

    def dispute(self, event_type, status):
        """Pay an invoice, then tell billing, as Stripe's webhook would, that the client's bank disputed it."""
        key, paid = self.pay(APPROVED_CARD, 201)
        request = urllib.request.Request(
            f"{self.system.processor_url}/v1/charges?idempotency_key={self.tenant['id']}:{key}",
            headers={"Authorization": "Bearer sk_test_portico"})
        with urllib.request.urlopen(request, timeout=10) as response:
            charge_id = json.loads(response.read())["id"]
        event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": event_type, "data": {"object": {
            "id": "dp_1", "object": "dispute", "payment_intent": charge_id, "status": status, "reason": "fraudulent",
            "amount": paid["payment"]["amount"], "currency": "usd"}}}
        response = self.system.http.post("/webhooks/stripe", data=json.dumps(event), headers={
            "Stripe-Signature": stripe_signature(json.dumps(event)), "Content-Type": "application/json"})
        assert response.get_json() == {"outcome": "applied"}, response.get_data(as_text=True)

    def visits(self):
        job = self.billing("create_job", {
            "account_id": self.account_id, "title": "Weekly mowing", "price": 4_500, "recurrence": "weekly",
            "schedule": {"start_on": day(3), "window_start": "09:00", "window_end": "11:00"}})
        return job["visits"]

    def ticket(self):
        category = self.portal("GET", "/tickets/options")["categories"][0]["id"]
        return self.portal("POST", "/tickets", 201, json={"category_id": category, "body": "The gate is open."})

    def chat(self):
        return self.portal("POST", "/chat/threads", 201, json={"subject": "Gate", "body": "New code: 4411"})

    def estimate(self):
        created = self.staff("POST", "/estimates", 201, json={
            "account_id": self.account_id, "title": "Aeration", "valid_until": day(30),
            "lines": [{"description": "Core aeration", "quantity": 1, "unit_price": 12_000}]})
        return self.staff("POST", f"/estimates/{created['id']}/send")


def stripe_signature(payload):
    moment = int(time.time())
    digest = hmac.new(STRIPE_WEBHOOK_SECRET.encode(), f"{moment}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def replace(business, method):
    first = business.method(method())
    business.portal("PUT", f"/payment-methods/{first['id']}", json=method())


def remove(business, method):
    business.portal("DELETE", f"/payment-methods/{business.method(method())['id']}", 204)


def enroll(business):
    card = business.method(business.card())
    business.portal("PUT", "/autopay", json={"payment_method_id": card["id"], "consent": True})


def upload(business):
    business.portal("POST", "/documents", 201, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(PDF), "w2.pdf"), "title": "W-2"})


TRIGGERS = {
    "portal_account_activated": lambda b: registered_client(b.system, b.tenant, name="Robin Newcomer"),
    "account_details_updated": lambda b: b.portal("PATCH", "/account", json={"phone": "+1 555 010 0142"}),
    "autopay_enrolled": enroll,
    "autopay_cancelled": lambda b: (enroll(b), b.portal("DELETE", "/autopay")),
    "payment_made": lambda b: b.pay(APPROVED_CARD, 201),
    "payment_failed": lambda b: b.pay(DECLINED_CARD, 402),
    "payment_disputed": lambda b: b.dispute("charge.dispute.created", "needs_response"),
    "payment_returned": lambda b: b.dispute("charge.dispute.closed", "lost"),
    "prepayment_made": lambda b: b.portal("POST", "/prepayments", 201, headers={"Idempotency-Key": str(uuid.uuid4())},
                                          json={"amount": 5_000, "new_method": b.card()}),
    "card_added": lambda b: b.method(b.card()),
    "card_updated": lambda b: replace(b, b.card),
    "card_removed": lambda b: remove(b, b.card),
    "bank_account_added": lambda b: b.method(b.bank()),
    "bank_account_updated": lambda b: replace(b, b.bank),
    "bank_account_removed": lambda b: remove(b, b.bank),
    "estimate_decided": lambda b: b.portal("POST", f"/estimates/{b.estimate()['id']}/decision",
                                           json={"decision": "approved"}),
    "service_requested": lambda b: b.portal("POST", "/services/requests", 201, json={
        "service_id": b.billing("create_service", {"name": "Hedge trimming", "price": 9_000})["id"],
        "preferred_dates": [day(7)]}),
    "reschedule_requested": lambda b: b.portal("POST", f"/services/visits/{b.visits()[0]['id']}/requests", 201,
                                               json={"kind": "reschedule", "preferred_dates": [day(5)]}),
    "cancel_requested": lambda b: b.portal("POST", f"/services/visits/{b.visits()[0]['id']}/requests", 201,
                                           json={"kind": "cancel"}),
    "ticket_opened": lambda b: b.ticket(),
    "ticket_replied": lambda b: b.portal("POST", f"/tickets/{b.ticket()['id']}/messages", 201,
                                         json={"body": "Any news?"}),
    "chat_thread_started": lambda b: b.chat(),
    "chat_message_sent": lambda b: b.portal("POST", f"/chat/threads/{b.chat()['thread']['id']}/messages", 201,
                                            json={"body": "Thanks"}),
    "document_uploaded": upload,
    "upload_done": lambda b: b.portal("POST", "/documents/done-uploading"),
}


@pytest.fixture(scope="module")
def business(system):
    return Business(system)


def test_every_action_of_the_alerts_tab_has_a_trigger():
    assert sorted(TRIGGERS) == ACTIONS


@pytest.mark.parametrize("action", ACTIONS)
def test_each_client_action_alerts_the_staff_member_chosen_for_it(business, action):
    business.choose_only(action)
    TRIGGERS[action](business)

    def alerted():
        items = business.staff("GET", "/alerts", query_string={"limit": 200})["items"]
        return next((item for item in items if item["action"] == action), None)

    alert = wait_for(alerted, timeout=30, message=f"an alert for {action}")
    assert alert["text"] and alert["account_id"]
