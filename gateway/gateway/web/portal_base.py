"""What every client-portal page shares: the business from the URL, headers that keep the page
private, the business's branding in templates, and one way to show errors or ask to sign in."""
from flask import g, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.portal_auth import CLIENT_COOKIE, clear_client_cookie, portal_blueprint
from gateway.web.pages import CONTENT_SECURITY_POLICY
from shared.errors import PorticoError, Unauthenticated


def portal_page_blueprint(name, import_name, frame_origin=None):
    """A blueprint of portal pages under ``/p/<slug>``.

    ``frame_origin``, a function, names the one other site whose pages these may show in frames
    (the payment processor's hosted forms).
    """
    blueprint = portal_blueprint(name, import_name, "/p/<slug>")

    @blueprint.after_request
    def protect_page(response):
        policy = CONTENT_SECURITY_POLICY + (f"; frame-src {frame_origin()}" if frame_origin else "")
        response.headers.setdefault("Content-Security-Policy", policy)
        # Portal pages hold a CSRF token and the client's details: no cache may keep them.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @blueprint.context_processor
    def branding():
        """Give templates the business (fresh once the client is known) and the client's session."""
        return {"business": g.get("business") or g.get("portal_tenant"), "session": g.get("client_session")}

    @blueprint.errorhandler(PorticoError)
    def portal_error(error):
        """Send a signed-out visitor to sign in; show any other error on the portal's error page."""
        if isinstance(error, Unauthenticated):
            return redirect_to_sign_in()
        status = status_of(error)
        return render_template("portal/error.html", message=error.message, status=status), status

    return blueprint


def redirect_to_sign_in():
    """Send the browser to the sign-in page, to come back here afterwards."""
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    had_session = CLIENT_COOKIE in request.cookies
    arguments = {} if here == url_for("portal_pages.home") else {"next": here}
    response = redirect(url_for("portal_pages.sign_in", ended=1 if had_session else None, **arguments), 303)
    return clear_client_cookie(response) if had_session else response
