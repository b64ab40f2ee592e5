"""Refunds through the gateway, against the running services and the sandbox processor: the staff API gives a refund
once per key, the sandbox holds it, the invoice says what was given back and the client reads it in the feed; the
staff's invoice page asks first, then refunds, and refuses what the payment cannot give."""
import json
import re
import urllib.request
import uuid

import pytest
from sqlalchemy import select

from portico_testing import wait_for
from sandbox_processor.store import refunds as sandbox_refunds
from tests.portal_helpers import bearer, new_address, portal_api, registered_client
from tests.test_tickets_pages import csrf_of

pytestmark = pytest.mark.backends("sqlite")
API = "/api/v1/staff"
CARD = {"kind": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


class Business:
    """An owner signed in to the API and the pages, and a client who paid a $100.00 invoice with a card."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant(slug=f"refund-{uuid.uuid4().hex[:8]}")
        self.staff = bearer(system.staff_token(credentials))
        self.pages = system.app.test_client()
        assert self.pages.post("/staff/sign-in", data=credentials, environ_base=new_address()).status_code == 303
        self.client, session = registered_client(system, self.tenant)
        self.portal = bearer(session["token"])
        self.invoice = self.api("POST", "/invoices", 201, json={
            "account_id": self.client["id"], "due_date": "2031-01-31",
            "lines": [{"description": "Spring clean-up", "unit_price": 10_000}]})
        paid = system.http.post(f"{portal_api(self.tenant)}/payments", json={
            "invoice_ids": [self.invoice["id"]], "new_method": self.card()},
            headers={**self.portal, "Idempotency-Key": str(uuid.uuid4())})
        assert paid.status_code == 201, paid.get_json()
        self.payment = paid.get_json()["payment"]

    def card(self):
        request = urllib.request.Request(f"{self.system.processor_url}/v1/tokens", data=json.dumps(CARD).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.loads(response.read())
        return {part: token[part] for part in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}

    def api(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers={
            **self.staff, **kwargs.pop("headers", {})}, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1000])
        return response.get_json()

    def refund(self, amount, status=201, key=None, **fields):
        return self.api("POST", f"/invoices/{self.invoice['id']}/refunds", status, headers={
            "Idempotency-Key": key or str(uuid.uuid4())}, json={
            "payment_id": self.payment["id"], "amount": amount, "destination": "method", **fields})

    def page(self, path="", status=200, **form):
        address = f"/staff/invoices/{self.invoice['id']}{path}"
        if form:
            token = csrf_of(self.pages.get(f"/staff/invoices/{self.invoice['id']}").get_data(as_text=True))
            response = self.pages.post(address, data={"csrf_token": token, **form})
        else:
            response = self.pages.get(address)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1000])
        return response


@pytest.fixture
def business(system):
    return Business(system)


def refunds_at_the_sandbox(system):
    store = system.processor_app.extensions["sandbox_store"]
    with store.engine.connect() as connection:
        return connection.execute(select(sandbox_refunds.c.amount)).scalars().all()


def test_a_partial_refund_to_the_card_is_given_once_and_the_client_reads_of_it(business, system):
    key = str(uuid.uuid4())
    given = business.refund(2_500, key=key, reason="One visit was missed")
    assert business.refund(2_500, key=key, reason="One visit was missed") == given
    assert (given["status"], given["amount"]) == ("succeeded", 2_500)
    assert refunds_at_the_sandbox(system).count(2_500) >= 1
    shown = business.api("GET", f"/invoices/{business.invoice['id']}")
    assert (shown["status"], shown["balance"], shown["paid"], shown["refunded"]) == ("paid", 0, 7_500, 2_500)
    assert [refund["id"] for refund in shown["refunds"]] == [given["id"]]

    def told():
        items = system.http.get(f"{portal_api(business.tenant)}/feed", headers=business.portal).get_json()["items"]
        return next((item for item in items if item["kind"] == "refund"), None)

    item = wait_for(told, timeout=20, message="the client's feed to tell of the refund")
    assert item["title"] == "Refund: $25.00" and "Visa ending 4242" in item["body"]


def test_more_than_the_payment_put_on_the_invoice_is_refused_field_by_field(business):
    business.refund(6_000, destination="credit")
    refused = business.refund(4_001, 400)
    assert "At most $40.00 of this payment is on invoice" in refused["error"]["fields"]["amount"][0]
    assert business.api("GET", f"/invoices/{business.invoice['id']}")["refunded"] == 6_000


def test_the_invoice_page_asks_first_then_refunds_and_shows_it(business):
    page = business.page().get_data(as_text=True)
    assert "Refund…" in page and "Visa ending 4242, $100.00 on this invoice" in page
    form = {"payment_id": str(business.payment["id"]), "amount": "12.50", "destination": "credit",
            "refund_reason": "Gate left open"}
    asked = business.page("/refund", **form).get_data(as_text=True)
    assert "Refund $12.50?" in asked and "becomes credit on the client's account" in asked
    assert business.api("GET", f"/invoices/{business.invoice['id']}")["refunded"] == 0  # nothing yet
    key = re.search(r'name="key" value="([^"]+)"', asked).group(1)
    for _ in range(2):  # pressed twice: one refund
        done = business.page("/refund", 303, **form, key=key, confirm="yes")
    assert "done=refunded" in done.headers["Location"]
    shown = business.pages.get(done.headers["Location"]).get_data(as_text=True)
    assert "Refund given." in shown and "Gate left open" in shown and "As account credit" in shown
    assert business.api("GET", f"/invoices/{business.invoice['id']}")["refunded"] == 1_250


@pytest.mark.parametrize("form, message", [
    ({"amount": "ten"}, "Enter an amount, such as"), ({"amount": "200.00"}, "At most $100.00 of this payment"),
    ({"destination": "cash"}, "Choose where the money goes.")])
def test_the_invoice_page_says_what_is_wrong_and_refunds_nothing(business, form, message):
    sent = {"payment_id": str(business.payment["id"]), "amount": "10.00", "destination": "method", **form}
    if "200.00" in sent["amount"]:  # passes the form's own checks: billing refuses it at the confirmation
        sent.update(key=str(uuid.uuid4()), confirm="yes")
    refused = business.page("/refund", 400, **sent).get_data(as_text=True)
    assert message in refused
    assert business.api("GET", f"/invoices/{business.invoice['id']}")["refunded"] == 0


def test_the_demo_seed_gives_back_part_of_a_paid_invoice_to_the_card(business, system):
    """make up's demo (scripts/seed_refunds.py), on a business of its own."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    client_context = system.client_context(business.tenant, 1, business.client["id"])
    seed_demo.part("seed_refunds").seed_refunds(system.rpc, system.context(business.tenant), business.client["id"],
                                                client_context, seed_demo.invoice, business.card)
    hedges = next(item for item in business.api("GET", "/invoices", query_string={
        "account_id": business.client["id"]})["items"] if item["total"] == 9_000)
    shown = business.api("GET", f"/invoices/{hedges['id']}")
    assert (shown["paid"], shown["refunded"]) == (7_500, 1_500)
    assert shown["refunds"][0]["reason"] == "The back hedge was skipped: the gate was locked"


def test_the_client_s_billing_history_says_what_was_refunded_to_the_card(business, system):
    business.refund(3_000)
    [entry] = system.http.get(f"{portal_api(business.tenant)}/billing/history", headers=business.portal).get_json()[
        "items"]
    assert (entry["refunded"], entry["applied_to"]) == (3_000, [{"invoice_number": business.invoice["number"],
                                                                 "amount": 7_000}])
    staff_page = business.pages.get(f"/staff/clients/{business.client['id']}/billing").get_data(as_text=True)
    assert "$30.00 refunded to the method" in staff_page
