"""Visits: the dates a job happens on, generated from its recurrence a few weeks ahead, and what staff do with
each one (complete it, which raises its invoice when the job bills per visit; skip, cancel or move it; write
service notes for the client). Plain functions over a session; the caller commits."""
import calendar
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import func, select

from billing import invoices, local_time
from billing.field_models import Visit
from billing.job_schemas import CompleteVisitInput, VisitMoveInput, VisitNotesInput
from billing.models import Job
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, NotFound, invalid
from shared.i18n import N_, _, locale_of
from shared.validation import load_or_raise

HORIZON_DAYS = 84  # a recurring job always has its visits of the next twelve weeks on the calendar
MAX_NEW_VISITS = 60
PAYMENT_TERMS_DAYS = 0  # a visit's invoice is due the day the work is done
# A visit's date is within a year before and two years after the business's today: further is a typing mistake
# (and the calendar arithmetic of a recurrence must stay inside the years a date can hold).
DAYS_BACK, DAYS_AHEAD = 366, 731
# Why a visit that is not scheduled cannot be ``action`` (its status, then what was asked), each sentence whole.
NOT_SCHEDULED = {
    ("completed", "moved"): N_("This visit is completed; only a scheduled visit can be moved."),
    ("completed", "cancelled"): N_("This visit is completed; only a scheduled visit can be cancelled."),
    ("completed", "completed"): N_("This visit is completed; only a scheduled visit can be completed."),
    ("completed", "skipped"): N_("This visit is completed; only a scheduled visit can be skipped."),
    ("skipped", "moved"): N_("This visit is skipped; only a scheduled visit can be moved."),
    ("skipped", "cancelled"): N_("This visit is skipped; only a scheduled visit can be cancelled."),
    ("skipped", "completed"): N_("This visit is skipped; only a scheduled visit can be completed."),
    ("skipped", "skipped"): N_("This visit is skipped; only a scheduled visit can be skipped."),
    ("cancelled", "moved"): N_("This visit is cancelled; only a scheduled visit can be moved."),
    ("cancelled", "cancelled"): N_("This visit is cancelled; only a scheduled visit can be cancelled."),
    ("cancelled", "completed"): N_("This visit is cancelled; only a scheduled visit can be completed."),
    ("cancelled", "skipped"): N_("This visit is cancelled; only a scheduled visit can be skipped."),
}


def check_date(name, day, today):
    """Refuse (on field ``name``) a visit date further than a year back or two years ahead of ``today``."""
    if not today - timedelta(days=DAYS_BACK) <= day <= today + timedelta(days=DAYS_AHEAD):
        raise invalid(name, _("Choose a date between a year ago and two years from today."))
    return day


def add_months(day, months, anchor_day):
    """``day`` moved ``months`` on, on the job's own day of the month (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def next_date(job, after, anchor_day):
    if job.recurrence == "monthly":
        return add_months(after, 1, anchor_day)
    weeks = job.interval_weeks if job.recurrence == "every_n_weeks" else 1
    return after + timedelta(weeks=weeks)


def job_visits(session, job, statuses=None):
    query = select(Visit).where(Visit.job_id == job.id)
    if statuses:
        query = query.where(Visit.status.in_(statuses))
    return session.scalars(query.order_by(Visit.scheduled_on, Visit.id)).all()


def new_visit(job, day, window_start=None, window_end=None):
    return Visit(tenant_id=job.tenant_id, account_id=job.account_id, job_id=job.id, scheduled_on=day,
                 window_start=window_start, window_end=window_end, status="scheduled", created_at=utcnow())


def following(job, after, anchor_day, until, window, at_most=MAX_NEW_VISITS):
    """New visits of ``job`` after the date ``after``, by its recurrence, up to ``until``."""
    added, day = [], after
    while len(added) < at_most:
        day = next_date(job, day, anchor_day)
        if day > until:
            break
        added.append(new_visit(job, day, *window))
    return added


def plan(session, job, first, window, today):
    """Put ``job``'s visits on the calendar from ``first`` on: one for a one-off job, the next weeks' for a
    recurring one (to the horizon, at least one)."""
    visits = [new_visit(job, first, *window)]
    if job.recurrence != "once":
        until = max(today, first) + timedelta(days=HORIZON_DAYS)
        visits += following(job, first, first.day, until, window, MAX_NEW_VISITS - 1)
    session.add_all(visits)
    return visits


def top_up(session, job, today):
    """Keep a recurring, scheduled job's calendar filled to the horizon, following its latest visit."""
    if job.status != "scheduled" or job.recurrence == "once":
        return []
    dated = job_visits(session, job)
    if not dated:
        return []
    latest = dated[-1]
    added = following(job, latest.scheduled_on, dated[0].scheduled_on.day, today + timedelta(days=HORIZON_DAYS),
                      (latest.window_start, latest.window_end))
    session.add_all(added)
    return added


def find_visit(session, tenant_id, visit_id, account_id=None, lock=False):
    query = select(Visit).where(Visit.id == visit_id)
    visit = session.scalar(query.with_for_update() if lock else query)
    if visit is None or visit.tenant_id != tenant_id or (account_id is not None and visit.account_id != account_id):
        raise NotFound(_("No such visit."))
    return visit


def require_scheduled(visit, action):
    if visit.status != "scheduled":
        message = NOT_SCHEDULED.get((visit.status, action))
        raise Conflict(_(message) if message else _("Only a scheduled visit can be changed."))


def settle_one_off(session, job):
    """A one-off job ends with its visit: done when it was completed, cancelled when it was cancelled."""
    if job.recurrence == "once" and job.status == "scheduled":
        left = session.scalar(select(func.count()).select_from(Visit)
                              .where(Visit.job_id == job.id, Visit.status == "scheduled"))
        if not left:
            statuses = {visit.status for visit in job_visits(session, job)}
            job.status = "completed" if "completed" in statuses else "cancelled"
            job.updated_at = utcnow()


def raise_invoice(session, job, visit, today):
    """The invoice of a completed visit of a job billed per visit (nothing for a free one)."""
    if not job.bills_per_visit or not job.price:
        return None
    invoice = invoices.create_invoice(session, job.tenant_id, {
        "account_id": job.account_id, "job_id": job.id, "issue_date": today.isoformat(),
        "due_date": (today + timedelta(days=PAYMENT_TERMS_DAYS)).isoformat(),
        "lines": [{"description": f"{job.title} ({format_date(visit.scheduled_on, 'dd MMM y', locale=locale_of())})"
                                  [:300], "quantity": 1,
                   "unit_price": job.price}]})
    visit.invoice_id = invoice.id
    return invoice


def complete(session, tenant_id, visit_id, data, today):
    values = load_or_raise(CompleteVisitInput, data or {})
    visit = find_visit(session, tenant_id, visit_id, lock=True)
    require_scheduled(visit, "completed")
    job = session.get(Job, visit.job_id)
    visit.status, visit.completed_at, visit.updated_at = "completed", utcnow(), utcnow()
    if values["notes"] is not None:
        visit.notes = values["notes"]
    raise_invoice(session, job, visit, today)
    top_up(session, job, today)
    settle_one_off(session, job)
    return visit


def drop(session, tenant_id, visit_id, status, today):
    """Skip (the date passes without the work) or cancel a visit. A one-off job whose visit is skipped goes back
    to the waiting list; one whose visit is cancelled is cancelled."""
    visit = find_visit(session, tenant_id, visit_id, lock=True)
    require_scheduled(visit, "skipped" if status == "skipped" else "cancelled")
    job = session.get(Job, visit.job_id)
    visit.status, visit.updated_at = status, utcnow()
    if job.recurrence == "once" and status == "skipped":
        job.status, job.updated_at = "unscheduled", utcnow()
    else:
        top_up(session, job, today)
        settle_one_off(session, job)
    return visit


def move(session, tenant_id, visit_id, data, today):
    values = load_or_raise(VisitMoveInput, data)
    check_date("scheduled_on", values["scheduled_on"], today)
    visit = find_visit(session, tenant_id, visit_id, lock=True)
    require_scheduled(visit, "moved")
    if visit.scheduled_on != values["scheduled_on"]:
        visit.reminded_at = None  # a new day: remind the day before it
    visit.scheduled_on, visit.window_start, visit.window_end = (values["scheduled_on"], values["window_start"],
                                                               values["window_end"])
    visit.updated_at = utcnow()
    return visit


def write_notes(session, tenant_id, visit_id, data):
    values = load_or_raise(VisitNotesInput, data)
    visit = find_visit(session, tenant_id, visit_id)
    visit.notes, visit.updated_at = values["notes"] or None, utcnow()
    return visit


def window_text(visit):
    if visit.window_start is None:
        return None
    return f"{visit.window_start:%H:%M}-{visit.window_end:%H:%M}"


def when_of(visit):
    """"2026-12-08 09:00-11:00": a visit's day and window, as the history's changes show them."""
    window = window_text(visit)
    return visit.scheduled_on.isoformat() + (f" {window}" if window else "")


def label(visit, job):
    """How a visit is named on a ticket and a calendar: "Weekly mowing on Tue 8 Dec 2026, 09:00-11:00"."""
    day, window = local_time.day_text(visit.scheduled_on), window_text(visit)
    if window:
        return _("%(service)s on %(day)s, %(window)s", service=job.title, day=day, window=window)
    return _("%(service)s on %(day)s", service=job.title, day=day)


def describe(visit, job, with_notes=True):
    return {"id": visit.id, "job_id": visit.job_id, "account_id": visit.account_id, "title": job.title,
            "scheduled_on": visit.scheduled_on.isoformat(),
            "window_start": visit.window_start.strftime("%H:%M") if visit.window_start else None,
            "window_end": visit.window_end.strftime("%H:%M") if visit.window_end else None,
            "status": visit.status, "notes": visit.notes if with_notes else None, "invoice_id": visit.invoice_id,
            "completed_at": iso_utc(visit.completed_at), "label": label(visit, job)}
