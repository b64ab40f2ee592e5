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


def authenticate_staff():
    """Resolve the caller's staff session into ``g``; raise Unauthenticated when there is none."""
    token = bearer_token()
    from_cookie = token is None
    if from_cookie:
        token = request.cookies.get(STAFF_COOKIE)
    if not token:
        raise Unauthenticated("Please sign in.")
    who = rpc().call("accounts", "resolve_staff_session", token)
    if from_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
        if not hmac.compare_digest(sent, who["csrf_token"]):
            raise PermissionDenied("The form has expired. Reload the page and try again.")
    g.session_token = token
    g.staff = who["user"]
    g.tenant = who["tenant"]
    g.csrf_token = who["csrf_token"]
    g.rpc_context.update(tenant_id=who["tenant"]["id"],
                         actor={"kind": "staff", "id": who["user"]["id"]})
    return who


def staff_required(view):
    """Run ``view`` only for a signed-in staff member."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        authenticate_staff()
        return view(*args, **kwargs)

    return wrapper


def set_staff_cookie(response, token):
    response.set_cookie(STAFF_COOKIE, token, httponly=True, samesite="Lax",
                        secure=current_app.config["SECURE_COOKIES"], path="/")
    return response


def clear_staff_cookie(response):
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response
