"""The payment processor on a real System: the staff's Billing settings say which one charges and in which mode;
Stripe's webhook endpoint checks the signature before anything reaches the bus, billing checks it again and applies
each event once; an installation without the secret takes no events."""
import hashlib
import hmac
import json
import time

import itertools

import pytest

from shared.errors import PermissionDenied
from tests.conftest import STRIPE_WEBHOOK_SECRET

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
