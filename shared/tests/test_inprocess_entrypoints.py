"""The entrypoints every service shares, called in-process on a real database of each backend."""
import pytest
from marshmallow import Schema
from sqlalchemy.orm import DeclarativeBase

from portico_testing.inprocess import client, postgresql_session, service_worker, sqlite_session, staff
from shared.context import CallContext
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from shared.fields import StrictBoolean
from shared.messaging import Outbox
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


class ExampleTab(Schema):
    enabled = StrictBoolean(load_default=True)


class ExampleService(StandardEntrypoints):
    name = "example"
    version = "1"
    tables = PlatformTables(Base.metadata)
    settings_tabs = {"example": ExampleTab}

    db = Database()
    ctx = CallContext()
    outbox = Outbox(tables)


@pytest.fixture(params=[sqlite_session, postgresql_session], ids=["sqlite", "postgresql"])
def session(request):
    with request.param(Base.metadata) as session:
        yield session


def test_settings_belong_to_the_calling_tenant(session):
    first = service_worker(ExampleService, session, staff(1))
    assert first.update_settings("example", {"enabled": False}) == {"enabled": False}
    assert first.get_settings("example") == {"enabled": False}
    assert service_worker(ExampleService, session, staff(2)).get_settings("example") == {"enabled": True}


def test_a_call_without_a_passport_is_refused(session):
    with pytest.raises(Unauthenticated):
        service_worker(ExampleService, session).get_settings("example")


def test_settings_are_for_staff_only(session):
    with pytest.raises(PermissionDenied):
        service_worker(ExampleService, session, client(1, 5, 9)).update_settings("example", {"enabled": False})


def test_bad_settings_change_nothing(session):
    service = service_worker(ExampleService, session, staff(1))
    with pytest.raises(InvalidInput) as refused:
        service.update_settings("example", {"enabled": "yes"})
    assert list(refused.value.fields) == ["enabled"]
    assert service.get_settings("example") == {"enabled": True}
    with pytest.raises(NotFound):
        service.get_settings("missing")
