"""The notifications service in-process: its handlers and RPCs called directly, on a real SQLite database."""
import pytest

from notifications.delivery import DeliverySettings
from notifications.dependencies import Postbox
from notifications.models import Base, platform
from notifications.service import NotificationsService
from portico_testing import inprocess
from portico_testing.inprocess import SECRET_BOX, outbox_writer, service_worker, sqlite_session
from shared.messaging import Inbox, envelope
from shared.sealing import seal_secrets

TENANT = 1
OTHER_TENANT = 2


class Notifications:
    """Call the notifications service as one caller or another, and hand it events as the broker would."""

    def __init__(self, session, settings=None):
        self.db = session
        self.settings = settings or DeliverySettings()
        self.blobs = None  # a blob store, for the tests of inbound mail

    def called_by(self, caller):
        return service_worker(
            NotificationsService, self.db, caller, inbox=Inbox(platform), outbox=outbox_writer(platform, caller),
            mail=Postbox(self.settings, SECRET_BOX), blobs=self.blobs)

    def staff(self, staff_id=1, tenant_id=TENANT):
        return self.called_by(inprocess.staff(tenant_id, staff_id))

    def client(self, tenant_id=TENANT):
        return self.called_by(inprocess.client(tenant_id, 1, 1))

    def deliver(self, contract, data, tenant_id=TENANT, event_id=None):
        """Hand an event of ``contract`` to its handler, its secrets sealed as accounts' outbox seals them."""
        body = envelope(contract, tenant_id, data)
        body["event_id"] = event_id or body["event_id"]
        body = seal_secrets(SECRET_BOX, contract, body)
        getattr(self.called_by(None), f"handle_{contract.name}")(body)
        return body

    def messages(self, tenant_id=TENANT):
        """Return the tenant's queued messages in full, oldest first."""
        staff = self.staff(tenant_id=tenant_id)
        items = staff.list_outbox(per_page=100)["items"]
        return [staff.get_outbox_message(item["id"]) for item in reversed(items)]


@pytest.fixture
def db():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def notifications(db):
    return Notifications(db)
