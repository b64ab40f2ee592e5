"""Staff page: the signed-in staff member's alerts about client actions, newest first, unread marked;
and the unread count beside "Alerts" in every staff page's navigation."""
import logging

from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.features import alerts
from gateway.features.alerts import LIMIT_MAX
from gateway.features.clients import client_names
from gateway.web.staff.base import staff_page
from gateway.web.forms import notice_of
from shared.errors import InvalidInput, PorticoError
from shared.i18n import N_, _

log = logging.getLogger(__name__)

blueprint = Blueprint("alerts", __name__)

NOTICES = {"read": N_("All alerts on this page are marked as read.")}
# The navigation waits this long for the count, then shows the page without it.
COUNT_TIMEOUT_SECONDS = 1.0


@blueprint.app_template_global()
def unread_alert_count():
    """Return how many alerts the signed-in staff member has not read; None when notifications cannot say."""
    if "unread_alerts" not in g:
        try:
            g.unread_alerts = alerts.unread_count(timeout=COUNT_TIMEOUT_SECONDS)
        except PorticoError as error:
            log.warning("staff navigation without the unread alert count: %s", error)
            g.unread_alerts = None
    return g.unread_alerts


@blueprint.get("/alerts")
@staff_page
def alert_list():
    listing = alerts.my_alerts(limit=LIMIT_MAX)
    unread_ids = [alert["id"] for alert in listing["items"] if not alert["read"]]
    g.unread_alerts = listing["unread"]
    names = client_names({alert["account_id"] for alert in listing["items"] if alert["account_id"]})
    return render_template("staff/alerts.html", alerts=listing["items"], unread=listing["unread"],
                           unread_ids=unread_ids, limit=LIMIT_MAX, names=names,
                           notice=notice_of(NOTICES, request.args.get("done", "")))


@blueprint.post("/alerts/read")
@staff_page
def mark_all_read():
    """Mark the unread alerts the page showed as read (an alert that came in since stays unread)."""
    values = request.form.getlist("alert_ids")
    if not all(value.isdigit() and len(value) <= 18 for value in values):
        raise InvalidInput(_("The list of alerts is not valid. Reload the page and try again."),
                           {"alert_ids": [_("Not a list of alert numbers.")]})
    if values:
        alerts.mark_read(sorted({int(value) for value in values}))
    return redirect(url_for(".alert_list", done="read"), 303)
