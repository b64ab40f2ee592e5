"""Database helpers: engines tuned per backend and a session-per-worker dependency."""
import re
import time

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.orm import Session

from shared.config import database_url
from shared.kept_settings import SESSION_KEY as KEPT_SETTINGS, kept_settings_of


_engines = {}


def engine_for(url, pool_size=5):
    """Return this process's engine for ``url``, creating it once (shared by workers and relay)."""
    if url not in _engines:
        _engines[url] = make_engine(url, pool_size)
    return _engines[url]


def make_engine(url, pool_size=5):
    """Create an engine tuned for its backend.

    SQLite gets a single pooled connection: under eventlet, a second connection waiting on the
    file lock would sleep inside C and stall every green thread, whereas waiting for the pool
    yields. WAL still lets other processes (migrations, tools) read alongside.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            # Take the write lock at BEGIN so two writers queue instead of failing
            # with "database is locked" when one upgrades from a read.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        # Let SQLAlchemy's "begin" event issue BEGIN instead of pysqlite's implicit one.
        @event.listens_for(engine, "connect", insert=True)
        def _autocommit_driver(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        return engine
    # values_plus_batch: an UPDATE or DELETE run for many rows goes out as one batch, not a round trip per row.
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, executemany_mode="values_plus_batch")
    ping_when_idle(engine)
    begin_on_first_write(engine)
    return engine


# A connection back in the pool for longer than this is pinged before it is handed out again.
IDLE_PING_SECONDS = 1.0


def ping_when_idle(engine):
    """Ping a pooled connection at checkout only when it sat idle, instead of at every checkout.

    A ping is a round trip, and a busy service checks a connection out several times a second:
    there it cost more than some statements. What can have dropped a connection is PostgreSQL
    restarting or ending it, which a connection that waited in the pool meets first: it is
    pinged, and a dead one invalidates the whole pool (every connection older than it) and is
    replaced. A connection that dies while in use fails that statement, and SQLAlchemy's own
    disconnect handling invalidates the pool the same way; the heartbeat's query every 2 s
    (shared.heartbeat) does as much for a service that is mostly idle.
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        if record is not None:
            record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        checked_in = record.info.pop("checked_in", None)
        if checked_in is None or time.monotonic() - checked_in < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.InvalidatePoolError(str(error)) from error
            raise


# A statement that only reads: a plain SELECT that locks nothing (no FOR UPDATE/SHARE, no advisory lock).
_READS_ONLY = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKS = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|advisory", re.IGNORECASE)


def begin_on_first_write(engine):
    """PostgreSQL: run reads outside a transaction until a statement writes or locks, and begin one there.

    psycopg2 sends BEGIN before a transaction's first statement and SQLAlchemy a ROLLBACK at the end of a
    read: two round trips around what is often one or two SELECTs (most of a service's calls only read).
    Under READ COMMITTED, PostgreSQL's default and the services', each statement of a transaction takes its own
    snapshot anyway, so a SELECT run on its own sees exactly what it would have seen inside one. The first
    statement that writes or locks (or a server-side cursor, which needs a transaction) turns the driver's
    autocommit off, so BEGIN goes out with it and everything from there to the commit or rollback is one
    transaction, as before; the next read after it ends runs on its own again.
    """
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE as IDLE  # only PostgreSQL's processes load psycopg2

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_when_needed(_connection, cursor, statement, _parameters, _context, _executemany):
        dbapi_connection = cursor.connection
        if cursor.name is None and _READS_ONLY.match(statement) and not _LOCKS.search(statement):
            if not dbapi_connection.autocommit and dbapi_connection.get_transaction_status() == IDLE:
                dbapi_connection.autocommit = True
        elif dbapi_connection.autocommit:
            dbapi_connection.autocommit = False

    @event.listens_for(engine, "checkin")
    def _transactions_for_the_next_user(dbapi_connection, _record):
        if dbapi_connection is not None and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False


def is_reachable(engine):
    """Return True when the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def service_engine(container):
    """The engine of the service running in ``container``, its pool sized to the worker count."""
    config = container.config
    url = config.get("DATABASE_URL") or database_url(container.service_name)
    return engine_for(url, pool_size=config.get("max_workers", 10) + 2)


class Database(DependencyProvider):
    """Give each worker its own SQLAlchemy session on the service's database.

    The pool is sized to the worker count so a busy service never waits for a connection.
    """

    def __init__(self):
        self.engine = None
        self.kept_settings = None
        self.sessions = {}

    def setup(self):
        self.engine = service_engine(self.container)
        self.kept_settings = kept_settings_of(self.container)

    def get_dependency(self, worker_ctx):
        session = Session(self.engine, expire_on_commit=False)
        if self.kept_settings is not None:
            session.info[KEPT_SETTINGS] = self.kept_settings  # shared.settings_store reads through it
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
