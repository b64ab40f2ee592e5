"""A PostgreSQL service connection reads outside a transaction and begins one at the first write or lock.

What must hold: a read sends no BEGIN and leaves no transaction open; writes (and the reads after them) are
one transaction that a rollback undoes whole; a lock taken by SELECT ... FOR UPDATE or an advisory lock lasts
until the commit; a server-side cursor still streams; a connection goes back to the pool as the driver's
default, transactional.
"""
import tempfile

import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS
from sqlalchemy import text
from sqlalchemy.orm import Session

from portico_testing import Databases
from shared import db


@pytest.fixture
def engine():
    databases = Databases("postgresql", tempfile.gettempdir(), services=("dbtx",))
    engine = db.make_engine(databases.urls["dbtx"])
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE things (id integer PRIMARY KEY, name text)"))
            connection.execute(text("INSERT INTO things VALUES (1, 'one'), (2, 'two')"))
        yield engine
    finally:
        engine.dispose()
        databases.drop()


def status(session):
    return session.connection().connection.dbapi_connection.get_transaction_status()


def names(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT name FROM things ORDER BY id")).scalars().all()


def test_a_read_leaves_no_transaction_open(engine):
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM things")).scalar() == 2
        assert status(session) == TRANSACTION_STATUS_IDLE


def test_writes_and_the_reads_after_them_are_one_transaction_a_rollback_undoes(engine):
    with Session(engine) as session:
        session.execute(text("SELECT name FROM things")).all()
        session.execute(text("INSERT INTO things VALUES (3, 'three')"))
        assert status(session) == TRANSACTION_STATUS_INTRANS
        session.execute(text("UPDATE things SET name = 'uno' WHERE id = 1"))
        assert session.execute(text("SELECT count(*) FROM things")).scalar() == 3  # sees its own writes
        assert names(engine) == ["one", "two"]  # others do not, yet
        session.rollback()
        assert names(engine) == ["one", "two"]
        session.execute(text("INSERT INTO things VALUES (3, 'three')"))
        session.commit()
        assert session.execute(text("SELECT count(*) FROM things")).scalar() == 3
        assert status(session) == TRANSACTION_STATUS_IDLE  # after the commit, reads run on their own again


@pytest.mark.parametrize("lock", ["SELECT id FROM things WHERE id = 1 FOR UPDATE",
                                  "select id from things where id = 1 for no key update",
                                  "SELECT pg_advisory_xact_lock(42)"])
def test_a_lock_is_held_until_the_transaction_ends(engine, lock):
    with Session(engine) as session, Session(engine) as other:
        session.execute(text(lock)).all()
        assert status(session) == TRANSACTION_STATUS_INTRANS
        other.execute(text("SET lock_timeout = '50ms'"))
        probe = ("SELECT pg_try_advisory_xact_lock(42)" if "advisory" in lock
                 else "SELECT id FROM things WHERE id = 1 FOR UPDATE NOWAIT")
        if "advisory" in lock:
            assert other.execute(text(probe)).scalar() is False
        else:
            with pytest.raises(Exception, match="could not obtain lock"):
                other.execute(text(probe)).all()
        other.rollback()
        session.commit()
        assert other.execute(text(probe)).all()  # free once the first transaction ended
        other.rollback()


def test_a_server_side_cursor_streams_inside_a_transaction(engine):
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True).execute(text("SELECT name FROM things"))
        assert sorted(rows.scalars()) == ["one", "two"]


def test_a_connection_goes_back_to_the_pool_transactional(engine):
    with Session(engine) as session:
        session.execute(text("SELECT 1")).all()
    raw = engine.raw_connection()
    try:
        assert raw.dbapi_connection.autocommit is False
    finally:
        raw.close()
