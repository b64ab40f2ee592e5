"""The client's notification feed: what the business told an account, newest first, unread until read."""
from sqlalchemy import select

from notifications.models import FeedItem
from shared.clock import utcnow

TITLE_MAX, BODY_MAX = 200, 500


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
