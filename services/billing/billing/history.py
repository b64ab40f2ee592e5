"""Payments as the client and staff see them afterwards: one payment, and an account's history."""
from sqlalchemy import select

from billing.methods import method_label, method_used
from billing.models import Allocation, Invoice, Payment
from shared.clock import iso_utc
from shared.errors import NotFound
from shared.i18n import _
from shared.money import format_money


def describe_payment(payment, method=None):
    return {"id": payment.id, "kind": payment.kind, "source": payment.source, "amount": payment.amount,
            "amount_display": format_money(payment.amount), "status": payment.status,
            "method": method_label(method) if method else _("Account credit"),
            "unapplied": payment.unapplied, "refunded": payment.refunded, "created_at": payment.created_at.isoformat()}


def find_payment(session, tenant_id, account_id, payment_id):
    """The account's own payment, described; any other id is not found."""
    payment = session.get(Payment, payment_id) if isinstance(payment_id, int) else None
    if payment is None or payment.tenant_id != tenant_id or payment.account_id != account_id:
        raise NotFound(_("No such payment."))
    return describe_payment(payment, method_used(session, payment))


def history(session, tenant_id, account_id):
    """Payments and prepayments that succeeded, are still being charged, or were taken back, newest first, with
    what they pay.

    A pending payment is listed (status "pending"): its allocations already count against the
    invoices' balances, so an invoice it reserved never reads "paid" with no payment to show for it.
    ``applied_to`` is where the money is now; ``released`` is what was applied to an invoice
    later voided and came back as credit (part of ``unapplied`` unless applied again since). A payment the
    processor took back (status "returned", reversals.py) applies to nothing now: ``taken_back`` is what it had
    paid, owed again, and ``returned_reason`` why.
    """
    payments = session.scalars(select(Payment).where(
        Payment.tenant_id == tenant_id, Payment.account_id == account_id,
        Payment.status.in_(("succeeded", "pending", "returned")))
        .order_by(Payment.created_at.desc(), Payment.id.desc())).all()
    return [described_with_parts(session, payment) for payment in payments]


def described_with_parts(session, payment):
    parts = session.execute(select(Invoice.number, Allocation.amount, Allocation.released_at).join(
        Invoice, Invoice.id == Allocation.invoice_id).where(Allocation.payment_id == payment.id)
        .order_by(Allocation.id)).all()
    returned = payment.status == "returned"
    return {**describe_payment(payment, method_used(session, payment)),
            "applied_to": [{"invoice_number": number, "amount": amount}
                           for number, amount, released_at in parts if released_at is None],
            "released": [{"invoice_number": number, "amount": amount, "released_at": iso_utc(released_at)}
                         for number, amount, released_at in parts if released_at is not None and not returned],
            "taken_back": [{"invoice_number": number, "amount": amount}
                           for number, amount, released_at in parts if returned and released_at is not None],
            "returned_reason": payment.failure_message if returned else None}
