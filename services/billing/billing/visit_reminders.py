"""Visit reminders: the day before each scheduled visit, billing tells notifications to remind the client.

Every billing instance ticks (reminder_entrypoints.py). A tick looks, for each business with the Services tab's
``send_visit_reminders`` on and whose local time has reached ``REMINDER_FROM_HOUR``, for the scheduled visits of
tomorrow (its time zone) not reminded yet. Each visit is claimed by a conditional update (``reminded_at`` set only
while it is null) in the transaction that adds VISIT_REMINDER_DUE to the outbox: of instances ticking together
one update changes the row (PostgreSQL makes the others wait for its commit, then re-reads the row and finds it
taken; SQLite lets one writer in at a time), so a visit is reminded once. A visit moved to another day is
reminded again the day before its new date (visits.move clears ``reminded_at``).
"""
import logging
from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from billing import local_time
from billing.field_models import Visit
from billing.models import Job, platform
from billing.settings import TABS
from shared.clock import utcnow
from shared.events import VISIT_REMINDER_DUE
from shared.settings_store import read_settings

log = logging.getLogger(__name__)
REMINDER_FROM_HOUR = 8  # no reminder before 08:00 the day before, the business's time: nobody is texted at night
WAITING = (Visit.status == "scheduled", Visit.reminded_at.is_(None))


def payload(visit, job, settings):
    """The event of one visit: its service, and when in the business's time (ISO 8601 with its offset).

    A visit with no time window starts at local midnight and has no end ("during the day").
    """
    zone = local_time.zone(settings)
    starts = datetime.combine(visit.scheduled_on, visit.window_start or time(0, 0), tzinfo=zone)
    ends = datetime.combine(visit.scheduled_on, visit.window_end, tzinfo=zone) if visit.window_end else None
    return {"visit_id": visit.id, "account_id": visit.account_id, "service": job.title,
            "starts_at": starts.isoformat(), "ends_at": ends.isoformat() if ends else None, "place": None}


def claim(session, outbox, visit_id, settings, now):
    """Mark one visit reminded and add its event, in one transaction; False when another instance has it."""
    claimed = session.execute(update(Visit).where(Visit.id == visit_id, *WAITING).values(reminded_at=now))
    if claimed.rowcount != 1:
        session.rollback()
        return False
    visit = session.get(Visit, visit_id)
    outbox.add(session, VISIT_REMINDER_DUE, payload(visit, session.get(Job, visit.job_id), settings),
               tenant_id=visit.tenant_id)
    session.commit()
    return True


def remind_business(session, outbox, tenant_id, now):
    """Remind the clients of one business's visits of tomorrow; return how many this call reminded."""
    settings = read_settings(session, platform.tenant_settings, tenant_id, TABS, "services")
    local = local_time.local_now(settings, now)
    if not settings["send_visit_reminders"] or local.hour < REMINDER_FROM_HOUR:
        session.rollback()
        return 0
    tomorrow = local.date() + timedelta(days=1)
    visit_ids = session.scalars(select(Visit.id).where(Visit.tenant_id == tenant_id, Visit.scheduled_on == tomorrow,
                                                       *WAITING).order_by(Visit.id)).all()
    session.rollback()  # end the read: on SQLite it holds the write lock
    return sum(claim(session, outbox, visit_id, settings, now) for visit_id in visit_ids)


def tick(session, outbox, now=None):
    """Remind every business's clients of tomorrow's visits; return how many visits this call reminded."""
    now = now or utcnow()
    day = now.date()  # tomorrow somewhere on Earth is within a day of UTC's date
    tenant_ids = session.scalars(select(Visit.tenant_id).distinct().where(
        Visit.scheduled_on.between(day, day + timedelta(days=2)), *WAITING)).all()
    session.rollback()
    reminded = 0
    for tenant_id in tenant_ids:
        try:
            reminded += remind_business(session, outbox, tenant_id, now)
        except Exception:  # one business's trouble must not keep the others' reminders back
            session.rollback()
            log.exception("Visit reminders of tenant %s failed; the next tick tries again.", tenant_id)
    return reminded
