"""The Stripe adapter against a local server that answers as Stripe's API does (portico_testing/fake_stripe.py):
what it sends (the idempotency key, off-session, amounts), how it reads declines, unknown outcomes and refusals."""
import logging
from datetime import datetime, timedelta, timezone

import pytest

from billing.processor import ProcessorError, ProcessorUnavailable, processor_from_env
from billing.processor_stripe import StripeProcessor, StripeSettings
from portico_testing.fake_stripe import SECRET

CUSTOMER = "cus_0000000000000001"
VISA = f"{CUSTOMER}/pm_card_visa"


def adapter(server, **settings):
    return StripeProcessor(StripeSettings(**{"secret_key": SECRET, "api_base": server.url, "timeout": 2,
                                             **settings}))


def intents_sent(server):
    return [request for request in server.requests if request["path"] == "/v1/payment_intents"
            and request["method"] == "POST"]


def test_a_charge_is_one_confirmed_payment_intent_under_portico_s_key_off_session(stripe_api):
    result = adapter(stripe_api).charge(VISA, 12_345, "USD", "7:pay-1", "Invoice 1001")
    assert (result.status, result.charge_id) == ("succeeded", stripe_api.intents[0]["id"])
    [sent] = intents_sent(stripe_api)
    assert sent["idempotency_key"] == "7:pay-1"
    assert sent["form"] == {
        "amount": "12345", "currency": "usd", "customer": CUSTOMER, "payment_method": "pm_card_visa",
        "confirm": "true", "off_session": "true", "description": "Invoice 1001", "metadata": {"portico_key": "7:pay-1"},
        "automatic_payment_methods": {"enabled": "true", "allow_redirects": "never"}}


def test_a_retry_with_the_same_key_gets_the_first_answer_and_no_second_charge(stripe_api):
    processor = adapter(stripe_api)
    first = processor.charge(VISA, 5_000, "usd", "7:pay-2")
    assert processor.charge(VISA, 5_000, "usd", "7:pay-2") == first
    assert len(stripe_api.intents) == 1 and len(intents_sent(stripe_api)) == 2


def test_the_same_key_for_another_amount_is_refused(stripe_api):
    processor = adapter(stripe_api)
    processor.charge(VISA, 5_000, "usd", "7:pay-3")
    with pytest.raises(ProcessorError) as refused:
        processor.charge(VISA, 6_000, "usd", "7:pay-3")
    assert refused.value.http_status == 400 and len(stripe_api.intents) == 1


def test_a_payment_the_client_makes_is_sent_on_session(stripe_api):
    adapter(stripe_api).charge(VISA, 2_500, "usd", "7:pay-4", off_session=False)
    assert "off_session" not in intents_sent(stripe_api)[0]["form"]


@pytest.mark.parametrize("method, status, words", [
    ("pm_card_chargeDeclined", "declined", "declined"),
    ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "insufficient funds"),
    ("pm_card_authenticationRequired", "declined", "confirm this payment"),
    ("pm_card_chargeDeclinedProcessingError", "failed", "could not be processed"),
])
def test_declines_come_back_as_the_processor_statuses_billing_knows(stripe_api, method, status, words):
    result = adapter(stripe_api).charge(f"{CUSTOMER}/{method}", 4_000, "usd", f"7:{method}")
    assert result.status == status and words in result.message
    assert result.charge_id == stripe_api.intents[0]["id"]


def test_a_bank_debit_stripe_is_still_processing_is_taken_as_paid_and_found_again_as_such(stripe_api):
    result = adapter(stripe_api).charge(f"{CUSTOMER}/pm_usBankAccount_success", 4_000, "usd", "7:ach")
    assert stripe_api.intents[0]["status"] == "processing"
    assert (result.status, result.charge_id) == ("succeeded", stripe_api.intents[0]["id"])
    assert "business days" in result.message
    assert adapter(stripe_api).find_charge("7:ach", f"{CUSTOMER}/pm_usBankAccount_success") == result


def test_a_method_made_from_a_test_card_behaves_as_its_number_says(stripe_api):
    processor = adapter(stripe_api)
    made = processor.client.payment_methods.create(params={"type": "card", "card": {
        "number": "4000 0000 0000 9995", "exp_month": 4, "exp_year": 2031}}).to_dict()
    assert (made["card"]["last4"], made["card"]["exp_month"]) == ("9995", 4)
    assert processor.charge(made["id"], 1_000, "usd", "7:made").status == "insufficient_funds"


def test_a_bank_asking_for_the_client_on_session_waits_for_them_and_one_never_finished_is_cancelled(stripe_api):
    processor = adapter(stripe_api)
    result = processor.charge(f"{CUSTOMER}/pm_card_authenticationRequired", 4_000, "usd", "7:3ds", off_session=False)
    intent = stripe_api.intents[0]
    assert (result.status, result.charge_id, result.client_secret) == (
        "requires_action", intent["id"], intent["client_secret"])
    found = processor.find_charge("7:3ds", f"{CUSTOMER}/pm_card_authenticationRequired")
    assert intent["status"] == "canceled" and found.status == "declined" and "in time" in found.message


def test_a_charge_is_found_by_its_key_among_the_customer_s_payment_intents(stripe_api):
    processor = adapter(stripe_api)
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    made = processor.charge(VISA, 7_700, "usd", "7:pay-5")
    processor.charge(VISA, 100, "usd", "7:pay-6")
    assert processor.find_charge("7:pay-5", VISA, since) == made
    assert processor.find_charge("7:never", VISA, since) is None
    assert processor.find_charge("7:pay-5", "pm_card_visa", since) == made  # a method on no customer: all looked at
    listed = [request for request in stripe_api.requests if request["method"] == "GET"]
    assert listed[0]["form"]["customer"] == CUSTOMER and int(listed[0]["form"]["created"]["gte"]) < since.timestamp()


@pytest.mark.parametrize("answer", [(500, {"error": {"type": "api_error", "message": "boom"}}, 0),
                                    (429, {"error": {"type": "invalid_request_error", "code": "rate_limit"}}, 0),
                                    (200, {}, 3)])  # longer than the adapter's 2 s timeout
def test_an_unknown_outcome_is_unavailable_not_a_decline(stripe_api, answer):
    stripe_api.script.append(answer)
    with pytest.raises(ProcessorUnavailable):
        adapter(stripe_api, network_retries=0).charge(VISA, 1_000, "usd", "7:unknown")


def test_the_library_retries_a_dropped_answer_under_the_same_key(stripe_api):
    stripe_api.script.append((500, {"error": {"type": "api_error", "message": "boom"}}, 0))
    result = adapter(stripe_api, network_retries=2).charge(VISA, 1_000, "usd", "7:retried")
    assert result.succeeded and len(stripe_api.intents) == 1
    assert {request["idempotency_key"] for request in intents_sent(stripe_api)} == {"7:retried"}


def test_refusals_of_the_request_itself_are_processor_errors(stripe_api):
    with pytest.raises(ProcessorError) as unknown:
        adapter(stripe_api).charge(f"{CUSTOMER}/pm_gone", 1_000, "usd", "7:gone")
    assert unknown.value.code == "resource_missing"
    stripe_api.secret = "sk_test_another"
    with pytest.raises(ProcessorError) as wrong_key:
        adapter(stripe_api).charge(VISA, 1_000, "usd", "7:key")
    assert wrong_key.value.http_status == 401 and not stripe_api.intents


def test_detaching_a_method_twice_is_fine(stripe_api):
    processor = adapter(stripe_api)
    processor.detach(VISA)
    processor.detach(VISA)
    assert stripe_api.detached == {"pm_card_visa"}
    with pytest.raises(ProcessorError):  # a detached method charges nothing
        processor.charge(VISA, 1_000, "usd", "7:after")


def test_the_secret_key_is_required_and_never_shown(stripe_api, caplog):
    with pytest.raises(ValueError, match="STRIPE_SECRET_KEY"):
        StripeSettings(secret_key="")
    settings = StripeSettings(secret_key=SECRET, api_base=stripe_api.url)
    assert SECRET not in repr(settings) and not settings.live and StripeSettings("sk_live_x").live
    assert (StripeProcessor(settings).mode, StripeProcessor(StripeSettings("sk_live_x")).mode) == ("test", "live")
    caplog.set_level(logging.DEBUG)
    StripeProcessor(settings).charge(VISA, 1_000, "usd", "7:logged")
    assert caplog.records and not [record for record in caplog.records if SECRET in record.getMessage()]


def test_the_processor_is_chosen_by_configuration(stripe_api, monkeypatch):
    monkeypatch.setenv("PAYMENT_PROCESSOR", "stripe")
    monkeypatch.setenv("STRIPE_SECRET_KEY", SECRET)
    monkeypatch.setenv("STRIPE_API_BASE", stripe_api.url)
    assert processor_from_env().charge(VISA, 1_000, "usd", "7:configured").succeeded
    monkeypatch.setenv("PAYMENT_PROCESSOR", "paypal")
    with pytest.raises(ValueError, match="PAYMENT_PROCESSOR"):
        processor_from_env()
