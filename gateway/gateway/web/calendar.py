"""GET /calendar/<token>.ics: a client's upcoming visits as an iCalendar file for their calendar app to subscribe to.

No session: the secret token in the URL is the whole credential (billing keeps only its hash, and a new address or
a revocation ends it). A token of the wrong shape names nothing and is not sent on; revoked or unknown ones are not
found. The file stays out of shared caches and search engines.
"""
import re

from flask import Blueprint, Response, abort

from gateway.features import services_tab

blueprint = Blueprint("calendar", __name__)
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
CACHE = "private, max-age=300"


@blueprint.get("/calendar/<feed_token>.ics")
def calendar_file(feed_token):
    if not TOKEN.fullmatch(feed_token):
        abort(404)
    response = Response(services_tab.calendar_file(feed_token), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="visits.ics"'
    response.headers["Cache-Control"] = CACHE
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
