"""Who is calling: staff sessions by bearer token (API clients) or cookie (pages), with CSRF; the cookies.

Every cookie is HttpOnly, SameSite=Lax, Path=/ and, unless SECURE_COOKIES is turned off for a plain-http
local run, Secure with the ``__Host-`` prefix (so no other host or path can set or shadow it).
"""
import functools
import hmac

from flask import current_app, g, request

from gateway import cached
from gateway.i18n import choose_language
from shared.errors import PermissionDenied, Unauthenticated
from shared.i18n import _

STAFF_COOKIE = "portico_staff"
STAFF_PENDING_COOKIE = "portico_staff_pending"  # a sign-in waiting for its second step
PENDING_SECONDS = 10 * 60
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def resolve_session(cookie_name, accounts_method, kind=cached.STAFF):
    """Return ``(token, session)`` for the caller: a bearer token, else the cookie ``cookie_name``.

    accounts resolves the token with ``accounts_method`` (its answer kept a while: gateway/cached.py). A
    state-changing request carried by the cookie must also send the session's CSRF token (a header or the
    form's ``csrf_token``).
    """
    token = bearer_token()
    from_cookie = token is None
    if from_cookie:
        token = read_cookie(cookie_name)
    if not token:
        raise Unauthenticated(_("Please sign in."))
    session = cached.session(kind, accounts_method, token)
    if from_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
        if not hmac.compare_digest(sent, session["csrf_token"]):
            raise PermissionDenied(_("The form has expired. Reload the page and try again."))
    g.csrf_token = session["csrf_token"]
    return token, session


def signed_in(authenticate):
    """A view decorator that runs the view only once ``authenticate()`` found the caller."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            authenticate()
            return view(*args, **kwargs)

        return wrapper

    return decorator


def authenticate_staff():
    """Resolve the caller's staff session into ``g``; raise Unauthenticated when there is none."""
    g.session_token, who = resolve_session(STAFF_COOKIE, "resolve_staff_session")
    g.staff = who["user"]
    g.tenant = who["tenant"]
    # Every further call of this request carries the passport accounts signed for this staff member.
    g.rpc_context["passport"] = who["passport"]
    choose_language(g.tenant)
    return who


def cookie_name(name):
    """The name a cookie goes by: ``__Host-<name>`` when cookies are Secure, as they are but on plain http."""
    return f"__Host-{name}" if current_app.config["SECURE_COOKIES"] else name


def read_cookie(name):
    return request.cookies.get(cookie_name(name))


def set_cookie(response, name, value, max_age=None):
    """Set the cookie ``name`` as every Portico cookie is set (see the module's docstring)."""
    # SameSite=Lax, not Strict: a link to a page from an email or another site must arrive signed in;
    # Lax still keeps the cookie off every cross-site POST, and the origin check and CSRF token stand behind it.
    response.set_cookie(cookie_name(name), value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=current_app.config["SECURE_COOKIES"], path="/")
    return response


def clear_cookie(response, name):
    response.delete_cookie(cookie_name(name), path="/", httponly=True, samesite="Lax",
                           secure=current_app.config["SECURE_COOKIES"])
    return response


def set_staff_cookie(response, token):
    return set_cookie(response, STAFF_COOKIE, token)


def clear_staff_cookie(response):
    return clear_cookie(response, STAFF_COOKIE)
