"""Jobs: created from the service list or by hand, waiting on the list until dispatched (scheduled), paused with a
reason and resumed, cancelled, and given the status the client reads. Plain functions; the caller commits."""
from datetime import timedelta

from sqlalchemy import select, update

from billing import service_list, visits
from billing.field_models import Visit
from billing.invoices import autopay_enrolled
from billing.job_schemas import ClientStatusInput, JobFiltersInput, NewJobInput, PauseInput, ResumeInput, ScheduleInput
from billing.models import Job
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, NotFound, invalid
from shared.i18n import N_, _
from shared import keyset
from shared.validation import load_or_raise

PAGE_DEFAULT, PAGE_MAX = 100, 200  # a page is also cut to three quarters of a message (shared/keyset.py)
# Why a job of each status cannot be scheduled, and why one cannot be cancelled again.
NOT_ON_THE_LIST = {
    "scheduled": N_("This job is scheduled; only a job on the waiting list can be scheduled."),
    "paused": N_("This job is paused; only a job on the waiting list can be scheduled."),
    "completed": N_("This job is completed; only a job on the waiting list can be scheduled."),
    "cancelled": N_("This job is cancelled; only a job on the waiting list can be scheduled."),
}
ALREADY_ENDED = {"completed": N_("This job is already completed."), "cancelled": N_("This job is already cancelled.")}


def find_job(session, tenant_id, job_id, account_id=None, lock=False):
    query = select(Job).where(Job.id == job_id)
    job = session.scalar(query.with_for_update() if lock else query)
    if job is None or job.tenant_id != tenant_id or (account_id is not None and job.account_id != account_id):
        raise NotFound(_("No such job."))
    return job


def _window(schedule):
    return schedule["window_start"], schedule["window_end"]


def create_job(session, tenant_id, data, today, origin="staff"):
    """A job for an account of the business (the caller confirmed it); it is on autopay when the account is
    enrolled now. With a schedule its visits are planned at once, else it waits on the list."""
    values = load_or_raise(NewJobInput, data)
    service = (service_list.find_service(session, tenant_id, values["service_id"])
               if values["service_id"] is not None else None)
    recurrence = values.get("recurrence") or (service.recurrence if service else "once")
    interval = values.get("interval_weeks") or (service.interval_weeks if service and recurrence ==
                                                 service.recurrence else None)
    if recurrence == "every_n_weeks" and not interval:
        raise invalid("interval_weeks", _("Say every how many weeks (2 to 52)."))
    price = values.get("price")
    job = Job(tenant_id=tenant_id, account_id=values["account_id"], service_id=values["service_id"],
              title=values.get("title") or service.name, price=price if price is not None else
              (service.price if service else 0), recurrence=recurrence,
              interval_weeks=interval if recurrence == "every_n_weeks" else None,
              bills_per_visit=values["bills_per_visit"], notes=values["notes"], origin=origin, status="unscheduled",
              autopay=autopay_enrolled(session, tenant_id, values["account_id"]), created_at=utcnow(),
              updated_at=utcnow())
    session.add(job)
    session.flush()
    if values["schedule"]:
        visits.check_date("schedule.start_on", values["schedule"]["start_on"], today)
        _dispatch(session, job, values["schedule"], today)
    return job


def _dispatch(session, job, schedule, today):
    job.status, job.updated_at = "scheduled", utcnow()
    visits.plan(session, job, schedule["start_on"], _window(schedule), today)


def schedule_job(session, tenant_id, job_id, data, today):
    """Dispatch a job from the waiting list: its first visit on ``start_on``, the next ones by its recurrence."""
    schedule = load_or_raise(ScheduleInput, data)
    visits.check_date("start_on", schedule["start_on"], today)
    job = find_job(session, tenant_id, job_id, lock=True)
    if job.status != "unscheduled":
        message = NOT_ON_THE_LIST.get(job.status)
        raise Conflict(_(message) if message else _("Only a job on the waiting list can be scheduled."))
    _dispatch(session, job, schedule, today)
    return job


def _drop_future_visits(session, job, today):
    """Cancel the job's visits still to come (they will not happen while it is paused or cancelled)."""
    session.execute(update(Visit).where(Visit.job_id == job.id, Visit.status == "scheduled",
                                        Visit.scheduled_on >= today)
                    .values(status="cancelled", updated_at=utcnow()))


def pause(session, tenant_id, job_id, data, today):
    values = load_or_raise(PauseInput, data)
    job = find_job(session, tenant_id, job_id, lock=True)
    if job.recurrence == "once" or job.status != "scheduled":
        raise Conflict(_("Only a scheduled recurring job can be paused."))
    _drop_future_visits(session, job, today)
    job.status, job.pause_reason, job.paused_at, job.updated_at = "paused", values["reason"], utcnow(), utcnow()
    return job


def resume(session, tenant_id, job_id, data, today):
    """Put a paused job back on the calendar from ``resume_on`` (today by default), in its last time window."""
    values = load_or_raise(ResumeInput, data or {})
    job = find_job(session, tenant_id, job_id, lock=True)
    if job.status != "paused":
        raise Conflict(_("Only a paused job can be resumed."))
    start = values["resume_on"] or today
    if start < today:
        raise invalid("resume_on", _("Resume today or later."))
    visits.check_date("resume_on", start, today)
    last = visits.job_visits(session, job)
    window = (last[-1].window_start, last[-1].window_end) if last else (None, None)
    job.status, job.pause_reason, job.paused_at, job.updated_at = "scheduled", None, None, utcnow()
    visits.plan(session, job, start, window, today)
    return job


def cancel(session, tenant_id, job_id, today):
    job = find_job(session, tenant_id, job_id, lock=True)
    if job.status in ("completed", "cancelled"):
        raise Conflict(_(ALREADY_ENDED[job.status]))
    _drop_future_visits(session, job, today)
    job.status, job.updated_at = "cancelled", utcnow()
    return job


def set_client_status(session, tenant_id, job_id, data):
    values = load_or_raise(ClientStatusInput, data)
    job = find_job(session, tenant_id, job_id)
    job.client_status, job.updated_at = values["client_status"], utcnow()
    return job


def next_visits(session, job_ids, today):
    """The next scheduled visit of each job, ``{job_id: Visit}``."""
    if not job_ids:
        return {}
    rows = session.scalars(select(Visit).where(Visit.job_id.in_(job_ids), Visit.status == "scheduled",
                                               Visit.scheduled_on >= today)
                           .order_by(Visit.job_id, Visit.scheduled_on, Visit.id)).all()
    found = {}
    for row in rows:
        found.setdefault(row.job_id, row)
    return found


def describe(job, next_visit=None):
    return {"id": job.id, "account_id": job.account_id, "service_id": job.service_id, "title": job.title,
            "price": job.price, "recurrence": job.recurrence, "interval_weeks": job.interval_weeks,
            "bills_per_visit": job.bills_per_visit, "status": job.status, "client_status": job.client_status,
            "pause_reason": job.pause_reason, "paused_at": iso_utc(job.paused_at), "notes": job.notes,
            "origin": job.origin, "autopay": job.autopay, "created_at": iso_utc(job.created_at),
            "next_visit": visits.describe(next_visit, job) if next_visit else None}


def list_jobs(session, tenant_id, filters, today):
    """One page of the jobs matching ``filters``, newest first: ``{"items", "next", "limit"}`` (shared/keyset.py)."""
    wanted = load_or_raise(JobFiltersInput, filters or {})
    scope = ["jobs", tenant_id, wanted["account_id"], wanted["status"]]
    key = keyset.decode(wanted["cursor"], (keyset.ID,), scope)
    query = select(Job).where(Job.tenant_id == tenant_id, keyset.after((Job.id,), key))
    for column in ("account_id", "status"):
        if wanted[column] is not None:
            query = query.where(getattr(Job, column) == wanted[column])
    rows = session.scalars(query.order_by(Job.id.desc()).limit(wanted["limit"] + 1)).all()
    upcoming = next_visits(session, [row.id for row in rows[:wanted["limit"]]], today)
    items, next_cursor = keyset.cut(rows, wanted["limit"], lambda row: (row.id,),
                                    lambda row: describe(row, upcoming.get(row.id)), scope)
    return {"items": items, "next": next_cursor, "limit": wanted["limit"]}


def job_detail(session, job, today, recent_days=365):
    """A job with its visits: the past year's and every one to come."""
    since = today - timedelta(days=recent_days)
    rows = [visit for visit in visits.job_visits(session, job) if visit.scheduled_on >= since]
    upcoming = next_visits(session, [job.id], today)
    return {**describe(job, upcoming.get(job.id)), "visits": [visits.describe(visit, job) for visit in rows]}
