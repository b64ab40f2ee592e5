"""Invitations: the staff invite a client, who sets a password (and a username) from the link."""
from datetime import timedelta

from sqlalchemy import func, select

from accounts import audit_facts, client_sessions, tokens
from accounts.clients import bulk_refusal, find_client
from accounts.models import ClientAccount, PortalLink, PortalUser, SignInToken, Tenant
from accounts.passwords import hash_client_password
from accounts.portal_users import activate, greeting_name, set_username
from accounts.sign_in import require_logins_on
from shared.clock import utcnow
from shared.errors import NotFound
from shared.i18n import _
from shared.events import PORTAL_INVITATION_ISSUED

INVITATION_TTL = timedelta(days=7)


def _invitee(session, tenant_id, client):
    """Return the portal user to invite for ``client``, new if the address has none yet."""
    user = session.scalar(select(PortalUser).where(PortalUser.tenant_id == tenant_id,
                                                   func.lower(PortalUser.email) == client.email.lower()))
    if user is None:
        user = PortalUser(tenant_id=tenant_id, email=client.email.lower(), created_at=utcnow())
        session.add(user)
        session.flush()
    return user


def _link_with_properties(session, user, client):
    properties = session.scalars(select(ClientAccount.id).where(ClientAccount.parent_id == client.id)).all()
    for account_id in (client.id, *properties):
        if session.get(PortalLink, (user.id, account_id)) is None:
            session.add(PortalLink(portal_user_id=user.id, account_id=account_id, rights="manage"))


def invite(session, outbox, tenant_id, client_id, settings):
    """Invite one client (again, if need be); return the row the staff's bulk action shows for it."""
    try:
        client = find_client(session, tenant_id, client_id)
    except NotFound as error:
        return bulk_refusal(client_id, error.message)
    if not client.email:
        return bulk_refusal(client_id, _("This client has no email address."))
    user = _invitee(session, tenant_id, client)
    if user.activated_at is not None:
        return bulk_refusal(client_id, _("Already has a portal account; send a password reset instead."))
    _link_with_properties(session, user, client)
    earlier = session.scalar(select(func.count(SignInToken.id)).where(
        SignInToken.portal_user_id == user.id, SignInToken.purpose == "invitation"))
    token, __ = tokens.new_token()
    row = tokens.issue(session, tenant_id, user, "invitation", INVITATION_TTL, token)
    outbox.add(session, PORTAL_INVITATION_ISSUED, {
        "portal_user_id": user.id, "email": user.email, "name": client.name,
        "tenant_slug": session.get(Tenant, tenant_id).slug, "token": token,
        "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)
    return {"client_id": client_id, "status": "resent" if earlier else "invited",
            "message": _("Invitation sent to %(email)s.", email=user.email)}


def live_invitation(session, tenant_id, token):
    """Return the invitation of ``token``, or raise NotFound when it is used, revoked or expired."""
    return tokens.live_link(session, tenant_id, "invitation", token)


def describe(session, invitation, settings):
    """Return what the registration page needs to show for ``invitation``."""
    user = session.get(PortalUser, invitation.portal_user_id)
    return {"email": user.email, "name": greeting_name(session, user),
            "needs_username": settings["use_usernames"],
            "min_password_length": settings["min_password_length"]}


def accept(session, outbox, invitation, values, settings, origin=None):
    """Set the invitee's password (and username), spend the link and open their first session."""
    require_logins_on(settings)
    user = session.get(PortalUser, invitation.portal_user_id)
    if settings["use_usernames"]:
        set_username(session, user, values.get("username"), required=True)
    user.password_hash = hash_client_password(values["password"], settings)
    if user.activated_at is None:
        audit_facts.for_user(session, outbox, user, "portal_account_activated",
                             "Activated their portal account from an invitation",
                             audit_facts.client_by(user, origin))
    activate(session, outbox, user, "invitation")
    invitation.used_at = utcnow()
    return client_sessions.start(session, user)
