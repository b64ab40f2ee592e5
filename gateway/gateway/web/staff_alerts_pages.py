"""Staff page: the signed-in staff member's alerts about client actions, newest first, unread marked."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.api.staff_alerts import LIMIT_MAX, mark_read, my_alerts
from gateway.web import pages
from gateway.web.pages import staff_page
from shared.errors import InvalidInput

blueprint = Blueprint("staff_alerts_pages", __name__, url_prefix="/staff")
blueprint.after_request(pages.protect_page)

NOTICES = {"read": "All alerts on this page are marked as read."}


@blueprint.get("/alerts")
@staff_page
def alerts():
    listing = my_alerts(limit=LIMIT_MAX)
    unread_ids = [alert["id"] for alert in listing["items"] if not alert["read"]]
    return render_template("staff/alerts.html", alerts=listing["items"], unread=listing["unread"],
                           unread_ids=unread_ids, limit=LIMIT_MAX,
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
