"""The payment processor on a real System: the staff's Billing settings say which one charges and in which mode;
Stripe's webhook endpoint checks the signature before anything reaches the bus, billing checks it again and applies
each event once; an installation without the secret takes no events."""
import hashlib
import hmac
import json
import time

import itertools
import urllib.request
import uuid

import pytest

from portico_testing import wait_for
from shared.errors import PermissionDenied
from tests.conftest import STRIPE_WEBHOOK_SECRET
from tests.portal_helpers import bearer, portal_api, registered_client

pytestmark = pytest.mark.backends("sqlite")
EVENT = {"id": "evt_system_1", "object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}


def signed(event, secret=STRIPE_WEBHOOK_SECRET):
    payload, moment = json.dumps(event), int(time.time())
    digest = hmac.new(secret.encode(), f"{moment}.{payload}".encode(), hashlib.sha256).hexdigest()
    return payload, f"t={moment},v1={digest}"


def post(system, payload, signature):
    return system.http.post("/webhooks/stripe", data=payload, headers={
        "Stripe-Signature": signature, "Content-Type": "application/json"})


def test_a_signed_event_is_applied_once_through_the_gateway(system):
    event = {**EVENT, "id": f"evt_{time.time_ns()}"}
    first = post(system, *signed(event))
    again = post(system, *signed(event))
    assert (first.status_code, first.get_json()) == (200, {"outcome": "ignored"})
    assert (again.status_code, again.get_json()) == (200, {"outcome": "duplicate"})


def test_a_bad_signature_stops_at_the_gateway(system):
    payload, _ = signed(EVENT)
    forged = post(system, *signed(EVENT, secret="whsec_guessed"))
    unsigned = post(system, payload, "")
    assert forged.status_code == unsigned.status_code == 400
    assert forged.get_json()["error"]["code"] == "bad_signature"


def test_billing_checks_the_signature_itself_whoever_calls_it(system):
    payload, _ = signed(EVENT)
    with pytest.raises(PermissionDenied):
        system.rpc.call("billing", "apply_stripe_event", payload, "t=1,v1=00")


def test_without_the_secret_the_endpoint_is_not_there(system):
    system.app.config["STRIPE_WEBHOOK_SECRET"] = None
    try:
        assert post(system, *signed(EVENT)).status_code == 404
    finally:
        system.app.config["STRIPE_WEBHOOK_SECRET"] = STRIPE_WEBHOOK_SECRET


_addresses = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def test_the_billing_settings_say_charges_go_through_the_sandbox_in_test_mode(system):
    tenant, credentials = system.new_tenant()
    pages = system.app.test_client()
    assert pages.post("/staff/sign-in", data=credentials,
                      environ_base={"REMOTE_ADDR": next(_addresses)}).status_code == 303
    billing = pages.get("/staff/settings/billing").get_data(as_text=True)
    assert "sandbox processor" in billing and "nothing real is charged" in billing
    assert "processor-mode" not in pages.get("/staff/settings/general").get_data(as_text=True)
    with pytest.raises(PermissionDenied):  # the business's clients are not told
        system.rpc.call("billing", "payment_processor", context=system.client_context(tenant, 1, 1))


def sandbox(system, method, path, body=None):
    """A call to the sandbox processor's own API (as its dashboard would show a charge)."""
    request = urllib.request.Request(f"{system.processor_url}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer sk_test_portico",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_bank_debit_returned_days_later_reopens_the_invoice_and_alerts_staff(system):
    tenant, credentials = system.new_tenant()
    staff = bearer(system.staff_token(credentials))
    assert system.http.patch("/api/v1/staff/settings/alerts", headers=staff, json={
        "payment_returned": [tenant["owner"]["id"]]}).status_code == 200
    client, session = registered_client(system, tenant)
    invoice = system.rpc.call("billing", "create_invoice", {
        "account_id": client["id"], "due_date": "2031-01-31", "lines": [{"description": "Mowing", "unit_price": 6_500}]},
        context=system.context(tenant))
    bank = sandbox(system, "POST", "/v1/tokens", {"kind": "ach", "routing_number": "110000000",
                                                  "account_number": "000123456789", "account_holder": "Casey Client"})
    key, portal = str(uuid.uuid4()), {**bearer(session["token"])}
    paid = system.http.post(f"{portal_api(tenant)}/payments", headers={**portal, "Idempotency-Key": key}, json={
        "invoice_ids": [invoice["id"]], "new_method": {part: bank[part] for part in (
            "token", "kind", "brand", "last4", "exp_month", "exp_year")}})
    assert paid.status_code == 201, paid.get_json()
    unpaid = lambda: system.http.get(f"{portal_api(tenant)}/invoices?status=unpaid", headers=portal).get_json()
    assert unpaid()["items"] == []

    charge = sandbox(system, "GET", f"/v1/charges?idempotency_key={tenant['id']}:{key}")
    failed = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.payment_failed",
              "data": {"object": {
                  "id": charge["id"], "object": "payment_intent", "amount": 6_500, "currency": "usd",
                  "customer": None, "payment_method": bank["token"], "metadata": {"portico_key": f"{tenant['id']}:{key}"},
                  "status": "requires_payment_method",
                  "last_payment_error": {"code": "bank_account_unusable", "message": "The account is closed."}}}}
    assert post(system, *signed(failed)).get_json() == {"outcome": "applied"}
    assert [(row["number"], row["balance"]) for row in unpaid()["items"]] == [(invoice["number"], 6_500)]

    def alerted():
        items = system.http.get("/api/v1/staff/alerts", headers=staff).get_json()["items"]
        return next((item for item in items if item["action"] == "payment_returned"), None)

    alert = wait_for(alerted, timeout=30, message="the staff's alert of the returned payment")
    assert "The bank returned a payment of $65.00 by Casey Client" in alert["text"]
    assert f"Invoice #{invoice['number']} is open again." in alert["text"]
