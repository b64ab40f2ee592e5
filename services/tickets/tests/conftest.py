"""The tickets service in-process: its entrypoints called directly, on a real SQLite database."""
import pytest

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
    context = {"tenant_id": 1, "actor": {"kind": "staff", "id": 1}}
    return service_worker(TicketsService, db, context, outbox=outbox_writer(platform, context))
