"""Client sign-in with a password, and the General tab's switches that allow signing in at all."""
from accounts import client_sessions, throttling
from accounts.passwords import verify_password
from accounts.portal_users import find_by_login, linked_accounts
from accounts.sessions import WRONG_CREDENTIALS
from shared.errors import PermissionDenied, Unauthenticated

LOGINS_OFF = "Signing in to this portal is turned off. Please contact the business."


def require_logins_on(settings):
    """Refuse when the General tab turned signing in to the portal off."""
    if not settings["enable_logins"]:
        raise PermissionDenied(LOGINS_OFF)


def require_method(settings, method):
    """Refuse when signing in, or signing in by ``method``, is turned off for the portal."""
    require_logins_on(settings)
    if method not in settings["login_methods"]:
        raise PermissionDenied("That way of signing in is turned off for this portal.")


def with_password(session, tenant_id, values, address, settings):
    """Open a session for the login and password in ``values``; the same refusal for every wrong pair."""
    require_method(settings, "password")
    user = find_by_login(session, tenant_id, values["login"], settings)
    who = throttling.login_identity(user, values["login"])
    with throttling.attempt(session, throttling.SIGN_IN, throttling.client_buckets(tenant_id, who, address)):
        hash_ = user.password_hash if user else None
        if not verify_password(hash_, values["password"]) or not linked_accounts(session, user):
            raise Unauthenticated(WRONG_CREDENTIALS)
    return client_sessions.start(session, user)
