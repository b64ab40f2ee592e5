"""Credit: what an account's payments hold beyond the invoices they paid, and applying it to invoices.

Locks follow the order of checkout.py: invoices (in id order) before the payments holding credit.
"""
from sqlalchemy import bindparam, cast, func, or_, select

from billing.invoices import OPEN_OF_ACCOUNT, find_invoice, summarise
from billing.models import Allocation, Invoice, Money, Payment
from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.i18n import _
from shared.money import format_money


PAYMENTS = Payment.__table__
# Built once: Home shows the credit on every page.
CREDIT_OF_ACCOUNT = select(cast(func.coalesce(func.sum(PAYMENTS.c.unapplied), 0), Money)).where(
    PAYMENTS.c.tenant_id == bindparam("tenant_id"), PAYMENTS.c.account_id == bindparam("account_id"),
    PAYMENTS.c.status == "succeeded", PAYMENTS.c.unapplied > 0)
# The account's open invoices with its credit on each row: Home's summary asks both in one statement.
OPEN_WITH_CREDIT = OPEN_OF_ACCOUNT.add_columns(CREDIT_OF_ACCOUNT.scalar_subquery().label("credit"))


def available_credit(session, tenant_id, account_id):
    return session.connection().execute(CREDIT_OF_ACCOUNT, {"tenant_id": tenant_id,
                                                            "account_id": account_id}).scalar_one()


def summary_and_credit(session, tenant_id, account_id):
    """``(summary, credit)`` of one account: total due and past-due invoices (``summarise``) and its credit,
    in one statement when it has open invoices."""
    rows = session.connection().execute(OPEN_WITH_CREDIT, {"tenant_id": tenant_id, "account_id": account_id}).all()
    return (summarise(rows),
            rows[0].credit if rows else available_credit(session, tenant_id, account_id))


def credit_sources(session, tenant_id, account_id):
    """The account's payments that hold credit, oldest first, locked and read afresh."""
    return session.scalars(select(Payment).where(
        Payment.tenant_id == tenant_id, Payment.account_id == account_id, Payment.status == "succeeded",
        Payment.unapplied > 0).order_by(Payment.id).with_for_update()
        .execution_options(populate_existing=True)).all()


def take_credit(sources, credit):
    """Take ``credit`` from ``sources`` (credit_sources(), locked), oldest first; return [(source, used)]."""
    taken = []
    for source in sources:
        if credit <= 0:
            break
        used = min(credit, source.unapplied)
        source.unapplied -= used
        credit -= used
        taken.append((source, used))
    if credit:
        raise invalid("credit", _("That is more credit than is available."))
    return taken


def reserved_by_others(session, invoice_id, payment_id):
    """Whether a pending checkout other than ``payment_id`` still holds part of the invoice.

    A balance of zero is not "paid" while such a checkout may still be declined and give its
    part back; the last of them to succeed marks the invoice paid.
    """
    pending = select(Payment.id).where(Payment.status == "pending", Payment.id != payment_id)
    return bool(session.scalar(select(func.count()).select_from(Allocation).where(
        Allocation.invoice_id == invoice_id,
        or_(Allocation.payment_id.in_(pending), Allocation.checkout_payment_id.in_(pending)))))


def apply_credit(session, tenant_id, payment, targets):
    """Move credit from ``payment`` onto ``targets`` ([(invoice, amount)]); never below zero."""
    now = utcnow()
    for invoice, amount in targets:
        amount = min(amount, payment.unapplied, invoice.balance)
        if amount <= 0:
            continue
        session.add(Allocation(tenant_id=tenant_id, payment_id=payment.id, invoice_id=invoice.id,
                               amount=amount, created_at=now))
        payment.unapplied -= amount
        invoice.balance -= amount
        if invoice.balance == 0 and not reserved_by_others(session, invoice.id, payment.id):
            invoice.status, invoice.paid_at, invoice.autopay = "paid", now, False


def apply_credit_automatically(session, tenant_id, account_id, payment):
    """Apply ``payment``'s credit to the account's open invoices, oldest due first."""
    invoices = session.scalars(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.account_id == account_id, Invoice.status == "open",
        Invoice.balance > 0).order_by(Invoice.id).with_for_update()).all()  # locked in id order, as everywhere
    invoices.sort(key=lambda invoice: (invoice.due_date, invoice.id))
    apply_credit(session, tenant_id, payment, [(invoice, min(invoice.balance, payment.unapplied))
                                               for invoice in invoices])


def apply_prepayment_by_hand(session, tenant_id, values):
    """Apply a prepayment's credit to invoices of its account that staff chose (ApplyCreditSchema)."""
    payment = session.get(Payment, values["payment_id"])
    if payment is None or payment.tenant_id != tenant_id or payment.status != "succeeded":
        raise NotFound(_("No such payment."))
    targets = []
    for item in sorted(values["allocations"], key=lambda item: item["invoice_id"]):
        invoice = find_invoice(session, tenant_id, item["invoice_id"], payment.account_id)
        # Locked and read afresh: the invoice may have been paid or voided since it was loaded.
        session.refresh(invoice, with_for_update=True)
        if invoice.status == "void":
            raise invalid("allocations", _("Invoice #%(number)s is void: nothing is due on it.", number=invoice.number))
        if invoice.status != "open" or item["amount"] > invoice.balance:
            raise invalid("allocations", _("Invoice #%(number)s has %(due)s due.", number=invoice.number,
                                           due=format_money(invoice.balance)))
        targets.append((invoice, item["amount"]))
    session.refresh(payment, with_for_update=True)
    requested = sum(item["amount"] for item in values["allocations"])
    if requested > payment.unapplied:
        raise invalid("allocations", _("Only %(amount)s of this payment is unapplied.",
                                       amount=format_money(payment.unapplied)))
    apply_credit(session, tenant_id, payment, targets)
    return payment
