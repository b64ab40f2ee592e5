"""Money the processor took back after a payment succeeded: a bank debit the bank returned days later, or a
dispute the business lost. The payment becomes ``returned`` and everything it paid is owed again.

- Each invoice it paid (itself, or through credit it left and a later checkout spent) owes that part again and is
  open once more; the allocation rows stay, marked released, so the history shows what the payment had paid.
- Credit it left unspent is gone with it.
- Staff hear of it (PAYMENT_RETURNED), and it is in the account's history as the processor's doing.
Autopay stays as it is: the invoices it reopens are not charged again by themselves (staff, or the client, pay them).
"""
from sqlalchemy import select

from billing import audit_facts
from billing.methods import method_label, method_used
from billing.models import Allocation, Invoice, Payment
from billing.settlement import LOCK_PAYMENT
from shared.clock import utcnow
from shared.events import PAYMENT_RETURNED
from shared.i18n import N_, _

REASONS = {"bank_returned": N_("The bank returned the payment."),
           "dispute_lost": N_("The bank upheld the client's dispute of the payment.")}


def take_back(session, outbox, payment, reason, detail=None):
    """Undo the succeeded ``payment`` whose money the processor took back for ``reason`` (a key of REASONS);
    return the invoices it reopened, or None when the payment was not a succeeded one (nothing changes)."""
    payment = session.scalars(LOCK_PAYMENT, {"payment_id": payment.id}).one()
    if payment.status != "succeeded":
        return None
    now = utcnow()
    allocations = session.scalars(select(Allocation).where(
        Allocation.payment_id == payment.id, Allocation.released_at.is_(None)).order_by(Allocation.id)).all()
    # Invoices in id order, as every path that locks several of them takes them.
    invoices = {invoice.id: invoice for invoice in session.scalars(
        select(Invoice).where(Invoice.id.in_({allocation.invoice_id for allocation in allocations}))
        .order_by(Invoice.id).with_for_update().execution_options(populate_existing=True))}
    reopened = []
    for allocation in allocations:
        invoice = invoices[allocation.invoice_id]
        allocation.released_at = now
        if invoice.status == "void":
            continue  # a void invoice owes nothing; its part had already gone back to credit
        invoice.balance += allocation.amount
        if invoice.status == "paid":
            invoice.status, invoice.paid_at = "open", None
        reopened.append({"invoice_id": invoice.id, "number": invoice.number, "reopened": allocation.amount})
    payment.status, payment.unapplied = "returned", 0
    payment.failure_message = (detail or _(REASONS[reason]))[:300]
    event = returned_event(session, payment, reason, reopened)
    outbox.add_each(session, [(PAYMENT_RETURNED, event), audit_facts.payment_returned(payment, event)],
                    tenant_id=payment.tenant_id)
    return reopened


def returned_event(session, payment, reason, reopened):
    method = method_used(session, payment)
    return {"payment_id": payment.id, "account_id": payment.account_id, "amount": payment.amount,
            "method_kind": payment.method_kind, "method_label": method_label(method) if method else None,
            "reason": reason, "detail": payment.failure_message, "invoices": reopened,
            "actor": {"kind": "processor", "id": None}}


def payment_by_charge(session, charge_id):
    """The payment the processor's charge (a PaymentIntent's id at Stripe) settled, or None."""
    if not isinstance(charge_id, str) or not charge_id:
        return None
    return session.scalar(select(Payment).where(Payment.processor_charge_id == charge_id))
