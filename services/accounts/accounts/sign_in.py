"""Client sign-in with a password, and the General tab's switches that allow signing in at all."""
from accounts import audit_facts, client_sessions, throttling
from accounts.passwords import verify_password
from accounts.portal_users import find_by_login, linked_accounts
from accounts.sessions import WRONG_CREDENTIALS
from shared.errors import PermissionDenied, Unauthenticated
from shared.i18n import N_, _

LOGINS_OFF = N_("Signing in to this portal is turned off. Please contact the business.")


def require_logins_on(settings):
    """Refuse when the General tab turned signing in to the portal off."""
    if not settings["enable_logins"]:
        raise PermissionDenied(_(LOGINS_OFF))


def require_method(settings, method):
    """Refuse when signing in, or signing in by ``method``, is turned off for the portal."""
    require_logins_on(settings)
    if method not in settings["login_methods"]:
        raise PermissionDenied(_("That way of signing in is turned off for this portal."))


def with_password(session, outbox, tenant_id, values, address, settings, origin=None):
    """Open a session for the login and password in ``values``; the same refusal for every wrong pair.

    A known portal user's failed try is a ``sign_in_failed`` fact on their accounts (the answer says nothing of
    it); a sign-in is ``signed_in``, both from ``origin`` (the gateway's ``{ip, device}``)."""
    require_method(settings, "password")
    user = find_by_login(session, tenant_id, values["login"], settings)
    who = throttling.login_identity(user, values["login"])
    with throttling.attempt(session, throttling.SIGN_IN, throttling.client_buckets(tenant_id, who, address)):
        hash_ = user.password_hash if user else None
        if not verify_password(hash_, values["password"]) or not linked_accounts(session, user):
            failed(session, outbox, user, origin, "a wrong password")
            raise Unauthenticated(_(WRONG_CREDENTIALS))
    signed_in(session, outbox, user, origin, "a password")
    return client_sessions.start(session, user)


def signed_in(session, outbox, user, origin, way):
    audit_facts.for_user(session, outbox, user, "signed_in", f"Signed in with {way}",
                         audit_facts.client_by(user, origin))


def failed(session, outbox, user, origin, way):
    """A known user's failed sign-in (committed with the throttle's count, though the call fails)."""
    if user is not None:
        audit_facts.for_user(session, outbox, user, "sign_in_failed", f"Failed to sign in with {way}",
                             audit_facts.client_by(user, origin))
