"""The entrypoints every service shares, called in-process on a real database of each backend."""
import pytest

from portico_testing.example_service import Base, ExampleService
from portico_testing.inprocess import client, postgresql_session, service_worker, sqlite_session, staff
from shared.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated


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
