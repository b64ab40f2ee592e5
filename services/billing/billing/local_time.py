"""The business's own clock: visit dates and time windows, the request cut-off and the autopay hour are all read
in the Services tab's ``time_zone``; what is stored as a moment stays in UTC."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from shared.clock import as_utc, utcnow
from shared.i18n import locale_of


def zone(settings):
    return ZoneInfo(settings["time_zone"])


def local_now(settings, now=None):
    """The business's wall-clock time now (or at ``now``, a UTC moment)."""
    return as_utc(now or utcnow()).astimezone(zone(settings))


def today(settings, now=None):
    return local_now(settings, now).date()


def visit_starts_at(visit, settings):
    """The UTC moment a visit begins: its date at the start of its window (midnight without one), local time."""
    local = datetime.combine(visit.scheduled_on, visit.window_start or time(0, 0), tzinfo=zone(settings))
    return local.astimezone(ZoneInfo("UTC"))


def request_deadline(visit, settings):
    """Until when a client may ask to move or cancel ``visit``: the cut-off before it starts (None: no cut-off)."""
    hours = settings["request_cutoff_hours"]
    return visit_starts_at(visit, settings) - timedelta(hours=hours) if hours else None


def describe_moment(moment, settings):
    """A moment as the business's clients read it: "Mon 7 Dec 2026, 09:00 (America/Chicago)"."""
    local = as_utc(moment).astimezone(zone(settings))
    return f"{format_datetime(local, 'EEE d MMM y, HH:mm', locale=locale_of())} ({settings['time_zone']})"


def day_text(day):
    """A date as the business's clients read it, in their language: "Mon 7 Dec 2026"."""
    return format_date(day, "EEE d MMM y", locale=locale_of())
