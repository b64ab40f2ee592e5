"""The client's Services tab: upcoming visits, service history, the waiting list and paused services, each part only
when the business shows it (Services tab settings), with the job status and service notes on the cards only when
those are shown too. A part that is off is left out of the answer, not sent empty.

Everything here is read for one account, the one the caller's passport acts for (the entrypoints pass it); a visit
or job of another account is not found. Plain functions over a session.
"""
from collections import namedtuple

from sqlalchemy import bindparam, select

from billing import local_time, visits
from billing.field_models import Visit
from billing.models import Job
from shared.clock import as_utc, iso_utc, utcnow
from shared.errors import NotFound, PermissionDenied
from shared.i18n import N_, _

# Each part of the tab and the setting that shows it.
PARTS = {"upcoming": "show_scheduled_visits", "history": "show_service_history",
         "waiting_list": "show_unscheduled_jobs", "paused": "show_paused_services"}
# Details on the cards and the setting that shows each.
DETAILS = {"job_status": "show_job_status", "service_notes": "show_service_notes"}
HIDDEN = {"upcoming": N_("Upcoming visits are not shown in this portal."),
          "history": N_("Service history is not shown in this portal.")}
TAB_HIDDEN = N_("The Services tab is not shown in this portal.")
# Caps that keep the whole tab under three quarters of a message (64 KiB) with every text at its longest
# (tests/test_services_tab.py): twelve weeks of a weekly job and more; the full notes on the visit's own card.
UPCOMING_LIMIT = 20
HISTORY_LIMIT = 10
JOBS_LIMIT = 10
NOTES_IN_LISTS = 300
HISTORY_STATUSES = ("completed", "skipped")
# What a client reads as a job's status when staff set none of their own.
STATUS_WORDS = {"unscheduled": N_("Waiting to be scheduled"), "scheduled": N_("Scheduled"), "paused": N_("Paused"),
                "completed": N_("Completed"), "cancelled": N_("Cancelled")}


def shown(settings):
    """``{part or detail: bool}``: what this business shows on the tab."""
    return {name: bool(settings[setting]) for name, setting in {**PARTS, **DETAILS}.items()}


def tab_shown(settings):
    """The tab is shown when at least one of its parts is (details alone show nothing)."""
    return any(settings[setting] for setting in PARTS.values())


def require_tab(settings):
    if not tab_shown(settings):
        raise PermissionDenied(_(TAB_HIDDEN))
    return settings


def require_part(settings, part):
    if not settings[PARTS[part]]:
        raise PermissionDenied(_(HIDDEN.get(part, TAB_HIDDEN)))
    return settings


# --- cards ----------------------------------------------------------------------------------------------------

def job_status(job):
    if job.client_status:
        return job.client_status
    return _(STATUS_WORDS[job.status]) if job.status in STATUS_WORDS else job.status


def with_details(card, job, settings, visit=None, notes_cap=None):
    """Add the job status and the visit's service notes (cut to ``notes_cap`` characters in a list, saying so) to
    ``card`` when the business shows them."""
    if settings["show_job_status"]:
        card["job_status"] = job_status(job)
    if visit is not None and settings["show_service_notes"]:
        notes = visit.notes
        card["notes_truncated"] = bool(notes and notes_cap and len(notes) > notes_cap)
        card["notes"] = notes[:notes_cap] if card["notes_truncated"] else notes
    return card


def request_flags(visit, settings, now=None):
    """What the client may ask about an upcoming visit: reschedule and cancel while the settings allow them and the
    cut-off has not passed; a ticket about it (the tickets service decides whether tickets are open)."""
    deadline = local_time.request_deadline(visit, settings)
    in_time = deadline is None or as_utc(now or utcnow()) < deadline
    return {"can_reschedule": bool(settings["allow_reschedule_requests"]) and in_time,
            "can_cancel": bool(settings["allow_cancel_requests"]) and in_time,
            "can_ask": True, "requests_until": iso_utc(deadline)}


def visit_card(visit, job, settings, upcoming, now=None, notes_cap=NOTES_IN_LISTS):
    card = {"id": visit.id, "job_id": job.id, "title": job.title, "scheduled_on": visit.scheduled_on.isoformat(),
            "window_start": visit.window_start.strftime("%H:%M") if visit.window_start else None,
            "window_end": visit.window_end.strftime("%H:%M") if visit.window_end else None,
            "status": visit.status, "completed_at": iso_utc(visit.completed_at)}
    if upcoming:
        card.update(request_flags(visit, settings, now))
    return with_details(card, job, settings, visit, notes_cap)


def job_card(job, settings):
    card = {"id": job.id, "title": job.title, "recurrence": job.recurrence, "interval_weeks": job.interval_weeks,
            "created_at": iso_utc(job.created_at)}
    if job.status == "paused":
        card.update({"pause_reason": job.pause_reason, "paused_at": iso_utc(job.paused_at)})
    return with_details(card, job, settings)


# --- the parts ------------------------------------------------------------------------------------------------

# What a visit card reads of a visit and of its job, as plain rows: Home shows the next visit on every page.
VisitFacts = namedtuple("VisitFacts", "id scheduled_on window_start window_end status notes completed_at")
JobFacts = namedtuple("JobFacts", "id title status client_status")
VISITS, JOBS = Visit.__table__, Job.__table__


def _account_cards(*conditions):
    """The account's visits (bound at each call) meeting ``conditions``, with what their cards read of their jobs."""
    return (select(*(VISITS.c[name] for name in VisitFacts._fields), *(JOBS.c[name] for name in JobFacts._fields))
            .join_from(VISITS, JOBS, JOBS.c.id == VISITS.c.job_id)
            .where(VISITS.c.tenant_id == bindparam("tenant_id"), VISITS.c.account_id == bindparam("account_id"),
                   *conditions))


# Built once, with the account, the day and the limit bound at each call.
UPCOMING = (_account_cards(VISITS.c.status == "scheduled", VISITS.c.scheduled_on >= bindparam("today"))
            .order_by(VISITS.c.scheduled_on, VISITS.c.window_start, VISITS.c.id).limit(bindparam("limit")))
HISTORY = (_account_cards(VISITS.c.status.in_(HISTORY_STATUSES))
           .order_by(VISITS.c.scheduled_on.desc(), VISITS.c.id.desc()).limit(bindparam("limit")))


def _cards(session, statement, values, settings, upcoming, now=None):
    split = len(VisitFacts._fields)
    return [visit_card(VisitFacts._make(row[:split]), JobFacts._make(row[split:]), settings, upcoming, now)
            for row in session.connection().execute(statement, values)]


def upcoming(session, tenant_id, account_id, settings, now=None, limit=UPCOMING_LIMIT):
    """The account's scheduled visits from the business's today on, soonest first."""
    values = {"tenant_id": tenant_id, "account_id": account_id, "today": local_time.today(settings, now),
              "limit": limit}
    return _cards(session, UPCOMING, values, settings, True, now)


def history(session, tenant_id, account_id, settings, limit=HISTORY_LIMIT):
    """The account's completed and skipped visits, newest first."""
    values = {"tenant_id": tenant_id, "account_id": account_id, "limit": limit}
    return _cards(session, HISTORY, values, settings, False)


def jobs_in(session, tenant_id, account_id, status, settings):
    """The account's jobs of ``status`` (unscheduled: the waiting list; paused), newest first."""
    rows = session.scalars(select(Job).where(Job.tenant_id == tenant_id, Job.account_id == account_id,
                                             Job.status == status)
                           .order_by(Job.created_at.desc(), Job.id.desc()).limit(JOBS_LIMIT)).all()
    return [job_card(job, settings) for job in rows]


def services_tab(session, tenant_id, account_id, settings, now=None):
    """The whole tab: each part whose setting is on, and what the page needs to draw it."""
    require_tab(settings)
    answer = {"time_zone": settings["time_zone"], "today": local_time.today(settings, now).isoformat(),
              "shown": shown(settings), "allow_service_requests": bool(settings["allow_service_requests"])}
    if settings["show_scheduled_visits"]:
        answer["upcoming"] = upcoming(session, tenant_id, account_id, settings, now)
    if settings["show_service_history"]:
        answer["history"] = history(session, tenant_id, account_id, settings)
    if settings["show_unscheduled_jobs"]:
        answer["waiting_list"] = jobs_in(session, tenant_id, account_id, "unscheduled", settings)
    if settings["show_paused_services"]:
        answer["paused"] = jobs_in(session, tenant_id, account_id, "paused", settings)
    return answer


def part_of(visit, settings, now=None):
    """Which part of the tab shows ``visit``: upcoming, history, or none (cancelled, or past and never done)."""
    if visit.status == "scheduled" and visit.scheduled_on >= local_time.today(settings, now):
        return "upcoming"
    return "history" if visit.status in HISTORY_STATUSES else None


def my_visit(session, tenant_id, account_id, visit_id, settings, now=None):
    """One card of the account's, when the part it belongs to is shown; another account's is not found."""
    require_tab(settings)
    visit = visits.find_visit(session, tenant_id, visit_id, account_id)
    part = part_of(visit, settings, now)
    if part is None:
        raise NotFound(_("No such visit."))
    require_part(settings, part)
    job = session.get(Job, visit.job_id)
    return {**visit_card(visit, job, settings, part == "upcoming", now, notes_cap=None), "part": part,
            "label": visits.label(visit, job), "time_zone": settings["time_zone"]}


def next_visit(session, tenant_id, account_id, settings, now=None):
    """For the home page: whether the tab is shown, and the next visit when upcoming visits are (else None)."""
    found = (upcoming(session, tenant_id, account_id, settings, now, limit=1)
             if settings["show_scheduled_visits"] else [])
    return {"tab_shown": tab_shown(settings), "upcoming_shown": bool(settings["show_scheduled_visits"]),
            "visit": found[0] if found else None, "time_zone": settings["time_zone"]}
