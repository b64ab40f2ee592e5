"""Clients and their related properties, as the staff create, change, find and list them."""
from sqlalchemy import func, or_, select

from accounts.custom_fields import custom_field_values
from accounts.models import ClientAccount, PortalLink, PortalUser
from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.events import ACCOUNT_SAVED
from shared.i18n import _

# What notifications keeps of an account (ACCOUNT_SAVED): an edit of any of them announces the account again.
ANNOUNCED = ("name", "email", "mobile_phone")


def find_client(session, tenant_id, client_id):
    """Return the tenant's client ``client_id``; any other id is simply not found."""
    client = session.get(ClientAccount, client_id) if isinstance(client_id, int) else None
    if client is None or client.tenant_id != tenant_id:
        raise NotFound(_("No such client."))
    return client


def create_client(session, tenant_id, values):
    """Add a client, or a related property of one when ``parent_id`` is set."""
    if values["parent_id"] is not None:
        parent = find_client(session, tenant_id, values["parent_id"])
        if parent.parent_id is not None:
            raise invalid("parent_id", _("A related property cannot have properties of its own."))
    client = ClientAccount(tenant_id=tenant_id, created_at=utcnow(), updated_at=utcnow(),
                           **{**values, "email": (values["email"] or None) and values["email"].lower()})
    session.add(client)
    session.flush()
    return client


def announce_client(outbox, session, client):
    """Tell notifications the account's name and contact details as they are now, in the caller's transaction."""
    holder = portal_user_of(session, client)  # messages to the account are in its holder's language
    outbox.add(session, ACCOUNT_SAVED, {"account_id": client.id, "name": client.name,
                                        "contact_email": client.email, "mobile_phone": client.mobile_phone,
                                        "language": holder.PortalUser.language if holder else None},
               tenant_id=client.tenant_id)


def announced(client):
    """The details of ``client`` ACCOUNT_SAVED carries, to compare before and after an edit."""
    return tuple(getattr(client, key) for key in ANNOUNCED)


def update_client(client, values):
    """Change the client's details in ``values``."""
    if "email" in values and values["email"]:
        values["email"] = values["email"].lower()
    for key, value in values.items():
        setattr(client, key, value)
    client.updated_at = utcnow()
    return client


def portal_user_of(session, client):
    """Return the first portal user linked to ``client`` (the one invited for it) with their rights, or None."""
    return session.execute(
        select(PortalUser, PortalLink.rights).join(PortalLink, PortalLink.portal_user_id == PortalUser.id)
        .where(PortalLink.account_id == client.id).order_by(PortalUser.id)).first()


def describe_client(session, client, with_custom_fields=True):
    """Return a client as the staff see it: details, parent, properties, portal user, custom fields."""
    properties = session.scalars(select(ClientAccount).where(ClientAccount.parent_id == client.id)
                                 .order_by(ClientAccount.name)).all()
    parent = session.get(ClientAccount, client.parent_id) if client.parent_id else None
    linked = portal_user_of(session, client)
    answer = {
        "id": client.id, "name": client.name, "email": client.email, "phone": client.phone,
        "mobile_phone": client.mobile_phone, "address": client.address,
        "parent_id": client.parent_id, "parent_name": parent.name if parent else None,
        "properties": [{"id": item.id, "name": item.name} for item in properties],
        "portal_user": None if linked is None else {
            "id": linked.PortalUser.id, "email": linked.PortalUser.email,
            "username": linked.PortalUser.username,
            "activated": linked.PortalUser.activated_at is not None, "rights": linked.rights},
    }
    if with_custom_fields:
        answer["custom_fields"] = custom_field_values(session, client.tenant_id, client.id)
    return answer


# A full row is about 0.5 KB and a brief one (id and names, for a choice of clients) a sixth of that:
# either page stays well under a message's 64 KiB (tests/test_message_sizes.py).
MAX_PER_PAGE = {False: 50, True: 200}


def brief_client(session, client):
    parent = session.get(ClientAccount, client.parent_id) if client.parent_id else None
    return {"id": client.id, "name": client.name, "parent_name": parent.name if parent else None}


def list_clients(session, tenant_id, query=None, without_portal=False, page=1, per_page=50, brief=False):
    """Return one page of the tenant's clients matching ``query`` (``brief``: only ids and names), and how many match."""
    if not isinstance(page, int) or page < 1:
        raise invalid("page", _("Must be a whole number of at least 1."))
    if not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE[bool(brief)]:
        raise invalid("per_page", _("Must be between 1 and %(maximum)s.", maximum=MAX_PER_PAGE[bool(brief)]))
    statement = select(ClientAccount).where(ClientAccount.tenant_id == tenant_id)
    if query:
        if not isinstance(query, str) or len(query) > 100:
            raise invalid("q", _("Search with at most %(count)s characters.", count=100))
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(ClientAccount.name).like(pattern),
                                        func.lower(ClientAccount.email).like(pattern),
                                        ClientAccount.phone.like(f"%{query}%")))
    if without_portal:  # as on the Portal users page: invited but not registered still counts
        registered = select(PortalLink.account_id).join(PortalUser, PortalUser.id == PortalLink.portal_user_id) \
            .where(PortalUser.activated_at.is_not(None))
        statement = statement.where(ClientAccount.id.not_in(registered))
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = session.scalars(statement.order_by(ClientAccount.name, ClientAccount.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    items = [brief_client(session, row) if brief else describe_client(session, row, with_custom_fields=False)
             for row in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def bulk_refusal(client_id, message):
    """Return the row a bulk action on clients shows for one it could not act on."""
    return {"client_id": client_id, "status": "error", "message": message}
