"""A client paying in the portal whose bank asks them to confirm (3-D Secure), against the Stripe stand-in: the
payment waits, its invoice reserved; after the check billing asks Stripe how it went; a check failed is a decline, and
one never finished is cancelled at Stripe before the payment is settled, so it can never go through afterwards."""
import json
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest

from billing import recovery
from billing.models import Payment, platform
from billing.processor_stripe import StripeProcessor, StripeSettings
from portico_testing.fake_stripe import PUBLISHABLE, SECRET
from shared.clock import utcnow
from shared.context import Context
from shared.errors import NotFound, PaymentDeclined, RequestInProgress
from shared.messaging import OutboxWriter

CHECKED = {"token": "pm_card_authenticationRequired", "kind": "card", "brand": "visa", "last4": "3184",
           "exp_month": 12, "exp_year": 2031}


@pytest.fixture
def processor(stripe_api):
    return StripeProcessor(StripeSettings(SECRET, stripe_api.url, timeout=5))


def checked_payment(business, key="checked-0001"):
    invoice = business.invoice(4_000)
    method = business.client().add_payment_method(CHECKED)
    asked = business.client().pay_invoices(key, {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})
    return asked["requires_action"], invoice


def bank_check(stripe_api, intent_id, passed):
    """The client's answer in their bank's window, sent by Stripe.js with the publishable key."""
    request = urllib.request.Request(f"{stripe_api.url}/v1/payment_intents/{intent_id}/authenticate", method="POST",
                                     data=urllib.parse.urlencode({"passed": str(passed).lower()}).encode(),
                                     headers={"Authorization": f"Bearer {PUBLISHABLE}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return json.loads(refused.read())


def unpaid(business):
    return [row["number"] for row in business.client().my_invoices({"status": "unpaid"})["items"]]


def test_a_payment_the_bank_checks_waits_then_settles_as_stripe_says_and_answers_as_its_key(business, stripe_api):
    action, invoice = checked_payment(business)
    intent = stripe_api.intents[0]
    assert action["client_secret"] == intent["client_secret"] and intent.get("off_session") is None
    assert business.session.get(Payment, action["payment_id"]).status == "pending"
    with pytest.raises(RequestInProgress):  # the key's answer waits for the bank check
        business.client().pay_invoices("checked-0001", {"invoice_ids": [invoice["id"]], "payment_method_id": 1})
    bank_check(stripe_api, intent["id"], passed=True)
    paid = business.client().confirm_payment(action["payment_id"])
    assert (paid["payment"]["status"], paid["invoices"][0]["status"]) == ("succeeded", "paid")
    assert business.client().confirm_payment(action["payment_id"]) == paid
    assert business.client().pay_invoices("checked-0001", {"invoice_ids": [invoice["id"]],
                                                             "payment_method_id": 1}) == paid
    assert len(stripe_api.intents) == 1


def test_a_check_failed_is_a_decline_and_the_invoice_is_owed_again(business, stripe_api):
    action, invoice = checked_payment(business)
    bank_check(stripe_api, stripe_api.intents[0]["id"], passed=False)
    with pytest.raises(PaymentDeclined):
        business.client().confirm_payment(action["payment_id"])
    assert unpaid(business) == [invoice["number"]]


def test_a_check_never_finished_is_cancelled_at_stripe_before_recovery_settles_it(business, stripe_api, session,
                                                                                   processor):
    action, invoice = checked_payment(business)
    outbox = OutboxWriter(platform, Context.system(), lambda: None)
    assert recovery.recover_pending(session, outbox, processor, utcnow() + timedelta(seconds=1)) == 1
    assert stripe_api.intents[0]["status"] == "canceled"
    assert "unexpected_state" in str(bank_check(stripe_api, stripe_api.intents[0]["id"], passed=True))
    with pytest.raises(PaymentDeclined) as declined:
        business.client().confirm_payment(action["payment_id"])
    assert "not confirmed with the bank in time" in declined.value.fields["payment_method_id"][0]
    assert unpaid(business) == [invoice["number"]]


def test_only_the_payer_s_account_confirms_its_payment(business, stripe_api):
    action, _ = checked_payment(business)
    for payment_id in (action["payment_id"] + 1, "1"):
        with pytest.raises(NotFound):
            business.client().confirm_payment(payment_id)
    with pytest.raises(NotFound):
        business.client(account_id=43).confirm_payment(action["payment_id"])
