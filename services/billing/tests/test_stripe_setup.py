"""Cards and bank accounts saved from Stripe's own fields (billing/stripe_setup.py), against the Stripe stand-in:
billing makes one customer per account, and keeps a method only as Stripe holds it, for the account it was set up
for, once confirmed (after the bank's check when it asks); a bank account keeps its mandate and the words agreed to."""
import json
import urllib.parse
import urllib.request

import pytest

from billing.models import PaymentMethod
from billing.processor_stripe import StripeProcessor, StripeSettings
from portico_testing.fake_stripe import PUBLISHABLE, SECRET
from services.billing.tests.conftest import Business, Processor
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events import TENANT_PROFILE_UPDATED

VISA, BANK = {"type": "card", "card": {"number": "4242424242424242", "exp_month": "4", "exp_year": "2031"}}, {
    "type": "us_bank_account", "us_bank_account": {"account_number": "000123456789", "routing_number": "110000000"}}
CHECKED = {"type": "card", "card": {"number": "4000002500003155", "exp_month": "4", "exp_year": "2031"}}


@pytest.fixture
def processor(stripe_api):
    return StripeProcessor(StripeSettings(SECRET, stripe_api.url, timeout=5))


def browser(stripe_api, setup, action="confirm", data=None):
    """What Stripe.js sends from the client's browser with what was typed (``data``: payment_method_data)."""
    form = {f"payment_method_data[{key}]": value for key, value in (data or {}).items() if key == "type"}
    for kind in ("card", "us_bank_account"):
        form.update({f"payment_method_data[{kind}][{name}]": value
                     for name, value in ((data or {}).get(kind) or {}).items()})
    request = urllib.request.Request(f"{stripe_api.url}/v1/setup_intents/{setup['setup_intent_id']}/{action}",
                                     data=urllib.parse.urlencode(form).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {PUBLISHABLE}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def named(business):
    business.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": business.tenant_id, "slug": "green",
                                              "display_name": "Green Acres", "currency": "USD"})


def test_a_card_confirmed_in_stripe_s_fields_goes_on_file_once_as_stripe_holds_it(business, stripe_api):
    setup = business.client().start_method_setup(["card"])
    assert setup["client_secret"].startswith(setup["setup_intent_id"]) and setup["mandate_text"] is None
    browser(stripe_api, setup, data=VISA)
    kept = business.client().finish_method_setup(setup["setup_intent_id"])
    assert business.client().finish_method_setup(setup["setup_intent_id"]) == kept
    assert (kept["kind"], kept["brand"], kept["last4"], kept["exp_month"], kept["exp_year"]) == (
        "card", "visa", "4242", 4, 2031)
    [method] = business.session.query(PaymentMethod).all()
    customer = stripe_api.setups.made[setup["setup_intent_id"]]["customer"]
    assert method.token == f"{customer}/{stripe_api.setups.made[setup['setup_intent_id']]['payment_method']}"
    again = business.client().start_method_setup(["card"])  # the account's customer is made once
    assert stripe_api.setups.made[again["setup_intent_id"]]["customer"] == customer
    assert [request["path"] for request in stripe_api.requests].count("/v1/customers") == 1


def test_a_bank_account_keeps_its_mandate_and_the_words_agreed_to(business, stripe_api):
    named(business)
    setup = business.client().start_method_setup(["card", "ach"])
    assert "I authorise Green Acres to debit it" in setup["mandate_text"]
    browser(stripe_api, setup, data=BANK)
    kept = business.client().finish_method_setup(setup["setup_intent_id"])
    method = business.session.get(PaymentMethod, kept["id"])
    assert (method.kind, method.last4, method.mandate_id) == ("ach", "6789", stripe_api.setups.made[
        setup["setup_intent_id"]]["mandate"])
    assert method.mandate_text == setup["mandate_text"] and method.mandate_accepted_at is not None


def test_a_card_whose_bank_checks_it_is_kept_only_after_the_check(business, stripe_api):
    setup = business.client().start_method_setup(["card"])
    assert browser(stripe_api, setup, data=CHECKED)["status"] == "requires_action"
    with pytest.raises(InvalidInput, match="not confirmed yet"):
        business.client().finish_method_setup(setup["setup_intent_id"])
    browser(stripe_api, setup, "authenticate")
    assert business.client().finish_method_setup(setup["setup_intent_id"])["last4"] == "3155"


def test_another_account_s_setup_or_an_unknown_one_is_not_found(business, stripe_api):
    setup = business.client().start_method_setup(["card"])
    browser(stripe_api, setup, data=VISA)
    with pytest.raises(NotFound):
        business.client(account_id=43).finish_method_setup(setup["setup_intent_id"])
    with pytest.raises(NotFound):
        business.client().finish_method_setup("seti_000000000000000000000999")
    with pytest.raises(InvalidInput):
        business.client().finish_method_setup("pm_card_visa")
    with pytest.raises(InvalidInput):
        business.client().start_method_setup(["paypal"])
    assert business.session.query(PaymentMethod).count() == 0


def test_the_sandbox_has_its_own_forms(session, blobs):
    with pytest.raises(Conflict):
        Business(session, Processor(), blobs).client().start_method_setup(["card"])
