"""A business's ticket categories.

The category table is what exists: its names, order and whether a category is hidden. The Tickets tab's
``ticket_categories`` setting is which of them clients may choose. They are reconciled so:
- General, Reschedule, Cancel and Service request exist from the start: they are created, with any name the
  setting lists, the first time a business's categories are read or a ticket is opened (``ensure``);
- a client is offered the categories that the setting lists, that are not hidden, in the table's order;
- renaming a category renames it in the setting too, so a rename never takes it away from clients;
- a category named in the setting but hidden by staff is offered to nobody (hiding wins).
Staff may file a ticket under any category, hidden ones included.
"""
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from shared.errors import NotFound, invalid
from shared.i18n import _
from tickets.models import TicketCategory

DEFAULT_NAMES = ("General", "Reschedule", "Cancel", "Service request")
MAX_CATEGORIES = 50
# Built once: the portal's tab bar reads the categories on every page.
ALL_OF = (select(*(TicketCategory.__table__.c[name] for name in ("id", "name", "position", "hidden")))
          .where(TicketCategory.__table__.c.tenant_id == bindparam("tenant_id"))
          .order_by(TicketCategory.__table__.c.position, TicketCategory.__table__.c.id))


def ensure(session, tenant_id, listed=(), existing=None):
    """Create the default categories and those ``listed`` (the setting's) that the business lacks; return whether
    any was. ``existing``: the names the business has, when the caller has just read them."""
    if existing is None:
        existing = set(session.scalars(select(TicketCategory.name).where(TicketCategory.tenant_id == tenant_id)))
    wanted = [name for name in dict.fromkeys((*DEFAULT_NAMES, *listed)) if name not in existing]
    if not wanted:
        return False
    position = session.scalar(select(func.max(TicketCategory.position))
                              .where(TicketCategory.tenant_id == tenant_id)) or 0
    for name in wanted:
        position += 1
        try:
            with session.begin_nested():  # two first reads at once: one insert wins
                session.add(TicketCategory(tenant_id=tenant_id, name=name, position=position, hidden=False))
        except IntegrityError:
            pass
    return True


def all_of(session, tenant_id):
    """The business's categories in order, as read-only rows (id, name, position, hidden)."""
    return session.connection().execute(ALL_OF, {"tenant_id": tenant_id}).all()


def describe(category, listed):
    return {"id": category.id, "name": category.name, "position": category.position, "hidden": category.hidden,
            "offered_to_clients": category.name in listed and not category.hidden}


def for_clients(session, tenant_id, listed):
    """The categories a client may choose: listed by the setting, not hidden, in order."""
    return offered(all_of(session, tenant_id), listed)


def offered(rows, listed):
    """``for_clients`` of the business's categories ``rows`` (``all_of``)."""
    return [{"id": row.id, "name": row.name} for row in rows if row.name in listed and not row.hidden]


def get(session, tenant_id, category_id):
    row = session.get(TicketCategory, category_id) if isinstance(category_id, int) else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound(_("No such category."))
    return row


def by_name(session, tenant_id, name):
    return session.scalar(select(TicketCategory).where(TicketCategory.tenant_id == tenant_id,
                                                       TicketCategory.name == name))


def _refuse_taken(session, tenant_id, name, category_id=None):
    found = by_name(session, tenant_id, name)
    if found is not None and found.id != category_id:
        raise invalid("name", _("There is already a category with this name."))


def create(session, tenant_id, data):
    if len(all_of(session, tenant_id)) >= MAX_CATEGORIES:
        raise invalid("name", _("A business can have at most %(most)s categories.", most=MAX_CATEGORIES))
    _refuse_taken(session, tenant_id, data["name"])
    position = data.get("position")
    if position is None:
        position = (session.scalar(select(func.max(TicketCategory.position))
                                   .where(TicketCategory.tenant_id == tenant_id)) or 0) + 1
    row = TicketCategory(tenant_id=tenant_id, name=data["name"], position=position,
                         hidden=data.get("hidden", False))
    session.add(row)
    session.flush()
    return row


def update(session, tenant_id, category_id, data):
    """Rename, reorder or hide a category; return it and its old name (to rename in the setting)."""
    row = get(session, tenant_id, category_id)
    old_name = row.name
    if "name" in data:
        _refuse_taken(session, tenant_id, data["name"], row.id)
        row.name = data["name"]
    if "position" in data:
        row.position = data["position"]
    if "hidden" in data:
        row.hidden = data["hidden"]
    session.flush()
    return row, old_name


def renamed_in(listed, old_name, new_name):
    """The setting's list with ``old_name`` renamed ``new_name`` (None when it does not change)."""
    if old_name == new_name or old_name not in listed:
        return None
    return [new_name if name == old_name else name for name in listed if name != new_name or name == old_name]
