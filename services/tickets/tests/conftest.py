"""The tickets service in-process: its entrypoints called directly, on a real SQLite database."""
import pytest

from portico_testing.inprocess import outbox_writer, service_worker, sqlite_session
from tickets.models import Base, platform
from tickets.service import TicketsService


class EndsItsTransaction:
    """A worker whose every call ends its transaction as a worker's does: what it did not commit is undone.

    It also makes the next call read from the database rather than from objects loaded before.
    """

    def __init__(self, worker):
        self.worker = worker

    def __getattr__(self, name):
        entrypoint = getattr(self.worker, name)

        def call(*args, **kwargs):
            try:
                return entrypoint(*args, **kwargs)
            finally:
                self.worker.db.rollback()

        return call


@pytest.fixture
def db():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def staff(db):
    """The tickets service called by a staff member of tenant 1."""
    context = {"tenant_id": 1, "actor": {"kind": "staff", "id": 1}}
    return EndsItsTransaction(service_worker(TicketsService, db, context, outbox=outbox_writer(platform, context)))
