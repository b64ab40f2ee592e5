"""Password resets: a link by email, asked for by the client or sent by the staff, guarded by security questions."""
from datetime import timedelta

from accounts import audit_facts, client_sessions, throttling, tokens
from accounts.clients import bulk_refusal, find_client, portal_user_of
from accounts.models import PortalUser, Tenant
from accounts.passwords import hash_client_password
from accounts.portal_users import activate, find_by_login, greeting_name
from accounts.security_questions import check_answers, questions_of
from shared.clock import utcnow
from shared.errors import NotFound
from shared.i18n import _
from shared.events import PASSWORD_RESET_ISSUED

RESET_TTL = timedelta(hours=1)


def request_reset(session, outbox, tenant_id, values, address, settings):
    """Send a reset link to the login's email; answer the same whether or not the login exists."""
    user = find_by_login(session, tenant_id, values["login"], settings)
    who = throttling.login_identity(user, values["login"])
    throttling.count(session, throttling.PASSWORD_RESET, throttling.client_buckets(tenant_id, who, address))
    if user is not None and settings["enable_logins"]:
        send_link(session, outbox, tenant_id, user)
    return {}


def send_link(session, outbox, tenant_id, user):
    """Issue a reset link for ``user`` and queue the email that carries it."""
    token, __ = tokens.new_token()
    row = tokens.issue(session, tenant_id, user, "reset", RESET_TTL, token)
    outbox.add(session, PASSWORD_RESET_ISSUED, {
        "portal_user_id": user.id, "email": user.email, "name": greeting_name(session, user),
        "tenant_slug": session.get(Tenant, tenant_id).slug, "token": token,
        "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)


def send_for_client(session, outbox, tenant_id, client_id):
    """Send a reset link to the client's portal user; return the row the staff's bulk action shows for it."""
    try:
        client = find_client(session, tenant_id, client_id)
    except NotFound as error:
        return bulk_refusal(client_id, error.message)
    linked = portal_user_of(session, client)
    if linked is None:
        return bulk_refusal(client_id, _("This client has no portal account."))
    send_link(session, outbox, tenant_id, linked.PortalUser)
    return {"client_id": client_id, "status": "sent",
            "message": _("Reset link sent to %(email)s.", email=linked.PortalUser.email)}


def live_reset(session, tenant_id, token):
    """Return the reset link of ``token``, or raise NotFound when it is used, revoked or expired."""
    return tokens.live_link(session, tenant_id, "reset", token)


def describe(session, reset, settings):
    """Return what the reset page needs to show for ``reset``."""
    return {"security_questions": questions_of(session.get(PortalUser, reset.portal_user_id), settings),
            "min_password_length": settings["min_password_length"]}


def reset_password(session, outbox, reset, values, settings, address=None, origin=None):
    """Check the answers, set the new password, spend the link, end every other session and open one."""
    user = session.get(PortalUser, reset.portal_user_id)
    with throttling.attempt(session, throttling.SECURITY_ANSWER,
                            throttling.client_buckets(user.tenant_id, f"user:{user.id}", address)):
        check_answers(user, values["answers"], settings)
    user.password_hash = hash_client_password(values["password"], settings)
    activate(session, outbox, user, "password_reset")
    audit_facts.for_user(session, outbox, user, "password_changed", "Set a new password with a reset link",
                         audit_facts.client_by(user, origin))
    reset.used_at = utcnow()
    client_sessions.end_all(session, user)
    return client_sessions.start(session, user)
