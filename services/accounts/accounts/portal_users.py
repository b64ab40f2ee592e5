"""Portal users and their links to client accounts: finding them, linking them, the staff's list of them."""
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from accounts.clients import find_client, portal_user_of
from accounts.models import ClientAccount, PortalLink, PortalUser, SignInToken
from shared.clock import as_utc, utcnow
from shared.errors import NotFound, invalid
from shared.i18n import _
from shared.events import PORTAL_USER_ACTIVATED


def find_by_login(session, tenant_id, login, settings):
    """Return the tenant's portal user whose email (or username, where used) is ``login``, or None."""
    login = login.strip().lower()
    match = func.lower(PortalUser.email) == login
    if settings["use_usernames"]:
        match = or_(match, func.lower(PortalUser.username) == login)
    return session.scalar(select(PortalUser).where(PortalUser.tenant_id == tenant_id, match))


def linked_accounts(session, user):
    """List the accounts ``user`` may act for, each ``{id, name, rights}``, the main accounts first."""
    rows = session.execute(select(ClientAccount, PortalLink.rights)
                           .join(PortalLink, PortalLink.account_id == ClientAccount.id)
                           .where(PortalLink.portal_user_id == user.id)
                           .order_by(ClientAccount.parent_id.is_not(None), ClientAccount.name)).all()
    return [{"id": account.id, "name": account.name, "rights": rights} for account, rights in rows]


def own_account(session, user):
    """The client account whose mobile number is ``user``'s, or None: a main account linked to them of which they
    are the first portal user (the one invited for it, as the staff's client page shows), the oldest if several.

    Its ``mobile_phone`` is the one number the client edits on the Account tab, staff edit on the client's page
    and sign-in codes go to; a person linked to someone else's account (a second user) never gets its number.
    """
    earlier = aliased(PortalLink)
    return session.scalars(
        select(ClientAccount).join(PortalLink, PortalLink.account_id == ClientAccount.id)
        .where(PortalLink.portal_user_id == user.id, ClientAccount.parent_id.is_(None),
               ~exists().where(earlier.account_id == ClientAccount.id, earlier.portal_user_id < user.id))
        .order_by(ClientAccount.id).limit(1)).first()


def activate(session, outbox, user, via):
    """Mark ``user``'s first password set and, that first time only, announce it (tickets shares the welcome
    document with their main accounts)."""
    if user.activated_at is not None:
        return
    user.activated_at = utcnow()
    main_accounts = session.scalars(select(ClientAccount.id).join(PortalLink, PortalLink.account_id == ClientAccount.id)
                                    .where(PortalLink.portal_user_id == user.id, ClientAccount.parent_id.is_(None))
                                    .order_by(ClientAccount.id)).all()
    outbox.add(session, PORTAL_USER_ACTIVATED, {"portal_user_id": user.id, "account_ids": list(main_accounts),
                                                "via": via}, tenant_id=user.tenant_id)


def greeting_name(session, user):
    """Return the name a message to ``user`` greets: their first account's, else their email."""
    accounts = linked_accounts(session, user)
    return accounts[0]["name"] if accounts else user.email


def set_username(session, user, username, required=False):
    """Give ``user`` a username not taken in the tenant, or none unless ``required``."""
    if not username:
        if required:
            raise invalid("username", _("Choose a username."))
        user.username = None
        return
    taken = session.scalar(select(PortalUser.id).where(
        PortalUser.tenant_id == user.tenant_id, func.lower(PortalUser.username) == username.lower(),
        PortalUser.id != user.id))
    if taken:
        raise invalid("username", _("That username is taken. Choose another."))
    user.username = username


def link_user(session, tenant_id, values):
    """Give a portal user ``rights`` on one of the tenant's accounts, or change the rights they have."""
    user = session.get(PortalUser, values["portal_user_id"])
    if user is None or user.tenant_id != tenant_id:
        raise NotFound(_("No such portal user."))
    find_client(session, tenant_id, values["account_id"])
    link = session.get(PortalLink, (user.id, values["account_id"]))
    if link is None:
        session.add(PortalLink(portal_user_id=user.id, account_id=values["account_id"],
                               rights=values["rights"]))
    else:
        link.rights = values["rights"]
    return {"portal_user_id": user.id, "account_id": values["account_id"], "rights": values["rights"]}


def list_portal_users(session, tenant_id, without_portal=False, query=None):
    """List the tenant's main accounts with their portal user, invited or registered, for the staff."""
    statement = select(ClientAccount).where(ClientAccount.tenant_id == tenant_id,
                                            ClientAccount.parent_id.is_(None))
    if query:
        pattern = f"%{str(query).lower()[:100]}%"
        statement = statement.where(or_(func.lower(ClientAccount.name).like(pattern),
                                        func.lower(ClientAccount.email).like(pattern)))
    rows = []
    for client in session.scalars(statement.order_by(ClientAccount.name, ClientAccount.id)):
        linked = portal_user_of(session, client)
        user = linked.PortalUser if linked else None
        activated = bool(user and user.activated_at)
        if without_portal and activated:
            continue
        invited_at = user and session.scalar(select(func.max(SignInToken.created_at)).where(
            SignInToken.portal_user_id == user.id, SignInToken.purpose == "invitation"))
        rows.append({"client_id": client.id, "client_name": client.name,
                     "email": client.email, "portal_user_id": user.id if user else None,
                     "has_account": activated, "activated": activated,
                     "invited_at": as_utc(invited_at).isoformat() if invited_at else None})
    return rows
