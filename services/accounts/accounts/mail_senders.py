"""Who wrote to a business's support address: the client account an email address belongs to.

Asked by tickets for mail to ``support+<slug>@<INBOUND_MAIL_DOMAIN>`` (notifications' SMTP endpoint), with no
passport: anyone on the bus may ask, so the answer is ids only, for one exact address of one business. The
address is a client account's contact email (the oldest such main account, then related property) or a portal
user's email (their first linked account, as the portal's account switcher orders them).
"""
from sqlalchemy import func, select

from accounts import tenants
from accounts.models import ClientAccount, PortalUser
from accounts.portal_users import linked_accounts

EMAIL_MAX = 254


def find_sender(session, slug, email):
    """Return ``{tenant_id, account_id, portal_user_id}`` of ``email`` at the business ``slug``.

    ``account_id`` and ``portal_user_id`` are None when the address is no client's; an unknown slug is NotFound.
    """
    tenant = tenants.find_by_slug(session, slug)
    address = str(email or "").strip().lower()[:EMAIL_MAX]
    found = {"tenant_id": tenant.id, "account_id": None, "portal_user_id": None}
    if "@" not in address:
        return found
    user = session.scalar(select(PortalUser).where(PortalUser.tenant_id == tenant.id,
                                                   func.lower(PortalUser.email) == address))
    account_id = session.scalar(
        select(ClientAccount.id).where(ClientAccount.tenant_id == tenant.id, func.lower(ClientAccount.email) == address)
        .order_by(ClientAccount.parent_id.is_not(None), ClientAccount.id).limit(1))
    linked = [item["id"] for item in linked_accounts(session, user)] if user is not None else []
    if account_id is None and linked:
        account_id = linked[0]
    if account_id is not None:
        found.update(account_id=account_id, portal_user_id=user.id if account_id in linked else None)
    return found
