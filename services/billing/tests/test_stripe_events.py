"""Stripe's webhook events through billing's entrypoint, in-process on a real database: only Stripe's signature
opens it, each event is applied once, and only to the payment Portico made it for, in whatever order."""
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from billing.models import Payment, ProcessorEvent, Refund
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


# --- money taken back after it went through: a returned bank debit, a dispute -------------------------------------
BANK = {"token": "cus_0000000001/pm_usBankAccount_success", "kind": "ach", "brand": "bank", "last4": "6789",
        "exp_month": None, "exp_year": None}


def paid(business, method=CARD, cents=4_000, key="paid-0001"):
    """An invoice paid with ``method`` (charged at once, as a bank debit Stripe said was processing is)."""
    invoice = business.invoice(cents)
    method = business.client().add_payment_method(method)
    business.client().pay_invoices(key, {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})
    return business.session.scalar(select(Payment).where(Payment.idempotency_key.endswith(key))), invoice


def bank_failure(payment, event_id="evt_ach_failed"):
    return intent_event(payment, "payment_intent.payment_failed", event_id, id=payment.processor_charge_id,
                        payment_method="pm_usBankAccount_success", last_payment_error={
                            "code": "payment_method_unactivated", "message": "The bank account is closed."})


def dispute_event(payment, kind="charge.dispute.created", status="needs_response", event_id="evt_dp", **changes):
    dispute = {"id": "dp_1", "object": "dispute", "amount": payment.amount, "currency": "usd", "status": status,
               "payment_intent": payment.processor_charge_id, "reason": "fraudulent",
               "evidence_details": {"due_by": 1_924_992_000}, **changes}  # 2031-01-01
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": dispute}}


def open_invoices(business):
    return [(row["number"], row["balance"]) for row in business.client().my_invoices({"status": "unpaid"})["items"]]


def test_a_bank_debit_the_bank_returns_reopens_its_invoice_and_alerts_staff_once(business):
    payment, invoice = paid(business, BANK)
    assert open_invoices(business) == []
    assert apply(business, bank_failure(payment)) == "applied"
    assert state(business, payment) == "returned"
    assert open_invoices(business) == [(invoice["number"], 4_000)]
    [(_, returned)] = business.events("payment_returned")
    assert (returned["reason"], returned["detail"], returned["invoices"]) == (
        "bank_returned", "The bank account is closed.",
        [{"invoice_id": invoice["id"], "number": invoice["number"], "reopened": 4_000}])
    assert "payment_returned" in {data["action"] for _, data in business.events("audit_fact")}
    [entry] = business.client().my_history()
    assert (entry["status"], entry["applied_to"], entry["taken_back"]) == (
        "returned", [], [{"invoice_number": invoice["number"], "amount": 4_000}])
    assert apply(business, bank_failure(payment)) == "duplicate"
    late_success = intent_event(payment, event_id="evt_late", id=payment.processor_charge_id,
                                payment_method="pm_usBankAccount_success")
    assert apply(business, late_success) == "settled_before"
    assert len(business.events("payment_returned")) == 1 and state(business, payment) == "returned"


def test_credit_a_returned_prepayment_left_goes_and_the_invoice_it_paid_is_owed_again(business):
    business.settings(prepayments_enabled=True, auto_apply_credits=False)
    method = business.client().add_payment_method(BANK)
    business.client().make_prepayment("prepay-0001", {"amount": 10_000, "payment_method_id": method["id"]})
    invoice = business.invoice(3_000)
    business.client().pay_invoices("with-credit-0001", {"invoice_ids": [invoice["id"]], "credit": 3_000, "amount": 3_000})
    payment = business.session.scalar(select(Payment).where(Payment.idempotency_key.endswith("prepay-0001")))
    assert open_invoices(business) == [] and payment.unapplied == 7_000
    assert apply(business, bank_failure(payment)) == "applied"
    business.session.refresh(payment)
    assert (payment.status, payment.unapplied) == ("returned", 0)
    assert open_invoices(business) == [(invoice["number"], 3_000)]


def test_a_late_failure_of_a_card_charge_that_succeeded_changes_nothing(business):
    payment, _ = paid(business)
    late = intent_event(payment, "payment_intent.payment_failed", id=payment.processor_charge_id,
                        status="requires_payment_method")
    assert apply(business, late) == "settled_before"
    assert state(business, payment) == "succeeded" and open_invoices(business) == []


def test_a_dispute_opened_alerts_staff_with_the_day_to_answer_by_and_leaves_the_invoice_paid(business):
    payment, _ = paid(business)
    assert apply(business, dispute_event(payment)) == "applied"
    [(_, disputed)] = business.events("payment_disputed")
    assert (disputed["status"], disputed["amount"], disputed["respond_by"], disputed["reason"]) == (
        "opened", 4_000, "2031-01-01", "fraudulent")
    assert state(business, payment) == "succeeded" and open_invoices(business) == []


def test_a_dispute_lost_for_the_whole_payment_takes_it_back_and_for_part_only_tells_staff(business):
    whole, invoice = paid(business)
    part, _ = paid(business, key="paid-0002")
    assert apply(business, dispute_event(part, "charge.dispute.closed", "lost", "evt_part", amount=1_000)) == \
        "applied"
    assert state(business, part) == "succeeded"
    assert [data["status"] for _, data in business.events("payment_disputed")] == ["lost"]
    assert apply(business, dispute_event(whole, "charge.dispute.closed", "lost", "evt_whole")) == "applied"
    assert state(business, whole) == "returned" and open_invoices(business) == [(invoice["number"], 4_000)]
    assert [data["reason"] for _, data in business.events("payment_returned")] == ["dispute_lost"]


@pytest.mark.parametrize("change", [{"payment_intent": "pi_not_portico"}, {"currency": "eur"}, {"amount": 4_001},
                                    {"amount": 0}])
def test_a_dispute_of_a_charge_portico_did_not_make_is_applied_to_nothing(business, change):
    payment, _ = paid(business)
    assert apply(business, dispute_event(payment, **change)) == "not_ours"
    assert business.events("payment_disputed") == []


def refund_event(refund, status="succeeded", event_id="evt_re", **changes):
    found = {"id": "re_1", "object": "refund", "amount": refund.amount, "status": status,
             "metadata": {"portico_key": refund.idempotency_key}, **changes}
    return {"id": event_id, "object": "event", "type": "refund.updated", "data": {"object": found}}


def refund_lost(business, processor):
    """A refund to the card whose answer never came back: pending."""
    payment, invoice = paid(business)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        business.staff().refund_payment(invoice["id"], "refund-lost-01", {
            "payment_id": payment.id, "amount": 1_500, "destination": "method"})
    processor.unreachable = False
    return business.session.scalar(select(Refund)), invoice


@pytest.mark.parametrize("status, settled, refunded", [("succeeded", "succeeded", 1_500), ("failed", "failed", 0)])
def test_a_refund_whose_answer_was_lost_is_settled_by_its_event_once(business, processor, status, settled,
                                                                      refunded):
    refund, invoice = refund_lost(business, processor)
    assert apply(business, refund_event(refund, status)) == "applied"
    business.session.expire_all()
    assert business.session.get(Refund, refund.id).status == settled
    assert business.staff().get_invoice(invoice["id"])["refunded"] == refunded
    assert apply(business, refund_event(refund, status, event_id="evt_re_late")) == "settled_before"


@pytest.mark.parametrize("change", [{"metadata": {}}, {"amount": 1}])
def test_a_refund_made_in_stripe_s_dashboard_is_not_portico_s(business, processor, change):
    refund, _ = refund_lost(business, processor)
    assert apply(business, refund_event(refund, **change)) == "not_ours"


def test_a_refund_the_bank_sends_back_later_becomes_the_client_s_credit_once(business, processor):
    refund, invoice = refund_lost(business, processor)
    apply(business, refund_event(refund, "succeeded"))
    assert apply(business, refund_event(refund, "failed", event_id="evt_re_bounced")) == "applied"
    assert apply(business, refund_event(refund, "failed", event_id="evt_re_bounced_again")) == "settled_before"
    business.session.expire_all()
    kept = business.session.get(Refund, refund.id)
    assert (kept.status, kept.destination) == ("succeeded", "credit") and "sent the refund back" in \
        kept.failure_message
    assert business.client().my_summary()["credit"] == 1_500
    assert business.staff().get_invoice(invoice["id"])["refunded"] == 1_500  # still given back
    assert [data["destination"] for _, data in business.events("payment_refunded")] == ["method", "credit"]
