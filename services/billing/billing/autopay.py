"""Autopay: enrolment with an explicit consent, cancelling, and the staff's lock."""
from sqlalchemy import select, update

from billing.models import Autopay, Invoice, Job
from billing.methods import describe_method, find_method
from shared.clock import utcnow
from shared.errors import NotFound, PermissionDenied, invalid
from shared.events import AUTOPAY_CANCELLED, AUTOPAY_ENROLLED
from shared.i18n import _

ACTIVE_JOB_STATES = ("unscheduled", "scheduled", "paused")


def consent_text(settings, method_label=None):
    """The words a client agrees to; they say exactly which invoices autopay will charge."""
    method_label = method_label or _("the payment method you choose")
    if settings["autopay_applies_to"] == "all_scheduled_jobs":
        return _("I authorise the business to charge %(method)s automatically for invoices for all of your "
                 "scheduled services, including services already scheduled today, and for any new services. "
                 "Each charge is for the invoice's balance when it is issued. I can turn autopay off here at any "
                 "time unless the business has locked it for my account.", method=method_label)
    return _("I authorise the business to charge %(method)s automatically for invoices for services created from "
             "today on; invoices for services already scheduled keep their current payment method. Each charge is "
             "for the invoice's balance when it is issued. I can turn autopay off here at any time unless the "
             "business has locked it for my account.", method=method_label)


def record(session, tenant_id, account_id):
    row = session.get(Autopay, account_id)
    if row is not None and row.tenant_id != tenant_id:
        raise NotFound(_("No such account."))
    return row


def status(session, tenant_id, account_id, settings):
    row = record(session, tenant_id, account_id)
    method = None
    if row and row.enrolled and row.payment_method_id:
        try:
            method = describe_method(find_method(session, tenant_id, account_id, row.payment_method_id))
        except NotFound:  # the card was removed since; autopay waits for a new one
            method = None
    return {"available": settings["autopay_enabled"], "enrolled": bool(row and row.enrolled),
            "locked": bool(row and row.locked), "scope": settings["autopay_applies_to"],
            "payment_method": method, "consent_text": consent_text(settings),
            "enrolled_at": row.enrolled_at.isoformat() if row and row.enrolled_at else None}


def enroll(session, outbox, tenant_id, account_id, payment_method_id, consent, settings, actor=None):
    """Put the account on autopay with a method on file, once the client has consented; the caller commits."""
    if consent is not True:
        raise invalid("consent", _("Tick the box to agree to the autopay terms."))
    method = find_method(session, tenant_id, account_id, payment_method_id)
    row = record(session, tenant_id, account_id) or Autopay(tenant_id=tenant_id, account_id=account_id)
    row.enrolled, row.payment_method_id, row.scope = True, method.id, settings["autopay_applies_to"]
    row.enrolled_at, row.cancelled_at = utcnow(), None
    session.add(row)
    if row.scope == "all_scheduled_jobs":
        jobs = select(Job.id).where(Job.tenant_id == tenant_id, Job.account_id == account_id,
                                    Job.status.in_(ACTIVE_JOB_STATES))
        session.execute(update(Job).where(Job.id.in_(jobs)).values(autopay=True))
        session.execute(update(Invoice).where(Invoice.job_id.in_(jobs), Invoice.status == "open")
                        .values(autopay=True))
    outbox.add(session, AUTOPAY_ENROLLED, {"account_id": account_id, "scope": row.scope, "actor": actor},
               tenant_id=tenant_id)
    return row


def cancel(session, outbox, tenant_id, account_id, actor=None, by_staff=False):
    row = record(session, tenant_id, account_id)
    if row is None or not row.enrolled:
        return row
    if row.locked and not by_staff:
        raise PermissionDenied(_("The business has locked autopay on for this account. Please contact them."))
    row.enrolled, row.cancelled_at = False, utcnow()
    session.execute(update(Job).where(Job.tenant_id == tenant_id, Job.account_id == account_id)
                    .values(autopay=False))
    session.execute(update(Invoice).where(Invoice.tenant_id == tenant_id, Invoice.account_id == account_id,
                                          Invoice.status == "open").values(autopay=False))
    outbox.add(session, AUTOPAY_CANCELLED, {"account_id": account_id, "scope": row.scope, "actor": actor},
               tenant_id=tenant_id)
    return row


def set_lock(session, tenant_id, account_id, locked):
    row = record(session, tenant_id, account_id) or Autopay(tenant_id=tenant_id, account_id=account_id,
                                                            enrolled=False)
    row.locked = bool(locked)
    session.add(row)
    return row


def statuses(session, tenant_id, account_ids):
    """Autopay status per account, for the staff's portal users list."""
    rows = session.scalars(select(Autopay).where(Autopay.tenant_id == tenant_id,
                                                 Autopay.account_id.in_(account_ids))).all()
    found = {row.account_id: row for row in rows}
    return {account_id: {"enrolled": bool(found.get(account_id) and found[account_id].enrolled),
                         "locked": bool(found.get(account_id) and found[account_id].locked)}
            for account_id in account_ids}
