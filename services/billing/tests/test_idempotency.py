"""Idempotency keys: one charge per key, a stored answer for every retry, and no key stuck behind a dead request."""
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from billing import checkout, idempotency, invoices, methods
from billing.invoices import utcnow
from billing.models import IdempotencyRecord, Payment
from billing.settings import BillingSettingsSchema
from shared.errors import Conflict, InvalidInput, RequestInProgress, ServiceUnavailable

TENANT, ACCOUNT = 1, 42
SETTINGS = BillingSettingsSchema().load({})
CARD = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}


@pytest.fixture
def checkout_request(session):
    invoice = invoices.create_invoice(session, TENANT, {
        "account_id": ACCOUNT, "due_date": date(2031, 1, 31).isoformat(),
        "lines": [{"description": "Lawn care", "unit_price": 4_200}]})
    method = methods.add_method(session, TENANT, ACCOUNT, CARD)
    session.commit()
    return {"invoice_ids": [invoice.id], "payment_method_id": method.id}


def claim(session, key, request):
    """Claim ``key`` for ``request`` as pay_invoices does, then stop: what an instance dying here leaves."""
    held, answer = idempotency.claim_key(session, TENANT, key, idempotency.request_hash(
        {"account_id": ACCOUNT, **request}))
    assert answer is None
    return held


def let_the_lease_run_out(session, key):
    session.execute(update(IdempotencyRecord).where(IdempotencyRecord.key == key).values(
        lease_expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()


def pay(session, outbox, processor, key, request):
    return checkout.pay_invoices(session, outbox, processor, TENANT, ACCOUNT, key, request, SETTINGS)


def test_a_retry_takes_over_a_key_whose_request_died_before_writing_its_payment(
        session, outbox, processor, checkout_request):
    claim(session, "died-0001", checkout_request)
    let_the_lease_run_out(session, "died-0001")

    answer = pay(session, outbox, processor, "died-0001", checkout_request)

    assert (answer["payment"]["amount"], answer["payment"]["status"]) == (4_200, "succeeded")
    assert processor.charged == [(f"{TENANT}:died-0001", 4_200)]
    assert pay(session, outbox, processor, "died-0001", checkout_request) == answer


def test_a_live_claim_is_not_taken_over(session, checkout_request):
    claim(session, "live-0001", checkout_request)
    assert idempotency.take_over(session, TENANT, "live-0001") is None


def test_the_request_overtaken_after_its_lease_cannot_write_its_payment(session, outbox, processor, checkout_request):
    slow = claim(session, "slow-0001", checkout_request)
    let_the_lease_run_out(session, "slow-0001")
    retry = idempotency.take_over(session, TENANT, "slow-0001")
    assert retry is not None and retry.token != slow.token

    with pytest.raises(Conflict, match="took this request over"):
        idempotency.bind_to_payment(session, slow)
    session.rollback()
    idempotency.release(session, slow)  # what the slow request does on its way out: it must not free the retry's key
    idempotency.bind_to_payment(session, retry)
    session.commit()
    [state] = session.scalars(select(IdempotencyRecord.state).where(IdempotencyRecord.key == "slow-0001")).all()
    assert state == idempotency.PAYING


def test_a_key_whose_payment_was_written_waits_for_that_payments_outcome(
        session, outbox, processor, checkout_request):
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        pay(session, outbox, processor, "paying-0001", checkout_request)
    let_the_lease_run_out(session, "paying-0001")

    assert idempotency.take_over(session, TENANT, "paying-0001") is None
    assert session.scalars(select(Payment.status)).all() == ["pending"]


def test_a_request_refused_before_any_payment_frees_its_key(session, outbox, processor, checkout_request):
    with pytest.raises(InvalidInput):
        pay(session, outbox, processor, "refused-0001", {**checkout_request, "amount": 1})
    assert session.scalars(select(IdempotencyRecord)).all() == []


def test_a_request_finding_its_key_in_progress_is_told_to_ask_again_soon(session, outbox, processor,
                                                                         checkout_request):
    claim(session, "busy-0001", checkout_request)  # a live request holds the key, still charging
    started = time.monotonic()
    with pytest.raises(RequestInProgress) as told:
        pay(session, outbox, processor, "busy-0001", checkout_request)
    assert time.monotonic() - started < idempotency.REPLAY_WAIT_SECONDS + 0.5
    assert told.value.retry_after >= 1 and not session.in_transaction()
    assert processor.charged == []


def test_a_request_overtaken_by_a_retry_answers_with_the_retrys_answer(session, outbox, processor, checkout_request):
    """The slow request stalled past its lease; a retry took the key over and paid. The slow one, failing
    to reserve what the retry paid, does not answer with its own refusal but with the key's answer."""
    slow = claim(session, "overtaken-0001", checkout_request)
    let_the_lease_run_out(session, "overtaken-0001")
    answer = pay(session, outbox, processor, "overtaken-0001", checkout_request)

    def refused_as_the_slow_one_is(claimed):
        assert claimed is not None
        raise Conflict("Some of these invoices are already paid or being paid. Reload to see them.")

    assert idempotency.run_claimed(session, slow, refused_as_the_slow_one_is) == answer
    assert processor.charged == [(f"{TENANT}:overtaken-0001", 4_200)]


def test_when_enough_requests_wait_already_another_is_told_at_once(session, outbox, processor, checkout_request,
                                                                    monkeypatch):
    claim(session, "busy-0002", checkout_request)
    monkeypatch.setattr(idempotency, "_waiting", [idempotency.MAX_WAITING])  # that many workers wait already
    started = time.monotonic()
    with pytest.raises(RequestInProgress):
        pay(session, outbox, processor, "busy-0002", checkout_request)
    assert time.monotonic() - started < idempotency.REPLAY_WAIT_SECONDS / 2
    assert idempotency._waiting == [idempotency.MAX_WAITING]  # it took no place, so it gave none back
