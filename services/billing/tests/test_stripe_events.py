"""Stripe's webhook events through billing's entrypoint, in-process on a real database: only Stripe's signature
opens it, each event is applied once, and only to the payment Portico made it for, in whatever order."""
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from billing.models import Payment, ProcessorEvent
from shared.errors import Conflict, PermissionDenied, ServiceUnavailable

SECRET = "whsec_portico_test_secret"
CARD = {"token": "cus_0000000001/pm_card_visa", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)


def signed(event, secret=SECRET, at=None):
    """The body and Stripe-Signature header Stripe sends for ``event``."""
    payload, moment = json.dumps(event), int(at or time.time())
    digest = hmac.new(secret.encode(), f"{moment}.{payload}".encode(), hashlib.sha256).hexdigest()
    return payload, f"t={moment},v1={digest}"


def intent_event(payment, kind="payment_intent.succeeded", event_id="evt_1", **changes):
    intent = {"id": "pi_1", "object": "payment_intent", "amount": payment.amount, "currency": "usd",
              "customer": "cus_0000000001", "payment_method": "pm_card_visa",
              "metadata": {"portico_key": payment.idempotency_key},
              "status": "succeeded" if kind.endswith("succeeded") else "requires_payment_method",
              "last_payment_error": None if kind.endswith("succeeded") else
              {"code": "card_declined", "decline_code": "insufficient_funds"}, **changes}
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": intent}}


def lost_answer(business, processor, cents=4_000, key="lost-0001", age_seconds=600):
    """A payment whose charge Stripe made but whose answer never came back: pending, ``age_seconds`` old."""
    invoice = business.invoice(cents)
    method = business.client().add_payment_method(CARD)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        business.client().pay_invoices(key, {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})
    processor.unreachable = False
    payment = business.session.scalar(select(Payment).where(Payment.idempotency_key.endswith(key)))
    business.session.execute(update(Payment).where(Payment.id == payment.id).values(
        created_at=payment.created_at - timedelta(seconds=age_seconds)))
    business.session.commit()
    return payment, invoice


def apply(business, event, **signing):
    return business.worker(None).apply_stripe_event(*signed(event, **signing))["outcome"]


def state(business, payment):
    business.session.expire_all()
    return business.session.get(Payment, payment.id).status


def test_a_succeeded_event_settles_a_payment_whose_answer_was_lost_and_a_replay_changes_nothing(business,
                                                                                                 processor):
    payment, invoice = lost_answer(business, processor)
    assert apply(business, intent_event(payment)) == "applied"
    assert state(business, payment) == "succeeded"
    assert business.client().my_invoices({"status": "unpaid"})["items"] == []
    assert apply(business, intent_event(payment)) == "duplicate"
    assert business.session.scalar(select(ProcessorEvent.outcome)) == "applied"


def test_a_failed_event_settles_it_as_declined(business, processor):
    payment, invoice = lost_answer(business, processor)
    assert apply(business, intent_event(payment, "payment_intent.payment_failed")) == "applied"
    assert state(business, payment) == "failed"
    assert [row["number"] for row in business.client().my_invoices({"status": "unpaid"})["items"]] == [
        invoice["number"]]


def test_events_out_of_order_change_nothing_once_the_payment_is_settled(business, processor):
    payment, _ = lost_answer(business, processor)
    apply(business, intent_event(payment, event_id="evt_2"))
    assert apply(business, intent_event(payment, "payment_intent.payment_failed", event_id="evt_1")) == \
        "settled_before"
    assert state(business, payment) == "succeeded"


@pytest.mark.parametrize("change", [{"secret": "whsec_another"}, {"at": time.time() - 3600}])
def test_an_event_not_signed_with_the_secret_or_too_old_is_refused_and_changes_nothing(business, processor,
                                                                                       change):
    payment, _ = lost_answer(business, processor)
    with pytest.raises(PermissionDenied):
        apply(business, intent_event(payment), **change)
    with pytest.raises(PermissionDenied):
        business.worker(None).apply_stripe_event(json.dumps(intent_event(payment)), "")
    assert state(business, payment) == "pending" and business.session.scalar(select(ProcessorEvent)) is None


@pytest.mark.parametrize("change", [{"amount": 1}, {"customer": "cus_of_another_business"}, {"currency": "eur"},
                                    {"payment_method": "pm_card_mastercard"},
                                    {"metadata": {"portico_key": "999:someone-else"}}])
def test_an_event_for_another_business_or_another_charge_is_kept_but_applied_to_nothing(business, processor,
                                                                                        change):
    payment, _ = lost_answer(business, processor)
    assert apply(business, intent_event(payment, **change)) == "not_ours"
    assert state(business, payment) == "pending"


def test_a_payment_its_own_request_may_still_settle_is_left_to_it_and_the_event_comes_again(business,
                                                                                             processor):
    payment, _ = lost_answer(business, processor, age_seconds=0)
    with pytest.raises(Conflict):
        apply(business, intent_event(payment))
    assert state(business, payment) == "pending" and business.session.scalar(select(ProcessorEvent)) is None


def test_other_events_are_kept_and_ignored(business):
    event = {"id": "evt_9", "object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    assert apply(business, event) == "ignored"
    assert apply(business, event) == "duplicate"


def test_without_a_webhook_secret_no_event_is_taken(business, monkeypatch):
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET")
    event = {"id": "evt_9", "object": "event", "type": "customer.created", "data": {"object": {}}}
    with pytest.raises(PermissionDenied, match="STRIPE_WEBHOOK_SECRET"):
        apply(business, event)


def method_event(kind, method_id="pm_card_visa", event_id="evt_pm", **fields):
    return {"id": event_id, "object": "event", "type": kind,
            "data": {"object": {"id": method_id, "object": "payment_method", "customer": None, **fields}}}


def test_a_method_detached_at_stripe_goes_off_file_and_autopay_on_it_is_cancelled(business):
    method = business.client().add_payment_method(CARD)
    business.settings(autopay_enabled=True)
    business.client().enroll_autopay(method["id"], True)
    assert apply(business, method_event("payment_method.detached")) == "applied"
    assert business.client().my_payment_methods() == []
    assert business.client().my_autopay()["enrolled"] is False
    for event_type in ("payment_method_removed", "autopay_cancelled"):  # staff and the client hear of both
        assert [data["actor"]["kind"] for _, data in business.events(event_type)] == ["processor"]
    assert {data["action"] for _, data in business.events("audit_fact")} >= {"card_removed", "autopay_cancelled"}
    assert apply(business, method_event("payment_method.detached", event_id="evt_pm_again")) == "not_ours"


def test_a_card_the_network_renewed_keeps_its_new_expiry(business):
    method = business.client().add_payment_method(CARD)
    event = method_event("payment_method.automatically_updated",
                         card={"brand": "visa", "exp_month": 3, "exp_year": 2034, "last4": "1881"})
    assert apply(business, event) == "applied"
    [kept] = business.client().my_payment_methods()
    assert (kept["id"], kept["exp_month"], kept["exp_year"], kept["last4"]) == (method["id"], 3, 2034, "1881")


def test_a_method_billing_does_not_hold_is_not_ours(business):
    assert apply(business, method_event("payment_method.detached", method_id="pm_someone_elses")) == "not_ours"
