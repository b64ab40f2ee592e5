"""Invoices: numbering, totals, voiding (their lists: invoice_list.py). Plain functions over a session."""
from datetime import date

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError

from billing.models import (Allocation, Autopay, ChargeRun, ChargeRunItem, Invoice, InvoiceCounter, InvoiceLine,
                            Job, Payment)
from billing.schemas import NewInvoiceSchema, VoidInvoiceSchema
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, NotFound, invalid
from shared.i18n import _, ngettext
from shared.money import MAX_MINOR_UNITS
from shared.validation import load_or_raise


def next_number(session, tenant_id, counter_table=InvoiceCounter):
    """Hand out the tenant's next invoice number (or estimate number, from the EstimateCounter); the counter row is
    locked until commit."""
    locked = select(counter_table).where(counter_table.tenant_id == tenant_id).with_for_update()
    counter = session.scalar(locked)
    if counter is None:
        # A tenant's first invoices may be created at once: only one insert of its counter wins,
        # the others wait for it (PostgreSQL) and then lock the row it made.
        try:
            with session.begin_nested():
                session.add(counter_table(tenant_id=tenant_id, last_number=1000))
        except IntegrityError:
            pass
        counter = session.scalar(locked.execution_options(populate_existing=True))
    counter.last_number += 1
    return counter.last_number


def autopay_enrolled(session, tenant_id, account_id):
    row = session.get(Autopay, account_id)
    return bool(row and row.tenant_id == tenant_id and row.enrolled)


def create_invoice(session, tenant_id, data):
    """Create an invoice; it awaits autopay when its job (or, without a job, its account) is on autopay."""
    values = load_or_raise(NewInvoiceSchema, data)
    job = None
    if values["job_id"] is not None:
        job = session.get(Job, values["job_id"])
        if job is None or job.tenant_id != tenant_id or job.account_id != values["account_id"]:
            raise NotFound(_("No such job on this account."))
    lines = [InvoiceLine(position=index, description=line["description"], quantity=line["quantity"],
                         unit_price=line["unit_price"], amount=line["quantity"] * line["unit_price"])
             for index, line in enumerate(values["lines"])]
    total = sum(line.amount for line in lines)
    if total > MAX_MINOR_UNITS:
        raise invalid("lines", _("The invoice total is larger than any invoice can be."))
    invoice = Invoice(
        tenant_id=tenant_id, account_id=values["account_id"], number=next_number(session, tenant_id),
        job_id=values["job_id"], issue_date=values["issue_date"] or date.today(),
        due_date=values["due_date"], total=total, balance=total, status="open" if total else "paid",
        autopay=bool(total) and (job.autopay if job else autopay_enrolled(session, tenant_id, values["account_id"])),
        created_at=utcnow(), paid_at=None if total else utcnow())
    session.add(invoice)
    session.flush()
    for line in lines:
        line.invoice_id = invoice.id
    session.add_all(lines)
    return invoice


def find_invoice(session, tenant_id, invoice_id, account_id=None):
    """The tenant's invoice (and the account's, when given); any other id is not found."""
    invoice = session.get(Invoice, invoice_id) if isinstance(invoice_id, int) else None
    if invoice is None or invoice.tenant_id != tenant_id or (
            account_id is not None and invoice.account_id != account_id):
        raise NotFound(_("No such invoice."))
    return invoice


def display_status(invoice, today=None):
    if invoice.status == "open" and invoice.due_date < (today or date.today()):
        return "past_due"
    return invoice.status


def describe(invoice, lines=None):
    # A void invoice owes nothing and keeps no payment: what was paid went back to credit.
    void = invoice.status == "void"
    answer = {
        "id": invoice.id, "number": invoice.number, "account_id": invoice.account_id,
        "job_id": invoice.job_id, "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(), "total": invoice.total, "balance": 0 if void else invoice.balance,
        "paid": 0 if void else invoice.total - invoice.balance - invoice.refunded, "refunded": invoice.refunded,
        "status": display_status(invoice),
        "autopay": invoice.autopay, "voided_at": iso_utc(invoice.voided_at),
    }
    if lines is not None:
        answer["lines"] = [{"description": line.description, "quantity": line.quantity,
                            "unit_price": line.unit_price, "amount": line.amount} for line in lines]
    return answer


def describe_for_staff(invoice, lines):
    """An invoice with its lines and what only staff see: why and by whom it was voided."""
    return {**describe(invoice, lines), "void_reason": invoice.void_reason, "voided_by": invoice.voided_by}


def lines_of(session, invoice):
    return session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                           .order_by(InvoiceLine.position)).all()


INVOICES = Invoice.__table__
# What describe() reads of an invoice without its lines, as plain rows.
DESCRIBED = tuple(INVOICES.c[name] for name in ("id", "number", "account_id", "job_id", "issue_date", "due_date",
                                                "total", "balance", "refunded", "status", "autopay", "voided_at"))
# The account's open invoices, built once: Home asks for them on every page.
OPEN_OF_ACCOUNT = select(*DESCRIBED).where(INVOICES.c.tenant_id == bindparam("tenant_id"),
                                           INVOICES.c.account_id == bindparam("account_id"),
                                           INVOICES.c.status == "open").order_by(INVOICES.c.due_date)


def summarise(open_invoices):
    """Total due and the past-due invoices of an account's ``open_invoices`` (rows of OPEN_OF_ACCOUNT)."""
    return {"total_due": sum(row.balance for row in open_invoices),
            "open_count": len(open_invoices),
            "past_due": [describe(row) for row in open_invoices if display_status(row) == "past_due"]}


def count_open(session, tenant_id):
    return session.scalar(select(func.count(Invoice.id)).where(Invoice.tenant_id == tenant_id,
                                                               Invoice.status == "open"))


# --- voiding ------------------------------------------------------------------------------------

def void_refusal(number, status, payment_in_progress):
    """Why invoice #``number`` (stored ``status``: open, paid or void) cannot be voided now; None when it can.

    Only an open invoice (past due or not) can be voided. A paid one is settled business: it stays.
    While a checkout or an autopay charge holds part of it, that payment may still succeed, so
    voiding waits for it to finish rather than race it.
    """
    if status == "void":
        return _("Invoice #%(number)s is already void.", number=number)
    if status == "paid":
        return _("Invoice #%(number)s is paid, so it cannot be voided.", number=number)
    if status != "open":
        return _("Invoice #%(number)s cannot be voided.", number=number)
    if payment_in_progress:
        return _("A payment of invoice #%(number)s is being processed right now. "
                 "Try again in a few minutes, once it has gone through or failed.", number=number)
    return None


def payment_in_progress(session, invoice_id):
    """Whether a pending payment (or credit reserved at a pending checkout) holds part of the invoice."""
    pending = select(Payment.id).where(Payment.status == "pending")
    return bool(session.scalar(select(func.count()).select_from(Allocation).where(
        Allocation.invoice_id == invoice_id, Allocation.released_at.is_(None),
        or_(Allocation.payment_id.in_(pending), Allocation.checkout_payment_id.in_(pending)))))


def release_allocations(session, invoice, now):
    """Give back to credit every payment allocated to ``invoice``; return the amount released.

    The allocation rows stay, marked released, so the history still shows that the money went
    to this invoice and then back to the account; each payment's ``unapplied`` grows by its part
    (credit taken at a checkout goes back to the prepayment it came from).
    """
    allocations = session.scalars(select(Allocation).where(
        Allocation.invoice_id == invoice.id, Allocation.released_at.is_(None))
        .order_by(Allocation.payment_id, Allocation.id)).all()
    released = 0
    for allocation in allocations:
        # Payments in id order, like every other path that locks several of them.
        source = session.get(Payment, allocation.payment_id, with_for_update=True, populate_existing=True)
        source.unapplied += allocation.amount
        allocation.released_at = now
        released += allocation.amount
    return released


def cancel_queued_charges(session, invoice, now):
    """Mark the invoice's still-queued charge run items failed: a void invoice is never charged."""
    items = session.scalars(select(ChargeRunItem).where(
        ChargeRunItem.invoice_id == invoice.id, ChargeRunItem.state == "queued")).all()
    for item in items:
        item.state, item.updated_at = "failed", now
        item.message = _("Invoice #%(number)s was voided before it was charged.", number=invoice.number)
    session.flush()
    for run_id in {item.run_id for item in items}:
        run = session.get(ChargeRun, run_id)
        remaining = session.scalar(select(func.count()).select_from(ChargeRunItem).where(
            ChargeRunItem.run_id == run_id, ChargeRunItem.state.not_in(("succeeded", "failed"))))
        if not remaining and run.finished_at is None:
            run.finished_at = now


def void_invoice(session, tenant_id, invoice_id, data, voided_by):
    """Void an open invoice for the staff member ``voided_by``; return ``(invoice, credit released)``.

    Whatever was already paid on it is not lost: it goes back to the account as credit. The
    invoice's row lock is what a payment takes too, so a void and a payment of the same invoice
    never both succeed: whichever comes second finds the other's outcome. The caller commits.
    """
    values = load_or_raise(VoidInvoiceSchema, data if data is not None else {})
    number = find_invoice(session, tenant_id, invoice_id).number  # another tenant's id: 404, nothing locked
    # A charge run's worker locks its item and then the invoice: take them in the same order.
    session.scalars(select(ChargeRunItem).where(ChargeRunItem.invoice_id == invoice_id,
                                                ChargeRunItem.state == "queued")
                    .order_by(ChargeRunItem.id).with_for_update()).all()
    invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update()
                             .execution_options(populate_existing=True))
    refusal = void_refusal(number, invoice.status, payment_in_progress(session, invoice.id))
    if refusal:
        raise Conflict(refusal)
    now = utcnow()
    released = release_allocations(session, invoice, now)
    invoice.status, invoice.balance, invoice.autopay = "void", 0, False
    invoice.voided_at, invoice.void_reason, invoice.voided_by = now, values["reason"], voided_by
    cancel_queued_charges(session, invoice, now)
    session.flush()
    return invoice, released


def refuse_void(rows):
    """Refuse a payment that includes a void invoice, naming it."""
    voided = [row.number for row in rows if row.status == "void"]
    if voided:
        named = ", ".join(f"#{number}" for number in voided)
        raise Conflict(ngettext("Invoice %(named)s was voided, so it cannot be paid. Nothing was charged.",
                                "Invoices %(named)s were voided, so they cannot be paid. Nothing was charged.",
                                len(voided), named=named))


def refuse_void_ids(session, tenant_id, account_id, invoice_ids):
    """``refuse_void`` for the account's invoices among ``invoice_ids`` (as a request sent them)."""
    if not isinstance(invoice_ids, list):
        return
    ids = [item for item in invoice_ids if isinstance(item, int) and not isinstance(item, bool)][:200]
    if ids:
        refuse_void(session.scalars(select(Invoice).where(
            Invoice.id.in_(ids), Invoice.tenant_id == tenant_id, Invoice.account_id == account_id)
            .order_by(Invoice.number)).all())
