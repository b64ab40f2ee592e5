"""Client portal pages, Services tab: upcoming visits as cards (date, window, job, status and notes when shown) with
the requests each allows, the waiting list, paused services and service history (each when the business shows it),
and the "Subscribe to your calendar" box (make an address, copy it, revoke it)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Blueprint, request, url_for

from gateway.features import services_tab
from gateway.portal_auth import client_required
from gateway.services import rpc
from gateway.web.portal.base import go, page
from shared.i18n import N_, _, locale_of

blueprint = Blueprint("services", __name__)
NOTICES = {"revoked": N_("Your calendar address was revoked: calendar apps no longer receive your visits.")}
REQUEST_PAGES = ("reschedule", "cancel", "ticket")  # the pages a visit card links to, under .../visits/<id>/


@blueprint.app_context_processor
def services_tab_helpers():
    return {"services_shown": services_tab.services_shown, "visit_link": visit_link,
            "service_request_link": service_request_link}


def visit_link(visit_id, action):
    """The page where the client asks to ``action`` (reschedule, cancel, ticket) about a visit."""
    return f"{url_for('portal.services.services_tab_page')}/visits/{int(visit_id)}/{action}"


def service_request_link():
    return f"{url_for('portal.services.services_tab_page')}/request"


@blueprint.app_template_filter("visit_day")
def visit_day(iso_date):
    """A visit's date as clients read it: "Tue 8 Dec 2026" ("mar 8 dic 2026" in Spanish)."""
    return format_date(date.fromisoformat(iso_date), "EEE d MMM y", locale=locale_of())


@blueprint.app_template_filter("local_moment")
def local_moment(iso_moment, zone_name):
    """A UTC moment in the business's time zone: "Mon 7 Dec 2026, 09:00"."""
    zone = ZoneInfo(zone_name)
    return format_datetime(datetime.fromisoformat(iso_moment).astimezone(zone), "EEE d MMM y, HH:mm", tzinfo=zone,
                           locale=locale_of())


def render_services(made=None, status=200):
    """The tab, with the Tickets tab's own options deciding "Ask about this visit" (tickets owns that setting)."""
    results = rpc().call_parallel({"services": ("billing", "my_services", ()),
                                   "tickets": ("tickets", "my_ticket_options", ())})
    data = results["services"]
    if isinstance(data, Exception):
        raise data
    options = results["tickets"]
    may_ask = not isinstance(options, Exception) and options["tickets_enabled"]
    notice = request.args.get("notice", "")
    return page("services.html", status, tab="services", data=data, may_ask=may_ask, made=made,
                notice=_(NOTICES[notice]) if notice in NOTICES else None)


@blueprint.get("/services")
@client_required
def services_tab_page():
    return render_services()


@blueprint.post("/services/calendar")
@client_required
def make_calendar():
    """Make a new address and show it this once (it is not kept, so it cannot be shown again)."""
    return render_services(made=services_tab.make_calendar())


@blueprint.post("/services/calendar/revoke")
@client_required
def revoke_calendar():
    services_tab.revoke_calendar()
    return go("portal.services.services_tab_page", notice="revoked")
