"""Refunds: staff give back part or all of what a payment paid on an invoice, to the method it came from (through
the processor) or as credit on the client's account.

The invoice's balance does not change: a refund is the business giving money back, not the client owing it again.
The refunded part leaves the payment's allocation on the invoice and is kept on the invoice (``refunded``); to the
method, the payment's ``refunded`` grows; as credit, its ``unapplied`` does, for later invoices.

A refund to the method goes as a checkout does (checkout.py), under the staff's Idempotency-Key:
1. under the invoice's and the payment's locks, the part is checked and taken off the allocation, and the refund is
   written ``pending`` with the key tied to it; committed;
2. the processor is asked, with the refund's own key (it refunds once per key);
3. refunded: the payment's ``refunded`` grows; refused: the allocation gets its part back and the refund failed;
   no answer: it stays pending, and recovery asks again with the same key (recover_pending_refunds).
"""
from datetime import timedelta

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from billing import audit_facts, idempotency
from billing.methods import method_label, method_used
from billing.models import Allocation, Invoice, Payment, Refund
from billing.processor import ProcessorError, ProcessorUnavailable
from shared.clock import iso_utc, utcnow
from shared.errors import NotFound, ServiceUnavailable, invalid
from shared.events import PAYMENT_REFUNDED
from shared.fields import ONE_LINE, id_field, money_field
from shared.i18n import N_, _
from shared.money import format_money
from shared.validation import load_or_raise

DESTINATIONS = ("method", "credit")
PENDING_GRACE_SECONDS = 120  # as a payment's (recovery.py): longer than the processor ever takes to answer
BOUNCED = N_("The bank sent the refund back: it is credit on the client's account instead.")
UNANSWERED = N_("The payment processor did not answer. The refund is being checked; it will never be sent twice.")


class RefundSchema(Schema):
    payment_id = id_field(required=True)
    amount = money_field(minimum=1, required=True)
    destination = fields.String(required=True, validate=validate.OneOf(DESTINATIONS))
    reason = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=300), ONE_LINE])


def refund_payment(session, outbox, processor, tenant_id, invoice_id, key, request, staff_id):
    """Refund part of what a payment paid on the invoice; the answer is stored under ``key`` and replayed."""
    values = load_or_raise(RefundSchema, request)

    def work(claim):
        refund, payment = reserve_refund(session, tenant_id, invoice_id, key, values, staff_id)
        idempotency.bind_to_payment(session, claim)
        if refund.destination == "credit":
            payment.unapplied += refund.amount
            return finish(session, outbox, refund, "succeeded")
        asked = (payment.processor_charge_id, refund.amount, refund.idempotency_key)
        session.commit()  # nothing held while the processor is asked
        try:
            result = processor.refund(*asked)
        except ProcessorError as error:
            return finish(session, outbox, refund, "failed", message=error.message)
        except ProcessorUnavailable:
            raise ServiceUnavailable(_(UNANSWERED)) from None
        return finish(session, outbox, refund, result.status, result.refund_id, result.message)

    return idempotency.idempotent(session, tenant_id, key, {"invoice_id": invoice_id, **request}, work)


def reserve_refund(session, tenant_id, invoice_id, key, values, staff_id):
    """Check the refund and take its part off the payment's allocation on the invoice; return (refund, payment)."""
    invoice = session.get(Invoice, invoice_id, with_for_update=True) if isinstance(invoice_id, int) else None
    if invoice is None or invoice.tenant_id != tenant_id:
        raise NotFound(_("No such invoice."))
    payment = session.get(Payment, values["payment_id"], with_for_update=True)
    allocations = session.scalars(select(Allocation).where(
        Allocation.invoice_id == invoice.id, Allocation.payment_id == values["payment_id"],
        Allocation.released_at.is_(None), Allocation.amount > 0).order_by(Allocation.id.desc())).all()
    if payment is None or payment.tenant_id != tenant_id or payment.status != "succeeded" or not allocations:
        raise invalid("payment_id", _("Choose a payment that went through and paid this invoice."))
    on_invoice, amount = sum(allocation.amount for allocation in allocations), values["amount"]
    if amount > on_invoice:
        raise invalid("amount", _("At most %(amount)s of this payment is on invoice #%(number)s.",
                                  amount=format_money(on_invoice), number=invoice.number))
    if values["destination"] == "method" and not payment.processor_charge_id:
        raise invalid("destination", _("This payment was paid from credit: give it back as credit."))
    left = amount
    for allocation in allocations:  # newest first: what was paid last is given back first
        part = min(left, allocation.amount)
        allocation.amount, left = allocation.amount - part, left - part
    invoice.refunded += amount
    refund = Refund(tenant_id=tenant_id, account_id=invoice.account_id, invoice_id=invoice.id, payment_id=payment.id,
                    amount=amount, destination=values["destination"], status="pending",
                    idempotency_key=f"{tenant_id}:refund:{key}", reason=values["reason"], requested_by=staff_id,
                    created_at=utcnow())
    session.add(refund)
    session.flush()
    return refund, payment


def finish(session, outbox, refund, status, refund_id=None, message=None):
    """Record the processor's answer (or a refund to credit, done at once), answer the key, commit; return the
    answer (raise it, for a refusal)."""
    answer = settle_and_answer(session, outbox, refund, status, refund_id, message)
    session.commit()
    return idempotency.replay(answer)


def settle_and_answer(session, outbox, refund, status, refund_id=None, message=None):
    """Settle ``refund`` as the processor says it went, unless it is settled already, and store its key's answer."""
    refund = session.get(Refund, refund.id, with_for_update=True, populate_existing=True)
    if refund.status == "pending":
        settle_refund(session, outbox, refund, status, refund_id, message)
    tenant_id, key = refund.idempotency_key.split(":refund:", 1)
    answer = answer_for(session, refund)
    idempotency.store_answer(session, int(tenant_id), key, answer)
    return answer


def settle_refund(session, outbox, refund, status, refund_id, message):
    payment = session.get(Payment, refund.payment_id, with_for_update=True, populate_existing=True)
    refund.status, refund.processor_refund_id, refund.settled_at = status, refund_id, utcnow()
    if status == "succeeded":
        if refund.destination == "method":
            payment.refunded += refund.amount
        event = refunded_event(session, refund, payment)
        outbox.add_each(session, [(PAYMENT_REFUNDED, event), audit_facts.refund_given(refund, event)],
                        tenant_id=refund.tenant_id)
        return
    refund.failure_message = (message or _("The refund did not go through."))[:300]
    invoice = session.get(Invoice, refund.invoice_id, with_for_update=True, populate_existing=True)
    invoice.refunded -= refund.amount
    allocation = session.scalars(select(Allocation).where(
        Allocation.invoice_id == refund.invoice_id, Allocation.payment_id == refund.payment_id,
        Allocation.released_at.is_(None)).order_by(Allocation.id.desc())).first()
    if allocation is not None:
        allocation.amount += refund.amount  # back on the invoice: nothing was given back
    else:  # the invoice was voided meanwhile, its payments released to credit: this part too
        payment.unapplied += refund.amount


def bounced(session, outbox, refund, message):
    """A refund to the method that the bank sent back after the processor took it: the money stays given back,
    as the client's credit. Return whether it changed anything (a refund already turned into credit has not)."""
    refund = session.get(Refund, refund.id, with_for_update=True, populate_existing=True)
    if refund.status != "succeeded" or refund.destination != "method":
        return False
    payment = session.get(Payment, refund.payment_id, with_for_update=True, populate_existing=True)
    payment.refunded -= refund.amount
    payment.unapplied += refund.amount
    refund.destination = "credit"
    refund.failure_message = (message or _(BOUNCED))[:300]
    event = refunded_event(session, refund, payment)
    outbox.add_each(session, [(PAYMENT_REFUNDED, event), audit_facts.refund_given(refund, event)],
                    tenant_id=refund.tenant_id)
    return True


def refunded_event(session, refund, payment):
    method = method_used(session, payment)
    invoice = session.get(Invoice, refund.invoice_id)
    return {"refund_id": refund.id, "payment_id": payment.id, "account_id": refund.account_id,
            "amount": refund.amount, "destination": refund.destination, "invoice_id": invoice.id,
            "invoice_number": invoice.number, "method_label": method_label(method) if method else None,
            "reason": refund.reason, "actor": {"kind": "staff", "id": refund.requested_by}}


def answer_for(session, refund):
    if refund.status == "failed":
        return {"error": {"type": "PaymentDeclined", "message": refund.failure_message,
                          "fields": {"destination": [refund.failure_message]}}}
    return {"result": describe_refund(refund)}


def describe_refund(refund):
    return {"id": refund.id, "invoice_id": refund.invoice_id, "payment_id": refund.payment_id,
            "amount": refund.amount, "amount_display": format_money(refund.amount),
            "destination": refund.destination, "status": refund.status, "reason": refund.reason,
            "failure_message": refund.failure_message, "created_at": iso_utc(refund.created_at)}


def refunds_of(session, invoice_id):
    """The invoice's refunds, newest first (the failed ones too: staff see what was tried)."""
    return [describe_refund(refund) for refund in session.scalars(
        select(Refund).where(Refund.invoice_id == invoice_id).order_by(Refund.id.desc()))]


def recover_pending_refunds(session, outbox, processor, older_than=None):
    """Ask the processor again, with each one's key, about refunds pending since before ``older_than``; return how
    many were settled. Asking again is safe: the processor refunds once per key."""
    older_than = older_than or utcnow() - timedelta(seconds=PENDING_GRACE_SECONDS)
    pending = session.execute(select(Refund.id, Payment.processor_charge_id, Refund.amount, Refund.idempotency_key)
                              .join(Payment, Payment.id == Refund.payment_id)
                              .where(Refund.status == "pending", Refund.created_at < older_than)).all()
    session.rollback()
    settled = 0
    for refund_id, charge_id, amount, key in pending:
        try:
            result = processor.refund(charge_id, amount, key)
            outcome = (result.status, result.refund_id, result.message)
        except ProcessorError as error:
            outcome = ("failed", None, error.message)
        except ProcessorUnavailable:
            continue  # still unknown: the next round asks again
        settle_and_answer(session, outbox, session.get(Refund, refund_id), *outcome)
        session.commit()
        settled += 1
    return settled
