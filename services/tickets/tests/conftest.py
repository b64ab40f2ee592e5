"""The tickets service in-process: its entrypoints called directly, on a real SQLite database."""
import pytest

from portico_testing import inprocess
from portico_testing.documents import PDF
from portico_testing.inprocess import outbox_writer, service_worker, sqlite_session
from shared.blobs import blob_store
from shared.errors import NotFound
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


# --- documents ------------------------------------------------------------------------------------

TENANT, ACCOUNT, OTHER_ACCOUNT, STAFF_ID, PORTAL_USER = 1, 42, 43, 7, 5
OTHER_BUSINESS_ACCOUNT = 9_999


class Clients:
    """Stands in for accounts: every client is this business's but OTHER_BUSINESS_ACCOUNT."""

    def __init__(self):
        self.asked = []

    def get_client(self, account_id):
        self.asked.append(account_id)
        if account_id == OTHER_BUSINESS_ACCOUNT:
            raise NotFound("No such client.")
        return {"id": account_id}


class DocumentsBusiness:
    def __init__(self, session, blobs):
        self.session, self.blobs, self.clients = session, blobs, Clients()

    def worker(self, caller):
        return service_worker(TicketsService, self.session, caller, outbox=outbox_writer(platform, caller),
                              blobs=self.blobs, accounts=self.clients)

    def staff(self, tenant_id=TENANT):
        return self.worker(inprocess.staff(tenant_id, STAFF_ID))

    def client(self, account_id=ACCOUNT, rights="pay", tenant_id=TENANT):
        return self.worker(inprocess.client(tenant_id, PORTAL_USER, account_id, rights))

    def settings(self, **changes):
        return self.staff().update_settings("tickets", changes)

    def upload(self, data, content_type="application/octet-stream"):
        """What the gateway does with a file it received: put it in the blob store."""
        return self.blobs.put(data, content_type)

    def share(self, data=PDF, account_id=ACCOUNT, **document):
        return self.staff().share_document(account_id, {"upload_id": self.upload(data), "title": "Engagement letter",
                                                        **document})

    events_table = platform.outbox

    def events(self, event_type=None):
        outbox = platform.outbox
        rows = self.session.execute(outbox.select().order_by(outbox.c.id)).mappings().all()
        return [(row["event_type"], row["body"]["data"]) for row in rows if event_type in (None, row["event_type"])]


@pytest.fixture
def documents(db, tmp_path):
    """One business's documents, its entrypoints called as the gateway calls them, accounts played here."""
    return DocumentsBusiness(db, blob_store(f"file://{tmp_path}/blobs"))
