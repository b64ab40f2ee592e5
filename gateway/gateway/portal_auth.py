"""Who is calling the client portal: the business from the URL's slug, and the client's session.

Pages carry the session in an HttpOnly cookie named for the business (``__Host-portico_client_<slug>``:
the ``__Host-`` prefix needs Path=/, so the name, not the path, keeps one business's session apart from
another's) and send a CSRF token with every state-changing form; API clients send
``Authorization: Bearer <token>``. accounts refuses a session of another business.
"""
from flask import g

from gateway import cached
from gateway.auth import clear_cookie, resolve_session, set_cookie, signed_in
from gateway.i18n import choose_language

CODE_ATTEMPT_SECONDS = 10 * 60


def use_tenant(slug):
    """Resolve the business named in the URL and scope every further call of the request to it."""
    g.portal_slug = slug
    found = cached.tenant_by_slug(slug)
    g.portal_tenant = {key: value for key, value in found.items() if key != "passport"}
    g.rpc_context["passport"] = found["passport"]
    choose_language(g.portal_tenant)
    return g.portal_tenant


def scope_to_business(blueprint):
    """Scope every request of ``blueprint`` (and the blueprints nested in it) to the business its ``<slug>`` names.

    The one place the portal's pages and API resolve the business: views take no ``slug`` argument, and
    ``url_for`` fills it in from the current request.
    """

    @blueprint.url_value_preprocessor
    def take_slug(endpoint, values):
        g.portal_slug = values.pop("slug")

    @blueprint.url_defaults
    def add_slug(endpoint, values):
        values.setdefault("slug", g.portal_slug)

    @blueprint.before_request
    def resolve_business():
        use_tenant(g.portal_slug)

    return blueprint


def authenticate_client():
    """Resolve the caller's client session into ``g``; raise Unauthenticated when there is none."""
    g.client_token, session = resolve_session(client_cookie(), "resolve_client_session", cached.CLIENT)
    g.client_session = session
    g.rpc_context["passport"] = session["passport"]
    choose_language(g.get("portal_tenant"), session.get("language"))
    return session


# Run the page only for a signed-in client of the business in the URL.
client_required = signed_in(authenticate_client)


def portal_path(slug):
    return f"/p/{slug}/"


def client_cookie():
    """The (unprefixed) name of the session cookie of the business in the URL."""
    return f"portico_client_{g.portal_slug}"


def code_attempt_cookie():
    """The (unprefixed) name of the cookie that ties a one-time code to the browser that asked for it."""
    return f"portico_code_attempt_{g.portal_slug}"


def set_client_cookie(response, token):
    return set_cookie(response, client_cookie(), token)


def clear_client_cookie(response):
    return clear_cookie(response, client_cookie())


def set_code_attempt_cookie(response, attempt):
    return set_cookie(response, code_attempt_cookie(), attempt, max_age=CODE_ATTEMPT_SECONDS)


def clear_code_attempt_cookie(response):
    return clear_cookie(response, code_attempt_cookie())
