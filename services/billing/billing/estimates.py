"""Estimates: staff prepare one with lines for an account, edit it while it is a draft and send it; the client
approves or declines it (with an optional note) while it is sent and still valid. An approved estimate becomes a
job on the waiting list. Plain functions over a session; the caller commits.

Statuses: draft, sent, approved, declined, expired. A sent estimate whose ``valid_until`` (the business's date)
has passed reads as expired and can no longer be decided.
"""
from sqlalchemy import and_, bindparam, func, or_, select

from billing.estimate_schemas import (ClientEstimateFiltersSchema, DecisionSchema, EstimateChangesSchema,
                                      EstimateFiltersSchema, NewEstimateSchema)
from billing.field_models import Estimate, EstimateCounter, EstimateLine
from billing import jobs
from billing.invoices import next_number
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, NotFound, invalid
from shared.events import ESTIMATE_DECIDED
from shared.i18n import _
from shared import keyset
from shared.validation import load_or_raise

# A listed estimate is about 0.45 KB with a title of 200 characters (no message, lines or note: those are in
# its detail), so a page at the cap stays under three quarters of a message (services/billing/tests).
PAGE_MAX = 100


def display_status(estimate, today):
    if estimate.status == "sent" and estimate.valid_until is not None and estimate.valid_until < today:
        return "expired"
    return estimate.status


def summary(estimate, today):
    """An estimate as lists show it."""
    return {
        "id": estimate.id, "number": estimate.number, "account_id": estimate.account_id, "title": estimate.title,
        "status": display_status(estimate, today), "total": estimate.total,
        "valid_until": estimate.valid_until.isoformat() if estimate.valid_until else None,
        "sent_at": iso_utc(estimate.sent_at), "decided_at": iso_utc(estimate.decided_at), "job_id": estimate.job_id,
        "created_at": iso_utc(estimate.created_at),
    }


def describe(estimate, today, lines=None):
    """An estimate with its message and the client's note (and its lines, when given)."""
    answer = {**summary(estimate, today), "message": estimate.message, "decision_note": estimate.decision_note}
    if lines is not None:
        answer["lines"] = [{"description": line.description, "quantity": line.quantity,
                            "unit_price": line.unit_price, "amount": line.amount} for line in lines]
    return answer


def lines_of(session, estimate):
    return session.scalars(select(EstimateLine).where(EstimateLine.estimate_id == estimate.id)
                           .order_by(EstimateLine.position)).all()


def _set_lines(session, estimate, lines):
    """Replace the estimate's lines with ``lines`` (validated input) and set its total."""
    for old in lines_of(session, estimate):
        session.delete(old)
    rows = [EstimateLine(estimate_id=estimate.id, position=index, description=line["description"],
                         quantity=line["quantity"], unit_price=line["unit_price"],
                         amount=line["quantity"] * line["unit_price"]) for index, line in enumerate(lines)]
    session.add_all(rows)
    estimate.total = sum(row.amount for row in rows)


def _refuse_past(valid_until, today):
    if valid_until is not None and valid_until < today:
        raise invalid("valid_until", _("The estimate would already have expired: choose today or a later date."))


def create(session, tenant_id, data, today):
    """A draft estimate for the account ``data`` names (the caller has confirmed it is the business's)."""
    values = load_or_raise(NewEstimateSchema, data)
    _refuse_past(values["valid_until"], today)
    estimate = Estimate(tenant_id=tenant_id, account_id=values["account_id"], title=values["title"],
                        message=values["message"], valid_until=values["valid_until"], status="draft", total=0,
                        number=next_number(session, tenant_id, EstimateCounter), created_at=utcnow())
    session.add(estimate)
    session.flush()
    _set_lines(session, estimate, values["lines"])
    session.flush()
    return estimate


def find(session, tenant_id, estimate_id, account_id=None, lock=False):
    """The business's estimate (the account's, when given: never a draft); any other id is not found."""
    estimate = None
    if isinstance(estimate_id, int) and not isinstance(estimate_id, bool):
        estimate = session.get(Estimate, estimate_id, with_for_update=lock, populate_existing=lock)
    if estimate is None or estimate.tenant_id != tenant_id or (account_id is not None and (
            estimate.account_id != account_id or estimate.status == "draft")):
        raise NotFound(_("No such estimate."))
    return estimate


def edit(session, tenant_id, estimate_id, data, today):
    """Change a draft: only the fields ``data`` names."""
    estimate = find(session, tenant_id, estimate_id, lock=True)
    if estimate.status != "draft":
        raise Conflict(_("Estimate #%(number)s was sent, so it can no longer be changed.", number=estimate.number))
    values = load_or_raise(EstimateChangesSchema, data, partial=True)
    values = {key: value for key, value in values.items() if isinstance(data, dict) and key in data}
    if "valid_until" in values:
        _refuse_past(values["valid_until"], today)
    for key in ("title", "message", "valid_until"):
        if key in values:
            setattr(estimate, key, values[key])
    if "lines" in values:
        _set_lines(session, estimate, values["lines"])
    session.flush()
    return estimate


def send(session, tenant_id, estimate_id, today):
    """Send a draft to the client: from now on they see it and may decide it."""
    estimate = find(session, tenant_id, estimate_id, lock=True)
    if estimate.status != "draft":
        raise Conflict(_("Estimate #%(number)s was already sent.", number=estimate.number))
    if estimate.valid_until is not None and estimate.valid_until < today:
        raise invalid("valid_until", _("Estimate #%(number)s expired on %(day)s: set a later date before sending it.",
                                       number=estimate.number, day=estimate.valid_until.isoformat()))
    estimate.status, estimate.sent_at = "sent", utcnow()
    session.flush()
    return estimate


def _status_filter(status, today, estimates=Estimate):
    """Where an estimate's status is ``status`` on ``today`` (``estimates``: the model, or its table's columns)."""
    if status == "expired":
        return or_(estimates.status == "expired",
                   and_(estimates.status == "sent", estimates.valid_until < today))
    if status == "sent":
        return and_(estimates.status == "sent",
                    or_(estimates.valid_until.is_(None), estimates.valid_until >= today))
    return estimates.status == status


# Built once: the tab bar shows the count on every portal page.
ESTIMATES = Estimate.__table__.c
COUNT_AWAITING = select(func.count()).select_from(Estimate.__table__).where(
    ESTIMATES.tenant_id == bindparam("tenant_id"), ESTIMATES.account_id == bindparam("account_id"),
    _status_filter("sent", bindparam("today"), ESTIMATES))


def count_awaiting(session, tenant_id, account_id, today):
    """How many estimates sent to the account still await its answer (not yet expired)."""
    return session.connection().execute(COUNT_AWAITING, {"tenant_id": tenant_id, "account_id": account_id,
                                                         "today": today}).scalar_one()


def list_estimates(session, tenant_id, filters, today, account_id=None):
    """One page of the estimates matching ``filters``, newest first: ``{"items", "next", "limit"}``; ``account_id``
    pins a client's own account (no drafts). Paged by number (shared/keyset.py), unique within a business."""
    schema = EstimateFiltersSchema if account_id is None else ClientEstimateFiltersSchema
    values = load_or_raise(schema, filters or {})
    account = account_id if account_id is not None else values.get("account_id")
    scope = ["estimates", tenant_id, account, values["status"]]
    key = keyset.decode(values["cursor"], (keyset.ID,), scope)
    statement = select(Estimate).where(Estimate.tenant_id == tenant_id, keyset.after((Estimate.number,), key))
    if account is not None:
        statement = statement.where(Estimate.account_id == account)
    if account_id is not None:
        statement = statement.where(Estimate.status != "draft")
    if values["status"]:
        statement = statement.where(_status_filter(values["status"], today))
    rows = session.scalars(statement.order_by(Estimate.number.desc()).limit(values["limit"] + 1)).all()
    items, next_cursor = keyset.cut(rows, values["limit"], lambda row: (row.number,),
                                    lambda row: summary(row, today), scope)
    return {"items": items, "next": next_cursor, "limit": values["limit"]}


def decision_refusal(estimate, today):
    """Why the client cannot decide ``estimate`` now; None when they can."""
    status = display_status(estimate, today)
    number = estimate.number
    if status in ("approved", "declined"):
        day = estimate.decided_at.date().isoformat() if estimate.decided_at else None
        if status == "approved":
            return (_("Estimate #%(number)s was already approved on %(day)s; it cannot be decided again.",
                      number=number, day=day) if day else
                    _("Estimate #%(number)s was already approved; it cannot be decided again.", number=number))
        return (_("Estimate #%(number)s was already declined on %(day)s; it cannot be decided again.",
                  number=number, day=day) if day else
                _("Estimate #%(number)s was already declined; it cannot be decided again.", number=number))
    if status == "expired":
        if estimate.valid_until:
            return _("Estimate #%(number)s expired on %(day)s, so it can no longer be approved or declined. "
                     "Please contact the business for a new one.", number=number,
                     day=estimate.valid_until.isoformat())
        return _("Estimate #%(number)s expired, so it can no longer be approved or declined. "
                 "Please contact the business for a new one.", number=number)
    return None


def waiting_job(session, estimate, today):
    """The job an approved estimate becomes: one-off, on the waiting list, at the estimate's total."""
    return jobs.create_job(session, estimate.tenant_id, {
        "account_id": estimate.account_id, "title": estimate.title, "price": estimate.total,
        "service_id": estimate.service_id, "recurrence": "once"}, today, origin="estimate")


def decide(session, outbox, tenant_id, account_id, estimate_id, data, actor, today):
    """The client approves or declines a sent estimate; approving puts a job on the waiting list. The decision
    and its ESTIMATE_DECIDED event are written in the caller's transaction."""
    values = load_or_raise(DecisionSchema, data if data is not None else {})
    estimate = find(session, tenant_id, estimate_id, account_id, lock=True)
    refusal = decision_refusal(estimate, today)
    if refusal:
        raise Conflict(refusal)
    now = utcnow()
    estimate.status, estimate.decided_at, estimate.decision_note = values["decision"], now, values["note"]
    estimate.decided_by = (actor or {}).get("id")
    if values["decision"] == "approved":
        estimate.job_id = waiting_job(session, estimate, today).id
    session.flush()
    outbox.add(session, ESTIMATE_DECIDED, {
        "estimate_id": estimate.id, "account_id": estimate.account_id, "number": estimate.number,
        "title": estimate.title, "total": estimate.total, "decision": estimate.status,
        "note": estimate.decision_note, "job_id": estimate.job_id, "actor": actor}, tenant_id=tenant_id)
    return estimate
