"""Settings tabs: stored values over the schema's defaults, read afresh by every call on its own; a batch reads all of
a service's tabs in one statement and hands each call a copy of its own."""
import pytest
from marshmallow import Schema, fields
from sqlalchemy import event

from portico_testing.example_service import Base, ExampleService, ExampleTab
from portico_testing.inprocess import postgresql_session, sqlite_session
from shared.batch import settings_read_once
from shared.settings_store import read_settings, update_settings


class ListedTab(Schema):
    names = fields.List(fields.String(), load_default=lambda: ["General"])


TABS = {"example": ExampleTab, "listed": ListedTab}
TABLE = ExampleService.tables.tenant_settings


@pytest.fixture(params=[sqlite_session, postgresql_session], ids=["sqlite", "postgresql"])
def session(request):
    with request.param(Base.metadata) as session:
        yield session


def settings_reads(session):
    reads = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda *args: reads.append(args[2]) if "FROM tenant_settings" in args[2] else None)
    return reads


def read(session, tab, tenant_id=1):
    return read_settings(session, TABLE, tenant_id, TABS, tab)


def test_a_batch_reads_every_tab_in_one_statement_and_each_call_gets_its_own_copy(session):
    update_settings(session, TABLE, 1, TABS, "listed", {"names": ["Lawns"]})
    reads = settings_reads(session)
    with settings_read_once(session):
        read(session, "listed")["names"].append("changed by one call")
        assert read(session, "listed") == {"names": ["Lawns"]} and read(session, "example") == {"enabled": True}
        assert read(session, "listed", tenant_id=2) == {"names": ["General"]}
    assert len(reads) == 2  # each business once


def test_a_call_on_its_own_reads_the_stored_values_afresh(session):
    read(session, "listed")["names"].append("changed by its reader")
    assert read(session, "listed") == {"names": ["General"]}
    for enabled in (False, True, False):
        update_settings(session, TABLE, 1, TABS, "example", {"enabled": enabled})
        assert read(session, "example") == {"enabled": enabled}
    assert read(session, "example", tenant_id=2) == {"enabled": True}
