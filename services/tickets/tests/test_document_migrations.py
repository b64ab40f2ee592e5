"""The documents migration on both backends: it makes the tables the models describe, and undoes them."""
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portico_testing import Databases
from tickets.models import Base

DOCUMENT_TABLES = {"documents", "document_accounts"}
NAMED_TABLES = DOCUMENT_TABLES | {"tickets", "chat_threads"}  # 0005 adds names and the paging indexes


@pytest.fixture(params=["sqlite", "postgresql"])
def tickets_database(request, tmp_path):
    databases = Databases(request.param, tmp_path, services=("tickets",))
    engine = sa.create_engine(databases.urls["tickets"])
    yield databases.alembic_config("tickets"), engine
    engine.dispose()
    databases.drop()


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


def _tables(difference):
    """The names of the tables a difference of compare_metadata is about."""
    items = difference if isinstance(difference, list) else [difference]
    for item in items:
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            yield name if table is None else table.name
