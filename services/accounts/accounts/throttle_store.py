"""A storage for the ``limits`` library in accounts' own database, so every instance counts in one place.

``limits`` ships counters in memory, Redis, Memcached or MongoDB; Portico keeps its throttling counts in
the accounts database instead (SQLite embedded, PostgreSQL in production), which every accounts instance
already shares. This class gives ``limits``' fixed-window strategy what it asks of a storage, inside the
caller's session and transaction. Each count is one atomic upsert, so concurrent instances never lose a hit.
"""
import hashlib
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from accounts.models import ThrottleCounter

UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
COUNTERS = ThrottleCounter.__table__


def stored_key(key):
    """Return the column value of ``key``: a hash, so the table holds no login or address."""
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters as rows of ``throttle_counters``, read and written in ``session``."""

    STORAGE_SCHEME = None  # built in code around a session, never from a storage URI

    def __init__(self, session):
        super().__init__()
        self.session = session

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key, expiry, amount=1):
        """Add ``amount`` to the counter of ``key``; a counter past its expiry starts again for ``expiry`` s."""
        now = time.time()
        insert = UPSERTS[self.session.get_bind().dialect.name](COUNTERS)
        expired = COUNTERS.c.expires_at <= now
        statement = insert.values(key=stored_key(key), hits=amount, expires_at=now + expiry).on_conflict_do_update(
            index_elements=[COUNTERS.c.key], set_={
                "hits": case((expired, amount), else_=COUNTERS.c.hits + amount),
                "expires_at": case((expired, now + expiry), else_=COUNTERS.c.expires_at)},
        ).returning(COUNTERS.c.hits)
        return self.session.execute(statement).scalar_one()

    def decr(self, key):
        """Take one hit back from the live counter of ``key`` (an attempt that turned out not to fail)."""
        self.session.execute(update(COUNTERS).where(
            COUNTERS.c.key == stored_key(key), COUNTERS.c.hits > 0, COUNTERS.c.expires_at > time.time())
            .values(hits=COUNTERS.c.hits - 1))

    def get(self, key):
        return self.session.scalar(select(COUNTERS.c.hits).where(
            COUNTERS.c.key == stored_key(key), COUNTERS.c.expires_at > time.time())) or 0

    def get_expiry(self, key):
        expires_at = self.session.scalar(select(COUNTERS.c.expires_at).where(COUNTERS.c.key == stored_key(key)))
        return expires_at if expires_at is not None else time.time()

    def check(self):
        self.session.execute(select(1))
        return True

    def reset(self):
        return self.session.execute(delete(COUNTERS)).rowcount

    def clear(self, key):
        self.session.execute(delete(COUNTERS).where(COUNTERS.c.key == stored_key(key)))

    def prune(self):
        """Drop the counters whose window has passed."""
        self.session.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= time.time()))
