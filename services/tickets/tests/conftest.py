"""The tickets service in-process: its entrypoints called directly, on a real SQLite database."""
import pytest

from portico_testing import inprocess
from portico_testing.inprocess import outbox_writer, service_worker, sqlite_session
from tickets.models import Base, platform
from tickets.service import TicketsService


@pytest.fixture
def db():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def staff(db):
    """The tickets service called by a staff member of tenant 1."""
    caller = inprocess.staff(1)
    return service_worker(TicketsService, db, caller, outbox=outbox_writer(platform, caller))
