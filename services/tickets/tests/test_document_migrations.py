"""The documents migrations on both backends: they make the tables the models describe, and undo them."""
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tickets.models import Base

DOCUMENT_TABLES = {"documents"}  # document_accounts is known_accounts now (0006)
INVITATION_TABLES = {"invitation_documents", "invitation_document_shares"}
# 0007 adds names (to known_accounts too) and the paging indexes
NAMED_TABLES = DOCUMENT_TABLES | {"tickets", "chat_threads", "known_accounts"}


def test_the_documents_tables_match_the_models_and_go_away_on_downgrade(tickets_database):
    config, engine = tickets_database
    command.upgrade(config, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mine = [difference for difference in differences if NAMED_TABLES & set(map(str, _tables(difference)))]
    assert mine == []
    command.downgrade(config, "0001")
    with engine.connect() as connection:
        assert not DOCUMENT_TABLES & set(sa.inspect(connection).get_table_names())


def test_the_welcome_document_tables_match_the_models_and_go_away_on_downgrade(tickets_database):
    config, engine = tickets_database
    command.upgrade(config, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [difference for difference in differences if INVITATION_TABLES & set(map(str, _tables(difference)))] == []
    command.downgrade(config, "0004")
    with engine.connect() as connection:
        assert not INVITATION_TABLES & set(sa.inspect(connection).get_table_names())


def _tables(difference):
    """The names of the tables a difference of compare_metadata is about."""
    items = difference if isinstance(difference, list) else [difference]
    for item in items:
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            yield name if table is None else table.name
