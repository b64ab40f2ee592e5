"""Invoices: numbering, totals, listing with filters. Plain functions over a session."""
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from billing.models import Autopay, Invoice, InvoiceCounter, InvoiceLine, Job
from billing.schemas import MAX_MINOR_UNITS, InvoiceFiltersSchema, NewInvoiceSchema, NewJobSchema
from shared.errors import NotFound, invalid
from shared.settings_store import validation_error
from marshmallow import ValidationError


def utcnow():
    return datetime.now(timezone.utc)


def load(schema, data, **options):
    try:
        return schema(**options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None


def next_number(session, tenant_id):
    """Hand out the tenant's next invoice number (the counter row is locked until commit)."""
    locked = select(InvoiceCounter).where(InvoiceCounter.tenant_id == tenant_id).with_for_update()
    counter = session.scalar(locked)
    if counter is None:
        # A tenant's first invoices may be created at once: only one insert of its counter wins,
        # the others wait for it (PostgreSQL) and then lock the row it made.
        try:
            with session.begin_nested():
                session.add(InvoiceCounter(tenant_id=tenant_id, last_number=1000))
        except IntegrityError:
            pass
        counter = session.scalar(locked.execution_options(populate_existing=True))
    counter.last_number += 1
    return counter.last_number


def autopay_enrolled(session, tenant_id, account_id):
    row = session.get(Autopay, account_id)
    return bool(row and row.tenant_id == tenant_id and row.enrolled)


def create_job(session, tenant_id, data):
    values = load(NewJobSchema, data)
    job = Job(tenant_id=tenant_id, created_at=utcnow(),
              autopay=autopay_enrolled(session, tenant_id, values["account_id"]), **values)
    session.add(job)
    session.flush()
    return job


def create_invoice(session, tenant_id, data):
    """Create an invoice; it awaits autopay when its job (or, without a job, its account) is on autopay."""
    values = load(NewInvoiceSchema, data)
    job = None
    if values["job_id"] is not None:
        job = session.get(Job, values["job_id"])
        if job is None or job.tenant_id != tenant_id or job.account_id != values["account_id"]:
            raise NotFound("No such job on this account.")
    lines = [InvoiceLine(position=index, description=line["description"], quantity=line["quantity"],
                         unit_price=line["unit_price"], amount=line["quantity"] * line["unit_price"])
             for index, line in enumerate(values["lines"])]
    total = sum(line.amount for line in lines)
    if total > MAX_MINOR_UNITS:
        raise invalid("lines", "The invoice total is larger than any invoice can be.")
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
        raise NotFound("No such invoice.")
    return invoice


def display_status(invoice, today=None):
    if invoice.status == "open" and invoice.due_date < (today or date.today()):
        return "past_due"
    return invoice.status


def describe(invoice, lines=None):
    answer = {
        "id": invoice.id, "number": invoice.number, "account_id": invoice.account_id,
        "job_id": invoice.job_id, "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(), "total": invoice.total, "balance": invoice.balance,
        "paid": invoice.total - invoice.balance, "status": display_status(invoice),
        "autopay": invoice.autopay,
    }
    if lines is not None:
        answer["lines"] = [{"description": line.description, "quantity": line.quantity,
                            "unit_price": line.unit_price, "amount": line.amount} for line in lines]
    return answer


def lines_of(session, invoice):
    return session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                           .order_by(InvoiceLine.position)).all()


def list_invoices(session, tenant_id, filters, account_id=None, limit=500):
    """Invoices matching ``filters``; ``account_id`` pins a client's own account."""
    values = load(InvoiceFiltersSchema, filters or {})
    statement = select(Invoice).where(Invoice.tenant_id == tenant_id)
    account = account_id if account_id is not None else values["account_id"]
    if account is not None:
        statement = statement.where(Invoice.account_id == account)
    status = values["status"] or "all"
    today = date.today()
    if status in ("unpaid", "open"):
        statement = statement.where(Invoice.status == "open")
    elif status == "past_due":
        statement = statement.where(Invoice.status == "open", Invoice.due_date < today)
    elif status in ("paid", "void"):
        statement = statement.where(Invoice.status == status)
    if values["number"] is not None:
        statement = statement.where(Invoice.number == values["number"])
    if values["date_from"]:
        statement = statement.where(Invoice.issue_date >= values["date_from"])
    if values["date_to"]:
        statement = statement.where(Invoice.issue_date <= values["date_to"])
    if values["amount_min"] is not None:
        statement = statement.where(Invoice.total >= values["amount_min"])
    if values["amount_max"] is not None:
        statement = statement.where(Invoice.total <= values["amount_max"])
    if values["autopay"] is not None:
        statement = statement.where(Invoice.autopay.is_(values["autopay"]))
    rows = session.scalars(statement.order_by(Invoice.due_date, Invoice.number).limit(limit)).all()
    return [describe(row) for row in rows]


def account_summary(session, tenant_id, account_id):
    """Total due and the past-due invoices of one account (for the portal home)."""
    open_invoices = session.scalars(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.account_id == account_id, Invoice.status == "open")
        .order_by(Invoice.due_date)).all()
    return {"total_due": sum(row.balance for row in open_invoices),
            "open_count": len(open_invoices),
            "past_due": [describe(row) for row in open_invoices if display_status(row) == "past_due"]}


def count_open(session, tenant_id):
    return session.scalar(select(func.count(Invoice.id)).where(Invoice.tenant_id == tenant_id,
                                                               Invoice.status == "open"))
