"""What keeps every page safe, staff's and clients' alike: the content security policy, where a form may
come from, where a sign-in may lead back to, and the policy of stored email shown in a frame."""
from urllib.parse import urlsplit

from flask import Response, render_template, request

from gateway.auth import read_cookie
from shared.errors import Unauthenticated
from shared.i18n import _

# Pages load only their own stylesheets and scripts; Pico draws checkboxes and select arrows
# with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
# An email shown in a frame gets a policy of its own: its inline styles may apply, nothing may
# run, and only our own pages may frame it.
EMAIL_FRAME_POLICY = "; ".join([
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src https: data:",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "sandbox",
])


def protect(response, policy=CONTENT_SECURITY_POLICY):
    """Give a page its content security policy and keep it out of every cache (it holds a CSRF token)."""
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def local_page(target, prefix, fallback):
    """Return ``target`` when it is a page of this site under ``prefix``, else ``fallback``."""
    target = target or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or not parts.path.startswith(prefix):
        return fallback
    return parts.path + (f"?{parts.query}" if parts.query else "")


def here():
    """Where to come back to after signing in: this page, or after a form post the page that showed the form."""
    return request.full_path.rstrip("?") if request.method == "GET" else request.path


def sign_in_notice():
    """What the sign-in page says about a session that ended or a sign-out, if anything."""
    if request.args.get("ended"):
        return _("Your session has ended. Please sign in again.")
    if request.args.get("signed_out"):
        return _("You are signed out.")
    if request.args.get("password_reset"):
        return _("Your password is changed. Sign in with the new one.")
    return None


def has_session(cookie_name, authenticate):
    """True when the browser carries a session cookie that ``authenticate()`` still accepts."""
    if read_cookie(cookie_name) is None:
        return False
    try:
        authenticate()
    except Unauthenticated:
        return False
    return True


def end_session(authenticate, sign_out):
    """Sign out the browser's session, if it still has one; ``authenticate()`` also checks the form's CSRF token."""
    try:
        authenticate()
    except Unauthenticated:
        return  # already signed out: the caller just forgets the cookie
    sign_out()


def email_document(html):
    """Serve stored, sanitised email HTML for a sandboxed frame, under a policy that runs nothing."""
    response = Response(render_template("staff/email_frame.html", html=html), mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
