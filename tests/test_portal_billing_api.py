"""The client portal's Billing tab through the gateway, against the running services and the sandbox processor:
invoices, paying several in one payment with an Idempotency-Key, declines, payment limits, every Billing tab
setting, cards and bank accounts on file, autopay, prepayments, isolation between accounts and businesses,
and the server-rendered billing pages."""
import json
import re
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import create_engine, select

from billing.models import platform as billing_tables
from gateway.app import create_app
from gateway.features.home import home_panels
from gateway.features.tab_bar import portal_tabs
from tests.portal_helpers import (CLIENT_PASSWORD, as_staff, bearer, new_address, portal_api, registered_client,
                                  staff_context)

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL; those in both also on SQLite.
pytestmark = pytest.mark.backends("postgresql", both=(
    "test_a_retry_with_the_same_key_replays_the_first_answer_and_charges_once",  # idempotency records
    "test_invoices_are_filtered_by_number_date_and_amount",  # date and amount comparisons in SQL
    "test_a_prepayment_becomes_credit_that_the_client_may_use_at_checkout",  # credit rows taken with locks
    # Paying, as the embedded default takes it (tests/test_payment_storm.py has the storm of retries):
    "test_two_invoices_are_paid_in_one_payment_with_a_new_card",  # reserve, charge, settle, one transaction each
    "test_a_declined_card_is_a_clear_402_and_changes_nothing",  # the reservation given back
    "test_paying_invoices_already_paid_is_a_conflict",  # the invoices' locks, taken in id order
))

APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"
TODAY = date.today()


# --- helpers -----------------------------------------------------------------------------------

@pytest.fixture
def business(system):
    tenant, _ = system.new_tenant()
    return tenant


def as_billing_staff(system, tenant, method, *args):
    return system.rpc.call("billing", method, *args, context=staff_context(system, tenant))


def change_billing_settings(system, tenant, **changes):
    return as_billing_staff(system, tenant, "update_settings", "billing", changes)


def create_invoice(system, tenant, account_id, cents, due=None, issued=None):
    return as_billing_staff(system, tenant, "create_invoice", {
        "account_id": account_id, "due_date": (due or TODAY + timedelta(days=14)).isoformat(),
        "issue_date": (issued or TODAY).isoformat(), "lines": [{"description": "Lawn mowing", "unit_price": cents}]})


def processor_token(system, **details):
    """Tokenise card or bank details at the sandbox processor, as its hosted form does."""
    request = urllib.request.Request(f"{system.processor_url}/v1/tokens", data=json.dumps(details).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def card(system, number=APPROVED_CARD):
    token = processor_token(system, kind="card", number=number, exp_month=12, exp_year=TODAY.year + 3, cvc="123")
    return {part: token[part] for part in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


def bank_account(system):
    token = processor_token(system, kind="ach", routing_number="110000000", account_number="000123456789",
                            account_holder="Casey Client")
    return {part: token[part] for part in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


def charges_made(system):
    return system.processor_app.extensions["sandbox_store"].count_charges()


class Client:
    """A signed-in portal client of a business, calling the portal API with its bearer token."""

    def __init__(self, system, tenant, name="Casey Client"):
        self.system, self.tenant = system, tenant
        self.record, self.session = registered_client(system, tenant, name=name)
        self.account_id = self.record["id"]
        self.email = self.session["portal_user"]["email"]

    def call(self, method, path, body=None, key=None, **headers):
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.system.http.open(portal_api(self.tenant) + path, method=method, json=body,
                                     headers={**bearer(self.session["token"]), **headers})

    def get(self, path):
        return self.call("GET", path)

    def invoice(self, cents, **dates):
        return create_invoice(self.system, self.tenant, self.account_id, cents, **dates)

    def pay(self, body, key=None):
        return self.call("POST", "/payments", body, key=key or str(uuid.uuid4()))

    def add_method(self, method):
        response = self.call("POST", "/payment-methods", method)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def unpaid(self):
        return {invoice["number"]: invoice["balance"] for invoice in self.get("/invoices").get_json()["items"]}


@pytest.fixture
def client(system, business):
    return Client(system, business)


def error_of(response):
    return response.get_json()["error"]


def billing_events(system, event_type):
    engine = create_engine(system.databases.urls["billing"])
    try:
        with engine.connect() as connection:
            outbox = billing_tables.outbox
            return [body["data"] for body in connection.execute(
                select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)).scalars()]
    finally:
        engine.dispose()


# --- paying several invoices in one payment ------------------------------------------------------

def test_two_invoices_are_paid_in_one_payment_with_a_new_card(system, client):
    first, second = client.invoice(12_500), client.invoice(7_550)
    charges_before = charges_made(system)

    response = client.pay({"invoice_ids": [first["id"], second["id"]], "new_method": card(system),
                           "save_method": True})

    assert response.status_code == 201, response.get_json()
    paid = response.get_json()
    assert paid["payment"]["amount"] == 20_050
    assert paid["payment"]["status"] == "succeeded"
    assert paid["payment"]["method"] == "Visa ending 4242"
    assert {invoice["number"]: invoice["status"] for invoice in paid["invoices"]} == {
        first["number"]: "paid", second["number"]: "paid"}
    assert charges_made(system) == charges_before + 1
    assert client.unpaid() == {}
    [entry] = client.get("/billing/history").get_json()["items"]
    assert sorted((item["invoice_number"], item["amount"]) for item in entry["applied_to"]) == [
        (first["number"], 12_500), (second["number"], 7_550)]
    assert [method["label"] for method in client.get("/payment-methods").get_json()["items"]] == ["Visa ending 4242"]
    receipt = [event for event in billing_events(system, "payment_succeeded")
               if event["payment_id"] == paid["payment"]["id"]]
    assert receipt[0]["receipt_to"] == client.email


def test_a_card_not_saved_is_not_kept_on_file(system, client):
    invoice = client.invoice(5_000)
    assert client.pay({"invoice_ids": [invoice["id"]], "new_method": card(system)}).status_code == 201
    assert client.get("/payment-methods").get_json()["items"] == []


def test_a_retry_with_the_same_key_replays_the_first_answer_and_charges_once(system, client):
    first, second = client.invoice(10_000), client.invoice(2_000)
    body = {"invoice_ids": [first["id"], second["id"]], "new_method": card(system)}
    key = str(uuid.uuid4())
    charges_before = charges_made(system)

    answer = client.pay(body, key)
    retry = client.pay(body, key)

    assert answer.status_code == 201 and retry.status_code == 201
    assert retry.get_json() == answer.get_json()
    assert charges_made(system) == charges_before + 1
    assert len(client.get("/billing/history").get_json()["items"]) == 1


def test_the_same_key_with_another_body_is_refused(system, client):
    first, second = client.invoice(10_000), client.invoice(2_000)
    key = str(uuid.uuid4())
    assert client.pay({"invoice_ids": [first["id"]], "new_method": card(system)}, key).status_code == 201

    reused = client.pay({"invoice_ids": [second["id"]], "new_method": card(system)}, key)

    assert reused.status_code == 422
    assert error_of(reused)["code"] == "idempotency_key_reused"
    assert client.unpaid() == {second["number"]: 2_000}


@pytest.mark.parametrize("path", ["/payments", "/prepayments"])
def test_moving_money_needs_an_idempotency_key(system, client, path):
    change_billing_settings(system, client.tenant, prepayments_enabled=True)
    invoice = client.invoice(3_000)
    body = ({"invoice_ids": [invoice["id"]], "new_method": card(system)} if path == "/payments"
            else {"amount": 3_000, "new_method": card(system)})
    charges_before = charges_made(system)

    missing = client.call("POST", path, body)
    too_short = client.call("POST", path, body, key="abc")

    for response in (missing, too_short):
        assert response.status_code == 400
        assert list(error_of(response)["fields"]) == ["Idempotency-Key"]
    assert charges_made(system) == charges_before
    assert client.unpaid() == {invoice["number"]: 3_000}


@pytest.mark.parametrize("number,message", [(DECLINED_CARD, "declined"),
                                            (INSUFFICIENT_FUNDS_CARD, "insufficient funds")])
def test_a_declined_card_is_a_clear_402_and_changes_nothing(system, client, number, message):
    first, second = client.invoice(4_000), client.invoice(6_000)
    summary_before = client.get("/billing/summary").get_json()
    key = str(uuid.uuid4())
    body = {"invoice_ids": [first["id"], second["id"]], "new_method": card(system, number)}

    declined = client.pay(body, key)

    assert declined.status_code == 402
    assert error_of(declined)["code"] == "payment_declined"
    assert message in error_of(declined)["message"]
    assert "Nothing was charged" in error_of(declined)["message"]
    assert client.unpaid() == {first["number"]: 4_000, second["number"]: 6_000}
    assert client.get("/billing/summary").get_json() == summary_before
    assert client.get("/billing/history").get_json()["items"] == []
    assert client.get("/payment-methods").get_json()["items"] == []
    # The decline is the answer to that key; a new attempt with a good card takes a new key.
    assert client.pay(body, key).status_code == 402
    assert client.pay({**body, "new_method": card(system)}).status_code == 201


def test_paying_invoices_already_paid_is_a_conflict(system, client):
    invoice = client.invoice(1_500)
    assert client.pay({"invoice_ids": [invoice["id"]], "new_method": card(system)}).status_code == 201

    again = client.pay({"invoice_ids": [invoice["id"]], "new_method": card(system)})

    assert again.status_code == 409


def test_a_bad_payment_body_names_each_field(system, client):
    response = client.pay({"invoice_ids": "all", "amount": 12.5, "surprise": True})

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"invoice_ids", "amount", "surprise"}


# --- payment limits --------------------------------------------------------------------------------

def test_over_the_card_limit_the_client_is_warned_and_must_confirm(system, client):
    change_billing_settings(system, client.tenant, card_max_payment=10_000)
    invoice = client.invoice(15_000)
    method = client.add_method(card(system))
    body = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]}

    quote = client.call("POST", "/payments/quote", body)
    unconfirmed = client.pay(body)
    confirmed = client.pay({**body, "confirm_over_limit": True})

    assert quote.status_code == 200
    assert quote.get_json()["over_limit"] is True and quote.get_json()["blocked"] is False
    assert quote.get_json()["charge_amount"] == 15_000
    assert "$100.00 limit" in quote.get_json()["message"]
    assert "bank account (ACH)" in quote.get_json()["message"]
    assert unconfirmed.status_code == 400
    assert list(error_of(unconfirmed)["fields"]) == ["confirm_over_limit"]
    assert confirmed.status_code == 201
    assert client.unpaid() == {}


def test_a_business_that_blocks_over_the_limit_refuses_the_payment(system, client):
    change_billing_settings(system, client.tenant, card_max_payment=10_000, over_limit_action="block")
    invoice = client.invoice(15_000)
    method = client.add_method(card(system))
    body = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"], "confirm_over_limit": True}
    charges_before = charges_made(system)

    quote = client.call("POST", "/payments/quote", body).get_json()
    refused = client.pay(body)

    assert quote["blocked"] is True and "contact us" in quote["message"]
    assert refused.status_code == 400
    assert list(error_of(refused)["fields"]) == ["amount"]
    assert charges_made(system) == charges_before
    assert client.unpaid() == {invoice["number"]: 15_000}
    # Under the limit by bank account (no ACH limit set), the same invoice can be paid.
    bank = client.add_method(bank_account(system))
    assert client.pay({**body, "payment_method_id": bank["id"]}).status_code == 201


def test_a_quote_without_limits_is_not_over(system, client):
    invoice = client.invoice(99_999)
    quote = client.call("POST", "/payments/quote", {"invoice_ids": [invoice["id"]], "new_method": card(system)})
    assert quote.get_json() == {"charge_amount": 99_999, "credit_used": 0, "over_limit": False, "blocked": False,
                                "message": None}


# --- invoices ----------------------------------------------------------------------------------------

def test_invoices_are_filtered_by_number_date_and_amount(system, client):
    old = client.invoice(2_000, issued=TODAY - timedelta(days=40), due=TODAY - timedelta(days=10))
    middle = client.invoice(8_000, issued=TODAY - timedelta(days=5))
    large = client.invoice(50_000)

    def numbers(query=""):
        response = client.get(f"/invoices{query}")
        assert response.status_code == 200, response.get_json()
        return [invoice["number"] for invoice in response.get_json()["items"]]

    assert sorted(numbers()) == sorted([old["number"], middle["number"], large["number"]])
    assert numbers(f"?number={middle['number']}") == [middle["number"]]
    assert numbers(f"?date_to={(TODAY - timedelta(days=30)).isoformat()}") == [old["number"]]
    assert sorted(numbers(f"?date_from={(TODAY - timedelta(days=10)).isoformat()}")) == sorted(
        [middle["number"], large["number"]])
    assert numbers("?amount_min=5000&amount_max=10000") == [middle["number"]]
    assert numbers("?status=past_due") == [old["number"]]
    summary = client.get("/billing/summary").get_json()
    assert summary["total_due"] == 60_000 and summary["open_count"] == 3
    assert [invoice["number"] for invoice in summary["past_due"]] == [old["number"]]

    bad = client.get("/invoices?date_from=yesterday&amount_min=-1")
    assert bad.status_code == 400
    assert set(error_of(bad)["fields"]) == {"date_from", "amount_min"}


def test_an_invoice_pdf_downloads(system, client):
    invoice = client.invoice(4_200)
    response = client.get(f"/invoices/{invoice['id']}/pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f'attachment; filename="invoice-{invoice["number"]}.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "private, no-store"


# --- a Billing tab setting switched off removes its feature ---------------------------------------------

def use_show_invoices(system, client):
    invoice = client.invoice(1_000)
    return [client.get("/invoices"), client.get(f"/invoices/{invoice['id']}/pdf")]


def use_partial_payments(system, client):
    invoice = client.invoice(10_000)
    return [client.pay({"invoice_ids": [invoice["id"]], "new_method": card(system), "amount": 4_000})]


def use_card_changes(system, client):
    first, second = client.add_method(card(system)), client.add_method(card(system))
    return [client.call("PUT", f"/payment-methods/{first['id']}", card(system)),
            client.call("DELETE", f"/payment-methods/{second['id']}")]


SETTINGS = {
    # setting: (what uses it, the status when off, the field named when off)
    "show_invoices": (use_show_invoices, 403, None),
    "allow_partial_payments": (use_partial_payments, 400, "amount"),
    "allow_card_changes": (use_card_changes, 403, None),
}


# Every setting's rule is checked in-process (services/billing/tests/test_feature_settings.py); over HTTP,
# one of each kind of refusal: a page and a PDF (403), a payment's field (400), a method's PUT and DELETE (403).
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_a_billing_setting_switched_off_removes_its_feature(system, setting):
    use, status_when_off, field = SETTINGS[setting]
    tenant, _ = system.new_tenant()
    allowed, refused = Client(system, tenant, "Allowed Client"), Client(system, tenant, "Refused Client")

    change_billing_settings(system, tenant, **{setting: True})
    for response in use(system, allowed):
        assert response.status_code < 300, (setting, response.get_json())
    assert allowed.get("/billing/summary").get_json()["features"][setting] is True

    change_billing_settings(system, tenant, **{setting: False})
    charges_before = charges_made(system)
    for response in use(system, refused):
        assert response.status_code == status_when_off, (setting, response.get_json())
        if field:
            assert field in error_of(response)["fields"]
    assert charges_made(system) == charges_before
    assert refused.get("/billing/summary").get_json()["features"][setting] is False


# --- cards and bank accounts on file -----------------------------------------------------------------

def test_cards_and_bank_accounts_are_added_replaced_and_removed(system, client):
    visa = client.add_method(card(system))
    bank = client.add_method(bank_account(system))
    assert visa["label"] == "Visa ending 4242" and visa["exp_year"] == TODAY.year + 3
    assert bank == {**bank, "kind": "ach", "label": "Bank account ending 6789", "exp_month": None}

    replaced = client.call("PUT", f"/payment-methods/{visa['id']}", card(system, "5555555555554444"))
    removed = client.call("DELETE", f"/payment-methods/{bank['id']}")

    assert replaced.status_code == 200 and replaced.get_json()["label"] == "Mastercard ending 4444"
    assert removed.status_code == 204
    assert [method["label"] for method in client.get("/payment-methods").get_json()["items"]] == [
        "Mastercard ending 4444"]
    assert billing_events(system, "payment_method_removed")[-1]["label"] == "Bank account ending 6789"


def test_a_method_body_must_be_a_processor_token(system, client):
    response = client.call("POST", "/payment-methods", {"kind": "card", "number": APPROVED_CARD})

    assert response.status_code == 400
    assert {"token", "brand", "last4", "number"} <= set(error_of(response)["fields"])
    assert client.get("/payment-methods").get_json()["items"] == []


# --- autopay -------------------------------------------------------------------------------------------

def test_autopay_needs_consent_and_the_staff_lock_keeps_it_on(system, client):
    change_billing_settings(system, client.tenant, autopay_enabled=True, autopay_applies_to="all_scheduled_jobs")
    method = client.add_method(card(system))
    status = client.get("/autopay").get_json()
    assert status["available"] is True and status["enrolled"] is False
    assert "all of your scheduled services" in status["consent_text"]

    without_consent = client.call("PUT", "/autopay", {"payment_method_id": method["id"], "consent": False})
    enrolled = client.call("PUT", "/autopay", {"payment_method_id": method["id"], "consent": True})

    assert without_consent.status_code == 400 and "consent" in error_of(without_consent)["fields"]
    assert enrolled.status_code == 200
    assert enrolled.get_json()["enrolled"] is True
    assert enrolled.get_json()["payment_method"]["id"] == method["id"]
    assert billing_events(system, "autopay_enrolled")[-1]["account_id"] == client.account_id

    as_billing_staff(system, client.tenant, "set_autopay_lock", client.account_id, True)
    locked = client.call("DELETE", "/autopay")
    assert locked.status_code == 403
    assert client.get("/autopay").get_json()["enrolled"] is True

    as_billing_staff(system, client.tenant, "set_autopay_lock", client.account_id, False)
    cancelled = client.call("DELETE", "/autopay")
    assert cancelled.status_code == 200 and cancelled.get_json()["enrolled"] is False


# --- prepayments and credit ----------------------------------------------------------------------------

def test_a_prepayment_becomes_credit_that_the_client_may_use_at_checkout(system, client):
    change_billing_settings(system, client.tenant, prepayments_enabled=True)
    key = str(uuid.uuid4())
    body = {"amount": 5_000, "new_method": card(system)}

    made = client.call("POST", "/prepayments", body, key=key)
    replayed = client.call("POST", "/prepayments", body, key=key)

    assert made.status_code == 201 and replayed.get_json() == made.get_json()
    assert made.get_json()["payment"]["kind"] == "prepayment"
    assert client.get("/billing/summary").get_json()["credit"] == 5_000

    invoice = client.invoice(8_000)
    quote = client.call("POST", "/payments/quote", {"invoice_ids": [invoice["id"]], "credit": 5_000,
                                                    "new_method": card(system)})
    paid = client.pay({"invoice_ids": [invoice["id"]], "credit": 5_000, "new_method": card(system)})

    assert quote.get_json()["charge_amount"] == 3_000 and quote.get_json()["credit_used"] == 5_000
    assert paid.status_code == 201 and paid.get_json()["payment"]["amount"] == 3_000
    assert client.get("/billing/summary").get_json()["credit"] == 0
    history = client.get("/billing/history").get_json()["items"]
    assert [entry["kind"] for entry in history] == ["payment", "prepayment"]
    assert history[1]["applied_to"] == [{"invoice_number": invoice["number"], "amount": 5_000}]


# --- a client sees only its own account -----------------------------------------------------------------

def test_another_accounts_invoices_and_methods_are_not_found(system, business, client):
    neighbour = Client(system, business, "Nosy Neighbour")
    invoice = client.invoice(9_000)
    method = client.add_method(card(system))
    other_tenant, _ = system.new_tenant()
    stranger = Client(system, other_tenant, "Far Stranger")
    change_billing_settings(system, business, autopay_enabled=True)
    change_billing_settings(system, other_tenant, autopay_enabled=True)

    for intruder in (neighbour, stranger):
        own_method = intruder.add_method(card(system))
        responses = [
            intruder.get(f"/invoices/{invoice['id']}/pdf"),
            intruder.call("POST", "/payments/quote", {"invoice_ids": [invoice["id"]],
                                                      "payment_method_id": own_method["id"]}),
            intruder.pay({"invoice_ids": [invoice["id"]], "payment_method_id": own_method["id"]}),
            intruder.call("PUT", f"/payment-methods/{method['id']}", card(system)),
            intruder.call("DELETE", f"/payment-methods/{method['id']}"),
            intruder.call("PUT", "/autopay", {"payment_method_id": method["id"], "consent": True}),
        ]
        assert [response.status_code for response in responses] == [404] * len(responses)
        assert intruder.get("/invoices").get_json()["items"] == []
        assert [item["id"] for item in intruder.get("/payment-methods").get_json()["items"]] == [own_method["id"]]
    own_invoice = neighbour.invoice(1_000)
    mixed = neighbour.pay({"invoice_ids": [own_invoice["id"], invoice["id"]], "new_method": card(system)})
    assert mixed.status_code == 404
    assert client.unpaid() == {invoice["number"]: 9_000}
    assert neighbour.unpaid() == {own_invoice["number"]: 1_000}
    assert [item["id"] for item in client.get("/payment-methods").get_json()["items"]] == [method["id"]]


def test_a_client_who_may_only_view_cannot_pay(system, business, client):
    viewer = Client(system, business, "Vera Viewer")
    as_staff(system, business, "link_portal_user", viewer.session["portal_user"]["id"], client.account_id, "view")
    switched = viewer.call("PUT", "/session/account", {"account_id": client.account_id})
    assert switched.status_code == 200, switched.get_json()
    invoice = client.invoice(2_000)

    assert [item["id"] for item in viewer.get("/invoices").get_json()["items"]] == [invoice["id"]]
    refused = viewer.pay({"invoice_ids": [invoice["id"]], "new_method": card(system)})
    assert refused.status_code == 403
    assert client.unpaid() == {invoice["number"]: 2_000}


def test_the_billing_api_needs_a_signed_in_client(system, business):
    for method, path in (("GET", "/billing/summary"), ("GET", "/invoices"), ("POST", "/payments"),
                         ("GET", "/payment-methods"), ("GET", "/autopay")):
        response = system.http.open(portal_api(business) + path, method=method, json={})
        assert response.status_code == 401, path


def test_the_openapi_document_describes_the_billing_routes(system):
    spec = system.http.get("/api/v1/openapi.json").get_json()
    base = "/api/v1/portal/{slug}"
    expected = {
        "/billing/summary": {"get"}, "/invoices": {"get"}, "/invoices/{invoice_id}/pdf": {"get"},
        "/payments/quote": {"post"}, "/payments": {"post"}, "/prepayments": {"post"},
        "/billing/history": {"get"}, "/payment-methods": {"get", "post"},
        "/payment-methods/{method_id}": {"put", "delete"}, "/autopay": {"get", "put", "delete"},
    }
    for path, methods in expected.items():
        assert set(spec["paths"][base + path]) - {"parameters"} == methods, path
    assert "Idempotency-Key" in spec["paths"][base + "/payments"]["post"]["summary"]


# --- the server-rendered billing pages ------------------------------------------------------------------

@pytest.fixture
def browser(system):
    """A test client of its own, so its cookies stay with it."""
    return system.app.test_client()


def page_path(tenant, path=""):
    return f"/p/{tenant['slug']}/{path}"


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in_page(browser, client):
    response = browser.post(page_path(client.tenant, "sign-in"), data={"login": client.email,
                                                                       "password": CLIENT_PASSWORD},
                            environ_base=new_address())
    assert response.status_code == 303


def test_the_home_page_shows_total_due_and_past_due_invoices_with_pay_now(system, browser, client):
    late = client.invoice(3_000, issued=TODAY - timedelta(days=30), due=TODAY - timedelta(days=2))
    client.invoice(1_234)
    sign_in_page(browser, client)

    html = browser.get(page_path(client.tenant)).get_data(as_text=True)

    assert "Total due" in html and "$42.34" in html
    assert f"Invoice #{late['number']}: $30.00" in html
    assert f'href="/p/{client.tenant["slug"]}/billing?select={late["id"]}#pay-form"' in html
    assert 'href="/p/{}/billing"'.format(client.tenant["slug"]) in html

    change_billing_settings(system, client.tenant, show_invoices=False)
    hidden = browser.get(page_path(client.tenant)).get_data(as_text=True)
    assert "Total due" not in hidden and "Pay Now" not in hidden


def test_the_billing_page_preselects_unpaid_invoices_and_hides_what_is_off(system, browser, client):
    first, second = client.invoice(1_000), client.invoice(2_000)
    sign_in_page(browser, client)

    response = browser.get(page_path(client.tenant, "billing"))
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert f"frame-src {system.app.config['PAYMENT_PROCESSOR_PUBLIC_URL']}" in response.headers[
        "Content-Security-Policy"]
    for invoice in (first, second):
        assert re.search(rf'value="{invoice["id"]}"\s+data-balance="{invoice["balance"]}" checked', html)
    assert 'name="idempotency_key"' not in html  # the key comes with the review, which pays
    assert "Billing history" in html and "Make a prepayment" not in html

    selected = browser.get(page_path(client.tenant, f"billing?select={second['id']}")).get_data(as_text=True)
    assert re.search(rf'value="{second["id"]}"\s+data-balance="2000" checked', selected)
    assert not re.search(rf'value="{first["id"]}"\s+data-balance="1000" checked', selected)

    method = client.add_method(card(system))
    html = browser.get(page_path(client.tenant, "billing")).get_data(as_text=True)
    assert f'action="/p/{client.tenant["slug"]}/billing/methods/{method["id"]}/remove"' in html

    change_billing_settings(system, client.tenant, show_billing_history=False, online_payments_enabled=False,
                            prepayments_enabled=True, allow_card_changes=False)
    html = browser.get(page_path(client.tenant, "billing")).get_data(as_text=True)
    assert "Billing history" not in html and 'name="invoice_ids"' not in html
    assert "Paying online is not available" in html and "Make a prepayment" in html
    assert "/remove" not in html and "/replace" not in html
    assert "To change or remove a card on file, contact" in html


def test_paying_through_the_pages_reviews_then_pays_once(system, browser, client):
    invoice = client.invoice(2_500)
    method = client.add_method(card(system))
    sign_in_page(browser, client)
    csrf_token = csrf_of(browser.get(page_path(client.tenant, "billing")).get_data(as_text=True))
    form = {"csrf_token": csrf_token, "invoice_ids": str(invoice["id"]), "method": str(method["id"])}

    review = browser.post(page_path(client.tenant, "billing/review"), data=form)
    html = review.get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert review.status_code == 200 and "Pay $25.00 now" in html
    assert client.unpaid() == {invoice["number"]: 2_500}

    charges_before = charges_made(system)
    paid = browser.post(page_path(client.tenant, "billing/pay"), data={**form, "idempotency_key": key})
    again = browser.post(page_path(client.tenant, "billing/pay"), data={**form, "idempotency_key": key})

    assert paid.status_code == 200 and again.status_code == 200
    assert f"A receipt was emailed to <strong class=\"email\">{client.email}</strong>" in paid.get_data(as_text=True)
    assert f"Invoice #{invoice['number']} ($25.00): paid in full" in again.get_data(as_text=True)
    assert charges_made(system) == charges_before + 1
    assert client.unpaid() == {}


def test_the_pay_form_without_a_method_or_invoice_names_both(system, browser, client):
    client.invoice(2_500)
    sign_in_page(browser, client)
    csrf_token = csrf_of(browser.get(page_path(client.tenant, "billing")).get_data(as_text=True))

    response = browser.post(page_path(client.tenant, "billing/review"), data={"csrf_token": csrf_token,
                                                                             "method": "new-card"})
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Choose at least one invoice to pay." in html
    assert "Enter the card details in the secure form" in html


def test_autopay_page_refuses_without_consent_and_enrols_with_it(system, browser, client):
    change_billing_settings(system, client.tenant, autopay_enabled=True)
    method = client.add_method(card(system))
    sign_in_page(browser, client)
    html = browser.get(page_path(client.tenant, "autopay")).get_data(as_text=True)
    assert "services created from today on" in html
    csrf_token = csrf_of(html)

    refused = browser.post(page_path(client.tenant, "autopay"), data={"csrf_token": csrf_token,
                                                                      "payment_method_id": str(method["id"])})
    assert refused.status_code == 400 and "Tick the box to agree" in refused.get_data(as_text=True)
    assert client.get("/autopay").get_json()["enrolled"] is False

    enrolled = browser.post(page_path(client.tenant, "autopay"), data={
        "csrf_token": csrf_token, "payment_method_id": str(method["id"]), "consent": "yes"})
    assert enrolled.status_code == 303
    assert client.get("/autopay").get_json()["enrolled"] is True

    as_billing_staff(system, client.tenant, "set_autopay_lock", client.account_id, True)
    locked = browser.get(page_path(client.tenant, "autopay")).get_data(as_text=True)
    assert "locked it on for this account" in locked
    assert 'action="/p/{}/autopay/cancel"'.format(client.tenant["slug"]) not in locked


class SlowServices:
    """Stands in for the RPC client: every call takes ``seconds``, and the rounds of calls a page waited for one
    after the other are counted (a parallel call is one round, however many calls it makes)."""

    def __init__(self, seconds):
        self.seconds, self.calls, self.rounds = seconds, [], 0
        self.executor = ThreadPoolExecutor(max_workers=16)

    def call(self, service, method, *args, context=None, timeout=None):
        self.rounds += 1
        return self._answer(service, method)

    def _answer(self, service, method):
        self.calls.append((service, method))
        time.sleep(self.seconds)
        return {"get_portal_config": {"display_name": "Slow Lawns"},
                "my_summary": {"total_due": 0, "features": {}},
                "my_ticket_options": {"tickets_enabled": True}, "my_tickets": {"items": [], "next": None},
                "my_documents": {"documents": [], "more": False},
                "my_next_visit": {"tab_shown": True, "upcoming_shown": True, "visit": None, "time_zone": "UTC"},
                "my_tab_bar": {"billing": True, "services": True, "estimates_awaiting": None},
                "count_my_unread_chat": 0,
                "my_announcements": {"items": [], "notice": None},
                "my_feed": {"items": [], "next": None, "unread": 0}}[method]

    def call_parallel(self, calls, context=None, timeout=None):
        self.rounds += 1
        futures = {key: self.executor.submit(self._answer, *call[:2]) for key, call in calls.items()}
        return {key: future.result() for key, future in futures.items()}

    def close(self):
        self.executor.shutdown()


def test_the_home_panels_ask_accounts_billing_and_tickets_at_once():
    """Branding, the billing summary, tickets, documents, the next visit, announcements, what's new and the tab
    bar: all at once, none twice."""
    app = create_app({"TESTING": True})
    app.extensions["rpc"].close()
    app.extensions["rpc"] = services = SlowServices(0.05)
    try:
        with app.test_request_context("/p/slow/"):
            g.rpc_context = {}
            g.client_session = {"account": {"id": 7, "rights": "view"}}
            panels = home_panels()
            assert g.business == {"display_name": "Slow Lawns"}
            tabs = [tab.key for tab in portal_tabs()]
    finally:
        services.close()

    assert sorted(services.calls) == [("accounts", "get_portal_config"), ("billing", "my_next_visit"),
                                      ("billing", "my_summary"), ("billing", "my_tab_bar"),
                                      ("notifications", "my_announcements"), ("notifications", "my_feed"),
                                      ("tickets", "count_my_unread_chat"), ("tickets", "my_documents"),
                                      ("tickets", "my_ticket_options"), ("tickets", "my_tickets")]
    assert panels == {"billing_summary": {"total_due": 0, "features": {}}, "billing_may_pay": False,
                      "may_open_ticket": True, "open_tickets": [],
                      "documents_panel": {"documents": [], "more": False},
                      "services_panel": {"tab_shown": True, "upcoming_shown": True, "visit": None, "time_zone": "UTC"},
                      "unavailable": {}, "announcements_panel": [],
                      "whats_new": {"items": [], "next": None, "unread": 0}}
    # The tab bar asked nothing more: its answers came with the panels'.
    assert tabs == ["home", "billing", "services", "tickets", "chat", "notifications", "account"]
    assert services.rounds == 1, f"{services.rounds} rounds: some calls waited for others"


def test_the_prepayment_page_warns_over_the_limit_then_takes_the_payment_once(system, browser, client):
    change_billing_settings(system, client.tenant, prepayments_enabled=True, card_max_payment=10_000)
    method = client.add_method(card(system))
    sign_in_page(browser, client)
    html = browser.get(page_path(client.tenant, "billing/prepayment")).get_data(as_text=True)
    form = {"csrf_token": csrf_of(html), "amount": "150", "method": str(method["id"]),
            "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)}

    warned = browser.post(page_path(client.tenant, "billing/prepayment"), data=form)
    assert warned.status_code == 400
    assert "above the $100.00 limit for card payments" in warned.get_data(as_text=True)
    assert "I understand, pay anyway" in warned.get_data(as_text=True)
    assert client.get("/billing/summary").get_json()["credit"] == 0

    charges_before = charges_made(system)
    confirmed = {**form, "confirm_over_limit": "yes"}
    made = browser.post(page_path(client.tenant, "billing/prepayment"), data=confirmed)
    again = browser.post(page_path(client.tenant, "billing/prepayment"), data=confirmed)

    assert made.status_code == 200 and again.status_code == 200
    assert "Prepayment received" in made.get_data(as_text=True)
    assert "$150.00 is now credit on your account" in again.get_data(as_text=True)
    assert charges_made(system) == charges_before + 1
    assert client.get("/billing/summary").get_json()["credit"] == 15_000


def test_a_payment_on_an_invoice_later_voided_shows_as_returned_to_credit(system, browser, client):
    change_billing_settings(system, client.tenant, allow_partial_payments=True)
    invoice, other = client.invoice(8_000), client.invoice(1_500)
    assert client.pay({"invoice_ids": [invoice["id"]], "new_method": card(system), "amount": 2_000}).status_code == 201

    voided = as_billing_staff(system, client.tenant, "void_invoice", invoice["id"], "Cancelled by phone")

    assert voided["credit_released"] == 2_000
    [entry] = client.get("/billing/history").get_json()["items"]
    assert entry["applied_to"] == [] and entry["unapplied"] == 2_000
    assert [(part["invoice_number"], part["amount"]) for part in entry["released"]] == [(invoice["number"], 2_000)]
    assert client.get("/billing/summary").get_json()["credit"] == 2_000
    assert client.unpaid() == {other["number"]: 1_500}
    [shown] = client.get("/invoices?status=void").get_json()["items"]
    assert (shown["id"], shown["status"], shown["balance"], shown["paid"]) == (invoice["id"], "void", 0, 0)
    sign_in_page(browser, client)
    html = browser.get(page_path(client.tenant, "billing")).get_data(as_text=True)
    assert "Returned to your credit (invoice cancelled):" in html
    assert f"Invoice #{invoice['number']}: $20.00" in html and "$20.00 is credit, not yet applied" in html
    assert f'value="{invoice["id"]}"' not in html  # not offered for payment
