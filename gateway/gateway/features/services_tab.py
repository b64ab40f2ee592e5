"""The client's Services tab: billing owns the jobs, visits and the settings that show each part; this asks it for
the client's account (the passport names it), and turns a calendar token into the iCalendar file a calendar app
subscribes to (with the maintained ``icalendar`` library)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g, url_for

from gateway.features import tab_bar
from gateway.services import rpc
from shared.i18n import _

PRODUCT_ID = "-//Portico//Client portal visits//EN"


def billing(method, *args):
    return rpc().call("billing", method, *args)


def my_services():
    """The tab: each part the business shows (upcoming, history, waiting_list, paused); 403 when none is."""
    return billing("my_services")


def my_visit(visit_id):
    return billing("my_visit", visit_id)


def my_next_visit():
    return billing("my_next_visit")


def services_shown():
    """Whether the client's Services tab is shown (features/tab_bar.py): all parts off, or billing down, hides it."""
    return tab_bar.shown()["services"]


def calendar_address(token):
    return url_for("calendar.calendar_file", feed_token=token, _external=True)


def make_calendar():
    """A new secret calendar address for the account (the old one stops working): ``{url, calendar}``."""
    made = billing("make_my_calendar", g.portal_tenant["display_name"])
    return {"url": calendar_address(made["token"]), "calendar": made["calendar"]}


def revoke_calendar():
    return billing("revoke_my_calendar")


# --- the calendar file ------------------------------------------------------------------------------------------

def event_times(event, zone):
    """DTSTART and DTEND of a visit: its window in the business's time zone, or the whole day without one."""
    day = date.fromisoformat(event["scheduled_on"])
    if not event["window_start"]:
        return day, day + timedelta(days=1)
    start = datetime.combine(day, time.fromisoformat(event["window_start"]), tzinfo=zone)
    end = (datetime.combine(day, time.fromisoformat(event["window_end"]), tzinfo=zone)
           if event["window_end"] else start + timedelta(hours=1))
    return start, end


def calendar_event(event, business_name, zone):
    from icalendar import Event  # here, as in calendar_file

    entry = Event()
    entry.add("uid", event["uid"])
    entry.add("dtstamp", datetime.fromisoformat(event["updated_at"]))
    start, end = event_times(event, zone)
    entry.add("dtstart", start)
    entry.add("dtend", end)
    entry.add("summary", f"{event['title']} ({business_name})" if business_name else event["title"])
    if event.get("notes"):
        entry.add("description", event["notes"])
    return entry


def calendar_file(token):
    """The .ics bytes of the visits ``token`` opens (billing answers NotFound for any other token)."""
    # icalendar (and dateutil, ~3 MB) loaded by the first calendar app to subscribe, not by every gateway worker
    from icalendar import Calendar

    feed = rpc().call("billing", "calendar_feed", token)
    zone = ZoneInfo(feed["time_zone"])
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("%(business)s visits", business=feed['business_name']).strip())
    calendar.add("x-wr-timezone", feed["time_zone"])
    for event in feed["events"]:
        calendar.add_component(calendar_event(event, feed["business_name"], zone))
    calendar.add_missing_timezones()
    return calendar.to_ical()
