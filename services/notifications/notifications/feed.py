"""The client's notification feed: what the business told an account, newest first, unread until read."""
import functools

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from notifications.models import FeedItem
from notifications.rendering import html_to_text
from shared.clock import utcnow
from shared.errors import NotFound

TITLE_MAX, BODY_MAX = 200, 500
EXCERPT = 200


def add(session, tenant_id, account_id, kind, title, link, source_event_id, body=None):
    """Add an item to ``account_id``'s feed for the event ``source_event_id``; a redelivery adds nothing.

    ``link`` is a portal page below the business's ``/p/<slug>/`` (e.g. ``"tickets/12"``), or None.
    """
    if session.scalar(select(FeedItem.id).where(FeedItem.source_event_id == source_event_id,
                                                FeedItem.account_id == account_id)) is not None:
        return None
    item = FeedItem(tenant_id=tenant_id, account_id=account_id, kind=kind, title=title[:TITLE_MAX],
                    body=body[:BODY_MAX] if body else None, link=link, source_event_id=source_event_id,
                    created_at=utcnow())
    session.add(item)
    session.flush()
    return item


NOT_FOUND = "No such notification."
ANNOUNCEMENT_KIND = "announcement"


def _mine(tenant_id, account_id):
    return (FeedItem.tenant_id == tenant_id, FeedItem.account_id == account_id)


def page(session, tenant_id, account_id, limit, before_id=None):
    """``{"items", "next"}``: up to ``limit`` items, newest first, older than ``before_id``; ``next`` is the
    ``before_id`` of the page after (None on the last). Ids only grow, so a page never repeats or skips an item
    however many arrive meanwhile."""
    values = {"tenant_id": tenant_id, "account_id": account_id, "limit": limit + 1}
    if before_id is not None:
        values["before_id"] = before_id
    rows = list(session.scalars(_page_statement(before_id is not None), values))
    return {"items": rows[:limit], "next": rows[limit - 1].id if len(rows) > limit else None}


# Home reads the feed on every page: its statements are built once, with the values bound at each call.
@functools.cache
def _page_statement(after_a_page):
    query = select(FeedItem).where(*_mine(bindparam("tenant_id"), bindparam("account_id")))
    if after_a_page:
        query = query.where(FeedItem.id < bindparam("before_id"))
    return query.order_by(FeedItem.id.desc()).limit(bindparam("limit"))


@functools.cache
def _unread_statement():
    return select(func.count()).select_from(FeedItem).where(
        *_mine(bindparam("tenant_id"), bindparam("account_id")), FeedItem.read_at.is_(None))


@functools.cache
def _held_statement():
    return select(FeedItem.source_event_id).where(*_mine(bindparam("tenant_id"), bindparam("account_id")),
                                                  FeedItem.source_event_id.in_(bindparam("keys", expanding=True)))


def unread_count(session, tenant_id, account_id):
    return session.scalar(_unread_statement(), {"tenant_id": tenant_id, "account_id": account_id})


def mark_read(session, tenant_id, account_id, item_ids):
    """Mark some of the account's items read; any id that is not one of them is NotFound and changes nothing."""
    wanted = set(item_ids)
    rows = list(session.scalars(select(FeedItem).where(*_mine(tenant_id, account_id), FeedItem.id.in_(wanted))))
    if len(rows) != len(wanted):
        raise NotFound(NOT_FOUND)
    now, marked = utcnow(), 0
    for row in rows:
        if row.read_at is None:
            row.read_at, marked = now, marked + 1
    session.flush()
    return marked


def mark_all_read(session, tenant_id, account_id):
    result = session.execute(update(FeedItem).where(*_mine(tenant_id, account_id), FeedItem.read_at.is_(None))
                             .values(read_at=utcnow()))
    return result.rowcount


def announcement_key(announcement_id):
    """The feed's source of an announcement (feed items of announcements come from no event)."""
    return f"announcement-{announcement_id}"


def catch_up_announcements(session, tenant_id, account_id, live):
    """Add to the account's feed each of the ``live`` announcements it does not hold yet.

    An announcement reaches a feed when the account first reads its feed after the announcement went live, so
    an announcement to every client costs no row for an account that never looks, and one that starts next week
    arrives next week. A concurrent read that added it first wins; nothing is added twice."""
    keys = {announcement_key(row.id): row for row in live}
    held = set(session.scalars(_held_statement(), {"tenant_id": tenant_id, "account_id": account_id,
                                                   "keys": list(keys)}) if keys else [])
    for key in sorted(set(keys) - held, key=lambda key: keys[key].id):
        row = keys[key]
        try:
            with session.begin_nested():
                add(session, tenant_id, account_id, ANNOUNCEMENT_KIND, row.title,
                    f"announcements#announcement-{row.id}", key, body=excerpt(row.html))
        except IntegrityError:
            pass


def excerpt(html):
    text = " ".join(html_to_text(html).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


def announcement_changed(session, tenant_id, announcement_id, title, html):
    session.execute(update(FeedItem).where(FeedItem.tenant_id == tenant_id,
                                           FeedItem.source_event_id == announcement_key(announcement_id))
                    .values(title=title[:TITLE_MAX], body=excerpt(html)))


def announcement_withdrawn(session, tenant_id, announcement_id):
    session.execute(delete(FeedItem).where(FeedItem.tenant_id == tenant_id,
                                           FeedItem.source_event_id == announcement_key(announcement_id)))
