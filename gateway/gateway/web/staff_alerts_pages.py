"""Staff page: the signed-in staff member's alerts about client actions, newest first, unread marked;
and the unread count beside "Alerts" in every staff page's navigation."""
import logging

from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.api.staff_alerts import LIMIT_MAX, mark_read, my_alerts
from gateway.services import rpc
from gateway.web import pages
from gateway.web.pages import staff_page
from gateway.web.staff_billing_pages import client_names
from shared.errors import InvalidInput, PorticoError

log = logging.getLogger(__name__)

blueprint = Blueprint("staff_alerts_pages", __name__, url_prefix="/staff")
blueprint.after_request(pages.protect_page)

NOTICES = {"read": "All alerts on this page are marked as read."}
# The navigation waits this long for the count, then shows the page without it.
COUNT_TIMEOUT_SECONDS = 1.0


@blueprint.app_template_global()
def unread_alert_count():
    """How many alerts the signed-in staff member has not read; None when notifications cannot say."""
    if "unread_alerts" not in g:
        try:
            g.unread_alerts = rpc().call("notifications", "count_my_unread_alerts", timeout=COUNT_TIMEOUT_SECONDS)
        except PorticoError as error:
            log.warning("staff navigation without the unread alert count: %s", error)
            g.unread_alerts = None
    return g.unread_alerts


@blueprint.get("/alerts")
@staff_page
def alerts():
    listing = my_alerts(limit=LIMIT_MAX)
    unread_ids = [alert["id"] for alert in listing["items"] if not alert["read"]]
    g.unread_alerts = listing["unread"]
    names = client_names({alert["account_id"] for alert in listing["items"] if alert["account_id"]})
    return render_template("staff/alerts.html", alerts=listing["items"], unread=listing["unread"],
                           unread_ids=unread_ids, limit=LIMIT_MAX, names=names,
                           notice=NOTICES.get(request.args.get("done", "")))


@blueprint.post("/alerts/read")
@staff_page
def mark_all_read():
    """Mark the unread alerts the page showed as read (an alert that came in since stays unread)."""
    values = request.form.getlist("alert_ids")
    if not all(value.isdigit() and len(value) <= 18 for value in values):
        raise InvalidInput("The list of alerts is not valid. Reload the page and try again.",
                           {"alert_ids": ["Not a list of alert numbers."]})
    if values:
        mark_read(sorted({int(value) for value in values}))
    return redirect(url_for(".alerts", done="read"), 303)
