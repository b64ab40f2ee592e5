"""Database helpers: engines tuned per backend and a session-per-worker dependency."""
from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from shared.config import database_url


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
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


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
        self.sessions = {}

    def setup(self):
        self.engine = service_engine(self.container)

    def get_dependency(self, worker_ctx):
        session = Session(self.engine, expire_on_commit=False)
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
