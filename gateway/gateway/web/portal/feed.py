"""Client portal: the Notifications page (the account's feed, newest first, marked read one by one or all at
once) with its unread count in the navigation; the Announcements page; and the notice of the newest announcement
not yet dismissed, shown on the first page after signing in (a short-lived cookie set at sign-in says which page
that is) with a Dismiss button."""
import logging

from flask import Blueprint, g, redirect, request, url_for

from gateway.auth import clear_cookie, read_cookie, set_cookie
from gateway.features import announcements, feed
from gateway.portal_auth import client_required
from gateway.web.portal.base import local_page, page
from shared.errors import InvalidInput, PorticoError
from shared.i18n import N_, _

log = logging.getLogger(__name__)

blueprint = Blueprint("feed", __name__)
COUNT_TIMEOUT_SECONDS = 1.0  # the navigation waits this long for the count, then shows the page without it
NOTICE_SECONDS = 600  # how long after signing in the first page may take to be shown
NOTICES = {"read": N_("Marked as read."), "all_read": N_("All notifications are marked as read."),
           "dismissed": N_("Announcement dismissed. You can read it again under Announcements.")}


def notice_cookie():
    return f"portico_notice_{g.portal_slug}"


def after_sign_in(response):
    """Mark the browser that just signed in: its next page shows the sign-in notice."""
    return set_cookie(response, notice_cookie(), "1", max_age=NOTICE_SECONDS)


@blueprint.app_template_global()
def announcement_notice():
    """The announcement to show once, on the first page after signing in (None on any other page)."""
    if "announcement_notice" not in g:
        g.announcement_notice = None
        if read_cookie(notice_cookie()) is not None:
            g.clear_notice_cookie = True
            try:
                answer = g.get("my_announcements") or announcements.my_announcements(timeout=COUNT_TIMEOUT_SECONDS)
                g.announcement_notice = answer["notice"]  # Home asked already, with its panels
            except PorticoError as error:
                log.warning("first page after sign-in without the announcement notice: %s", error)
    return g.announcement_notice


@blueprint.after_app_request
def forget_notice(response):
    """The first page after signing in has shown the notice (or found none): no later page shows it."""
    if g.get("clear_notice_cookie"):
        clear_cookie(response, notice_cookie())
    return response


@blueprint.get("/notifications")
@client_required
def notification_list():
    before = request.args.get("before", "")
    if before and not (before.isdigit() and len(before) <= 18):
        raise InvalidInput(_("That page of notifications does not exist."), {"before": [_("Not a notification.")]})
    listing = feed.my_feed(before_id=int(before) if before else None)
    g.unread_feed = listing["unread"]
    done = request.args.get("done", "")
    return page("notifications.html", tab="notifications", items=listing["items"], next=listing["next"],
                unread=listing["unread"], notice=_(NOTICES[done]) if done in NOTICES else None)


def back(done):
    """Back to the page the form was on (``next``, one of this portal's), else the Notifications page."""
    if request.form.get("next"):
        return redirect(local_page(request.form.get("next")), 303)
    return redirect(url_for(".notification_list", done=done), 303)


@blueprint.post("/notifications/read")
@client_required
def mark_read():
    values = request.form.getlist("item_ids")
    if not values or not all(value.isdigit() and len(value) <= 18 for value in values):
        raise InvalidInput(_("The list of notifications is not valid. Reload the page and try again."),
                           {"item_ids": [_("Not a list of notification numbers.")]})
    feed.mark_read(sorted({int(value) for value in values}))
    return back("read")


@blueprint.post("/notifications/read-all")
@client_required
def mark_all_read():
    feed.mark_all_read()
    return back("all_read")


@blueprint.get("/announcements")
@client_required
def announcement_list():
    return page("announcements.html", tab="notifications", announcements=announcements.my_announcements()["items"])


@blueprint.post("/announcements/<int:announcement_id>/dismiss")
@client_required
def dismiss(announcement_id):
    announcements.dismiss_notice(announcement_id)
    return back("dismissed")
