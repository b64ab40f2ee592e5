"""Where a state-changing request comes from: one that a browser says came from another site is refused.

Every POST, PUT, PATCH and DELETE, to the pages and to the API alike, is checked before its view runs:
- ``Sec-Fetch-Site`` (sent by current browsers on every request) must be ``same-origin`` (or ``none``: the
  person started it in the browser itself); ``same-site`` and ``cross-site`` are refused;
- without it, an ``Origin`` header (sent by browsers on every cross-origin POST) must name this host; ``null``
  (a sandboxed frame, a privacy-hiding redirect) is refused;
- a request with neither header is not from a browser (or from one too old to say): it passes, since it cannot
  carry a victim's cookie without the browser naming the site, and a cookie-carried session still needs its CSRF
  token (gateway/auth.py). API clients that send a bearer token need neither header.
"""
from urllib.parse import urlsplit

from flask import request

from shared.errors import PermissionDenied
from shared.i18n import N_, _

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED_FETCH_SITES = {"same-origin", "none"}
FROM_ANOTHER_SITE = N_("This request came from another site and was refused. "
                       "Use this site's own pages, or call the API without a browser.")


def from_another_site():
    """True when the browser says the request was made by a page of another origin."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in ALLOWED_FETCH_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin.strip())
    # Host and port, not scheme: behind a proxy that ends TLS the request itself arrives over plain http.
    return parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower()


def refuse_cross_site_changes():
    """A before-request hook: refuse (403) a state-changing request that came from another site."""
    if request.method in STATE_CHANGING and from_another_site():
        raise PermissionDenied(_(FROM_ANOTHER_SITE))
