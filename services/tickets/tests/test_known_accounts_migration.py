"""The migration that makes one table of the client accounts accounts confirmed, on both backends, up and down."""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tickets.models import Base

OLD_TABLES = {"ticket_known_accounts", "document_accounts"}
EARLY, LATE, DONE = (datetime(2026, 1, day, 9, tzinfo=timezone.utc) for day in (1, 2, 3))


def table(connection, name):
    """The table as the database has it now (its types read from the database, as the service writes them)."""
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def insert(engine, name, *rows):
    with engine.begin() as connection:
        found = table(connection, name)
        connection.execute(found.insert(), [dict(zip(found.columns.keys(), row)) for row in rows])


def rows(engine, name):
    with engine.connect() as connection:
        found = table(connection, name)
        listed = connection.execute(sa.select(found).order_by(found.c.tenant_id, found.c.account_id))
        return [tuple(_utc(value) for value in row) for row in listed]


def _utc(value):
    """SQLite gives back a naive datetime for what it was given as UTC."""
    return value.replace(tzinfo=timezone.utc) if isinstance(value, datetime) and value.tzinfo is None else value


def test_both_tables_rows_move_into_known_accounts_and_back(tickets_database):
    config, engine = tickets_database
    command.upgrade(config, "0004")
    insert(engine, "ticket_known_accounts", (1, 10, EARLY), (1, 11, LATE))
    insert(engine, "document_accounts", (1, 11, EARLY, DONE, 7), (2, 5_000_000_000, LATE, None, None))

    command.upgrade(config, "head")  # 0006 moves the rows; 0007 adds a column for the done mark's name

    assert rows(engine, "known_accounts") == [(1, 10, EARLY, None, None, None), (1, 11, EARLY, DONE, 7, None),
                                              (2, 5_000_000_000, LATE, None, None, None)]
    with engine.connect() as connection:
        assert not OLD_TABLES & set(sa.inspect(connection).get_table_names())
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []

    command.downgrade(config, "0005")

    assert rows(engine, "ticket_known_accounts") == [(1, 10, EARLY), (1, 11, EARLY)]
    assert rows(engine, "document_accounts") == [(1, 10, EARLY, None, None), (1, 11, EARLY, DONE, 7),
                                                 (2, 5_000_000_000, LATE, None, None)]
    command.upgrade(config, "head")
