"""The client's notification feed: what the business told an account, newest first, unread until read."""
from sqlalchemy import String, bindparam, cast, delete, exists, func, literal, select, update
from sqlalchemy.exc import IntegrityError

from notifications.announcements import ANNOUNCEMENTS, live_query
from notifications.models import FeedItem
from notifications.rendering import html_to_text
from shared.clock import iso_utc, utcnow
from shared.errors import NotFound
from shared.i18n import N_, _

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


NOT_FOUND = N_("No such notification.")
ANNOUNCEMENT_KIND = "announcement"
ANNOUNCEMENT_KEY = "announcement-"  # and its id: the source of an announcement's item (they come from no event)

FEED = FeedItem.__table__
# What a client is shown of an item, read as plain rows (Home reads the feed on every page).
CLIENT_COLUMNS = tuple(FEED.c[name] for name in ("id", "kind", "title", "body", "link", "created_at", "read_at"))


def _mine(tenant_id, account_id):
    return (FEED.c.tenant_id == tenant_id, FEED.c.account_id == account_id)


# Statements built once (Home reads the feed on every page), with the account bound at each call.
MINE = _mine(bindparam("tenant_id"), bindparam("account_id"))
UNREAD = select(func.count()).select_from(FEED).where(*MINE, FEED.c.read_at.is_(None))


def _page_statement(after_a_page):
    """A page of the account's items, newest first, each row with the account's unread count: one statement
    answers both (the count is the same on every row)."""
    unread = UNREAD.correlate(None).scalar_subquery().label("unread")  # all the account's items, not the row's
    query = select(*CLIENT_COLUMNS, unread).where(*MINE)
    if after_a_page:
        query = query.where(FEED.c.id < bindparam("before_id"))
    return query.order_by(FEED.c.id.desc()).limit(bindparam("limit"))


PAGES = {after_a_page: _page_statement(after_a_page) for after_a_page in (False, True)}


def client_view(row):
    """An item as a client sees it (a row of CLIENT_COLUMNS)."""
    return {"id": row.id, "kind": row.kind, "title": row.title, "body": row.body, "link": row.link,
            "created_at": iso_utc(row.created_at), "read": row.read_at is not None}


def page(session, tenant_id, account_id, limit, before_id=None):
    """``{"items", "next", "unread"}``: up to ``limit`` items as a client sees them, newest first, older than
    ``before_id``, and how many of all the account's items are unread; ``next`` is the ``before_id`` of the page
    after (None on the last). Ids only grow, so a page never repeats or skips an item however many arrive
    meanwhile."""
    values = {"tenant_id": tenant_id, "account_id": account_id, "limit": limit + 1}
    if before_id is not None:
        values["before_id"] = before_id
    rows = session.connection().execute(PAGES[before_id is not None], values).all()
    return {"items": [client_view(row) for row in rows[:limit]],
            "next": rows[limit - 1].id if len(rows) > limit else None,
            "unread": rows[0].unread if rows else unread_count(session, tenant_id, account_id)}


# The feed catches up on every read of its first page, and most reads find nothing to add: one statement asks.
MISSING_ANNOUNCEMENTS = live_query(bindparam("tenant_id"), bindparam("account_id"), bindparam("day")).where(
    ~exists().where(*MINE, FEED.c.source_event_id == literal(ANNOUNCEMENT_KEY) + cast(ANNOUNCEMENTS.c.id, String)))


def missing_announcements(session, tenant_id, account_id, day):
    """The announcements live on ``day`` for the account that its feed does not hold yet (rows with ``id``,
    ``title``, ``html``), for ``catch_up_announcements``."""
    return session.connection().execute(MISSING_ANNOUNCEMENTS, {"tenant_id": tenant_id, "account_id": account_id,
                                                                "day": day}).all()


def unread_count(session, tenant_id, account_id):
    return session.connection().execute(UNREAD, {"tenant_id": tenant_id, "account_id": account_id}).scalar_one()


def mark_read(session, tenant_id, account_id, item_ids):
    """Mark some of the account's items read; any id that is not one of them is NotFound and changes nothing."""
    wanted = set(item_ids)
    rows = list(session.scalars(select(FeedItem).where(*_mine(tenant_id, account_id), FeedItem.id.in_(wanted))))
    if len(rows) != len(wanted):
        raise NotFound(_(NOT_FOUND))
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
    """The feed's source of an announcement."""
    return f"{ANNOUNCEMENT_KEY}{announcement_id}"


def catch_up_announcements(session, tenant_id, account_id, missing):
    """Add to the account's feed each of the ``missing`` announcements (``missing_announcements``), oldest first.

    An announcement reaches a feed when the account first reads its feed after the announcement went live, so
    an announcement to every client costs no row for an account that never looks, and one that starts next week
    arrives next week. A concurrent read that added it first wins; nothing is added twice."""
    for row in sorted(missing, key=lambda row: row.id):
        try:
            with session.begin_nested():
                add(session, tenant_id, account_id, ANNOUNCEMENT_KIND, row.title,
                    f"announcements#announcement-{row.id}", announcement_key(row.id), body=excerpt(row.html))
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
