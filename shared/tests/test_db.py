"""A service's PostgreSQL engine after the database ended its connections (a restart, a failover, an operator).

The pool does not ping a connection at every checkout (a round trip each time), only one that sat
idle; a connection found dead, at its ping or by a statement, makes the pool replace every
connection it had, so the service keeps working.
"""
import tempfile

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portico_testing import Databases
from shared import db

END_OTHER_CONNECTIONS = text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def url():
    databases = Databases("postgresql", tempfile.gettempdir(), services=("dbpool",))
    try:
        yield databases.urls["dbpool"]
    finally:
        databases.drop()


def use_connections(engine, count):
    """Check ``count`` connections out at once, query on each, and give them back to the pool."""
    connections = [engine.connect() for _ in range(count)]
    try:
        return [connection.execute(text("SELECT pg_backend_pid()")).scalar() for connection in connections]
    finally:
        for connection in connections:
            connection.close()


def end_connections(url):
    admin = db.make_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(END_OTHER_CONNECTIONS)
    finally:
        admin.dispose()


def test_connections_that_waited_in_the_pool_are_pinged_and_replaced(url, monkeypatch):
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every connection back in the pool counts as idle
    engine = db.make_engine(url)
    try:
        before = use_connections(engine, 3)
        end_connections(url)
        after = use_connections(engine, 3)  # no statement fails
        assert not set(before) & set(after)
    finally:
        engine.dispose()


def test_a_connection_found_dead_in_use_replaces_the_whole_pool(url, monkeypatch):
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)  # no connection is pinged
    engine = db.make_engine(url)
    try:
        before = use_connections(engine, 3)
        end_connections(url)
        with pytest.raises(OperationalError), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        after = use_connections(engine, 3)  # the other two dead ones were not handed out again
        assert not set(before) & set(after)
    finally:
        engine.dispose()
