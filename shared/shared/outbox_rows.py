"""The outbox relay's reads and writes of its table (shared.messaging.Relay): which rows to publish, which were sent.

On PostgreSQL several instances may relay at once: each claims the rows it publishes - locked and marked
sent in one statement, skipping rows another holds - and marks unsent again what the broker did not
confirm, before it commits. SQLite has one writer: the rows are read and the connection released while
publishing, so the service's workers are not held up by the broker, and what was sent is marked after.
"""
import functools

from sqlalchemy import bindparam, select, update

from shared.clock import utcnow


@functools.cache
def _claim(outbox, batch):
    """The oldest ``batch`` unsent rows not locked by another relay, locked and marked sent at ``:now``."""
    oldest = (select(outbox.c.id).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(batch)
              .with_for_update(skip_locked=True))
    return update(outbox).where(outbox.c.id.in_(oldest)).values(sent_at=bindparam("now")).returning(*outbox.c)


def claims(session):
    """Whether the relay claims its rows on ``session``'s database (PostgreSQL) rather than reading them."""
    return session.get_bind().dialect.name == "postgresql"


def take_pending(session, outbox, batch):
    """The oldest ``batch`` unsent rows to publish, in order: claimed where the database ``claims``."""
    if claims(session):
        return sorted(session.execute(_claim(outbox, batch), {"now": utcnow()}).all(), key=lambda row: row.id)
    rows = session.execute(select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(batch)).all()
    session.rollback()
    return rows


def record_sent(session, outbox, ids, confirmed):
    """Leave the first ``confirmed`` of ``ids`` (taken by take_pending) marked sent and the others pending; commit."""
    if not confirmed:
        session.rollback()
        return
    if not claims(session):
        session.execute(update(outbox).where(outbox.c.id.in_(ids[:confirmed])).values(sent_at=utcnow()))
    elif confirmed < len(ids):
        session.execute(update(outbox).where(outbox.c.id.in_(ids[confirmed:])).values(sent_at=None))
    session.commit()
