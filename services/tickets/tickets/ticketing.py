"""Tickets: opening one, what each side sees of it, the staff inbox, assignment and status.

A ticket has a business-wide number, the client account it belongs to, a category, a status (open,
pending, on hold, closed: clients see the first three as "open"), the staff member it is assigned to, an
optional reference to what it is about ({kind: visit|invoice, id, label}) and a reply token: a random
per-ticket secret that a staff reply's email carries as its reply address (sealed on the bus).
"""
import functools
import secrets

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.events import TICKET_OPENED
from shared.i18n import _
from tickets import categories, paging, text
from tickets.models import Ticket, TicketCategory, TicketCounter, TicketMessage

CLIENT_STATUS = {"open": "open", "pending": "open", "on_hold": "open", "closed": "closed"}
SUBJECT_LENGTH = 80
SUBJECT_ROOM = Ticket.__table__.c.subject.type.length  # in code points, as the databases count
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# A list is ordered by this key, most recently active first (a page holds what fits paging.PAGE_BUDGET).
ORDER = (Ticket.updated_at, Ticket.id)
KEY_KINDS = (paging.TIME, paging.ID)
# What summary() reads of a ticket for a client.
CLIENT_COLUMNS = ("id", "number", "subject", "reference", "created_at", "updated_at", "status", "client_unread",
                  "opened_by")


def new_reply_token():
    return secrets.token_urlsafe(24)


def next_number(session, tenant_id):
    """The business's next ticket number, in one statement: two first tickets opened at once would both find no
    counter and both insert one, so the counter is created or counted up in the same upsert."""
    counters = TicketCounter.__table__
    insert = UPSERTS[session.get_bind().dialect.name](counters)
    return session.execute(insert.values(tenant_id=tenant_id, last_number=1).on_conflict_do_update(
        index_elements=[counters.c.tenant_id], set_={"last_number": counters.c.last_number + 1},
    ).returning(counters.c.last_number)).scalar_one()


def subject_of(data):
    """The subject given (a mail's, a staff member's) or the opening message's first line, cut to fit its column."""
    if data.get("subject"):
        return text.shorten(data["subject"], SUBJECT_ROOM, room=SUBJECT_ROOM)
    first_line = " ".join(data["body"].strip().splitlines()[0].split())
    return text.shorten(first_line, SUBJECT_LENGTH, room=SUBJECT_ROOM) or _("Ticket")


def create(session, tenant_id, account_id, category, data, opened_by, assignee_id, client_name=None):
    """Write a ticket (without its opening message) and return it; ``client_name`` is accounts' name of the account."""
    now = utcnow()
    ticket = Ticket(tenant_id=tenant_id, number=next_number(session, tenant_id), account_id=account_id,
                    category_id=category.id, subject=subject_of(data), status="open", assignee_id=assignee_id,
                    opened_by=opened_by, reference=data.get("reference"), reply_token=new_reply_token(),
                    created_at=now, updated_at=now, client_unread=opened_by == "staff",
                    staff_unread=opened_by != "staff", client_name=client_name)
    session.add(ticket)
    session.flush()
    return ticket


def announce_opened(outbox, session, ticket, category_name):
    outbox.add(session, TICKET_OPENED, {
        "ticket_id": ticket.id, "number": ticket.number, "account_id": ticket.account_id,
        "category": category_name, "subject": ticket.subject, "assignee_id": ticket.assignee_id,
        "opened_by": ticket.opened_by, "reference": ticket.reference, "client_name": ticket.client_name},
        tenant_id=ticket.tenant_id)


def get(session, tenant_id, ticket_id, account_id=None):
    """The business's ticket ``ticket_id``; for a client, only one of ``account_id``'s."""
    ticket = session.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None or ticket.tenant_id != tenant_id or account_id not in (None, ticket.account_id):
        raise NotFound(_("No such ticket."))
    return ticket


def summary(ticket, category_name, audience):
    """What a list shows of a ticket, for ``audience`` (client or staff)."""
    shown = {"id": ticket.id, "number": ticket.number, "subject": ticket.subject, "category": category_name,
             "reference": ticket.reference, "created_at": ticket.created_at.isoformat(),
             "updated_at": ticket.updated_at.isoformat()}
    if audience == "client":
        return {**shown, "status": CLIENT_STATUS[ticket.status], "unread": ticket.client_unread,
                "opened_by": ticket.opened_by}
    return {**shown, "status": ticket.status, "unread": ticket.staff_unread, "account_id": ticket.account_id,
            "assignee_id": ticket.assignee_id, "category_id": ticket.category_id, "opened_by": ticket.opened_by,
            "service_request_id": ticket.service_request_id,
            "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None}


def _with_categories(session, query):
    return session.execute(query.add_columns(TicketCategory.name)
                           .join(TicketCategory, TicketCategory.id == Ticket.category_id)).all()


def _page(session, query, page, audience):
    """``(summaries, next cursor)``: the page of ``query``'s tickets after ``page["cursor"]``."""
    key = paging.decode(page["cursor"], KEY_KINDS)
    rows = _with_categories(session, query.where(paging.before(ORDER, key))
                            .order_by(*(column.desc() for column in ORDER)).limit(page["limit"] + 1))
    return paging.cut(rows, page["limit"], lambda row: (row[0].updated_at, row[0].id),
                      lambda row: summary(row[0], row[1], audience))


def client_list(session, tenant_id, account_id, which, page):
    """A page of the account's tickets that are ``which`` (open or closed) as a client sees them, newest first."""
    key = paging.decode(page["cursor"], KEY_KINDS)
    rows = session.connection().execute(_client_page(which == "closed", key is not None), {
        "tenant_id": tenant_id, "account_id": account_id, **paging.page_values(key, page["limit"])}).all()
    items, next_cursor = paging.cut(rows, page["limit"], lambda row: (row.updated_at, row.id),
                                    lambda row: summary(row, row.category_name, "client"))
    return {"items": items, "next": next_cursor}


@functools.cache
def _client_page(closed, keyed):
    """A page of the account's open or closed tickets with their category's name, as rows of what a client is
    shown; built once (Home lists the open ones on every page)."""
    tickets, names = Ticket.__table__.c, TicketCategory.__table__.c
    is_closed = tickets.status == "closed"
    query = (select(*(tickets[name] for name in CLIENT_COLUMNS), names.name.label("category_name"))
             .join_from(Ticket.__table__, TicketCategory.__table__, names.id == tickets.category_id)
             .where(tickets.tenant_id == bindparam("tenant_id"), tickets.account_id == bindparam("account_id"),
                    is_closed if closed else ~is_closed))
    return paging.built_page(query, (tickets.updated_at, tickets.id), keyed)


def _filtered(query, tenant_id, filters, staff_id):
    query = query.where(Ticket.tenant_id == tenant_id)
    status = filters.get("status")
    if status == "active":
        query = query.where(Ticket.status != "closed")
    elif status:
        query = query.where(Ticket.status == status)
    for name in ("category_id", "assignee_id", "account_id"):
        if filters.get(name) is not None:
            query = query.where(getattr(Ticket, name) == filters[name])
    if filters.get("unassigned"):
        query = query.where(Ticket.assignee_id.is_(None))
    if filters.get("unread"):
        query = query.where(Ticket.staff_unread.is_(True))
    if filters.get("text"):
        pattern = "%" + filters["text"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        in_messages = select(TicketMessage.ticket_id).where(TicketMessage.tenant_id == tenant_id,
                                                            func.lower(TicketMessage.body).like(pattern, escape="\\"))
        query = query.where(or_(func.lower(Ticket.subject).like(pattern, escape="\\"), Ticket.id.in_(in_messages)))
    return query


def staff_list(session, tenant_id, filters, staff_id=None):
    """One page of the business's tickets matching ``filters``, most recently active first, and how many match."""
    total = session.scalar(_filtered(select(func.count(Ticket.id)), tenant_id, filters, staff_id))
    items, next_cursor = _page(session, _filtered(select(Ticket), tenant_id, filters, staff_id), filters, "staff")
    return {"items": items, "total": total, "limit": filters["limit"], "next": next_cursor}


def counts(session, tenant_id, staff_id):
    """What the staff navigation shows: open tickets, unread ones, and those assigned to the caller."""
    active = select(func.count(Ticket.id)).where(Ticket.tenant_id == tenant_id, Ticket.status != "closed")
    return {"open": session.scalar(active),
            "unread": session.scalar(active.where(Ticket.staff_unread.is_(True))),
            "mine": session.scalar(active.where(Ticket.assignee_id == staff_id))}


def set_status(ticket, status):
    if ticket.status == status:
        return ticket
    ticket.status = status
    ticket.closed_at = utcnow() if status == "closed" else None
    ticket.updated_at = utcnow()
    return ticket


def assign(ticket, assignee_id):
    ticket.assignee_id = assignee_id
    ticket.updated_at = utcnow()
    return ticket


def category_for_client(session, tenant_id, category_id, listed):
    """The category a client chose, refused unless it is offered to clients."""
    try:
        category = categories.get(session, tenant_id, category_id)
    except NotFound:
        category = None
    if category is None or category.hidden or category.name not in listed:
        raise invalid("category_id", _("Choose one of the categories offered."))
    return category
