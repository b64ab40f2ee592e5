"""Who is calling: staff sessions by bearer token (API clients) or cookie (pages), with CSRF."""
import functools
import hmac

from flask import current_app, g, request

from gateway.services import rpc
from shared.errors import PermissionDenied, Unauthenticated

STAFF_COOKIE = "portico_staff"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def resolve_session(cookie_name, accounts_method):
    """Return ``(token, session)`` for the caller: a bearer token, else the cookie ``cookie_name``.

    accounts resolves the token with ``accounts_method``. A state-changing request carried by the
    cookie must also send the session's CSRF token (a header or the form's ``csrf_token``).
    """
    token = bearer_token()
    from_cookie = token is None
    if from_cookie:
        token = request.cookies.get(cookie_name)
    if not token:
        raise Unauthenticated("Please sign in.")
    session = rpc().call("accounts", accounts_method, token)
    if from_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
        if not hmac.compare_digest(sent, session["csrf_token"]):
            raise PermissionDenied("The form has expired. Reload the page and try again.")
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
    return who


def set_staff_cookie(response, token):
    response.set_cookie(STAFF_COOKIE, token, httponly=True, samesite="Lax",
                        secure=current_app.config["SECURE_COOKIES"], path="/")
    return response


def clear_staff_cookie(response):
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response
