"""The notifications service in-process: its handlers and RPCs called directly, on a real SQLite database."""
import smtplib
import threading

import pytest

from notifications.delivery import DeliverySettings
from notifications.dependencies import Postbox
from notifications.inbound_smtp import HandOver, InboundSmtpServer
from notifications.models import Base, platform
from notifications.service import NotificationsService
from portico_testing import free_port, inprocess
from portico_testing.inprocess import SECRET_BOX, outbox_writer, service_worker, sqlite_session
from shared.blobs import FolderBlobStore
from shared.errors import NotFound
from shared.messaging import Inbox, envelope
from shared.sealing import seal_secrets

TENANT = 1
OTHER_TENANT = 2
DOMAIN = "in.portal.example"  # the inbound mail domain of the SMTP endpoint's tests


class Accounts:
    """Stands in for accounts' get_client over RPC: accounts below 1000 are business 1's clients, no others."""

    def get_client(self, account_id):
        if account_id >= 1000:
            raise NotFound("No such client.")
        return {"id": account_id, "name": f"Client {account_id}"}


class Notifications:
    """Call the notifications service as one caller or another, and hand it events as the broker would."""

    def __init__(self, session, settings=None):
        self.db = session
        self.settings = settings or DeliverySettings()
        self.blobs = None  # a blob store, for the tests of inbound mail
        self.tickets = None  # tickets' entrypoints as seen over RPC, for the tests of support-address mail
        self.accounts = Accounts()  # accounts' get_client, for the accounts an announcement names

    def called_by(self, caller):
        return service_worker(
            NotificationsService, self.db, caller, inbox=Inbox(platform), outbox=outbox_writer(platform, caller),
            mail=Postbox(self.settings, SECRET_BOX), blobs=self.blobs, tickets=self.tickets, accounts=self.accounts)

    def staff(self, staff_id=1, tenant_id=TENANT):
        return self.called_by(inprocess.staff(tenant_id, staff_id))

    def client(self, tenant_id=TENANT, portal_user_id=1, account_id=1):
        return self.called_by(inprocess.client(tenant_id, portal_user_id, account_id))

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


class Endpoint:
    """The SMTP endpoint on a free port; ``send`` talks to it from a thread of its own while this thread
    serves what it hands over with the service's in-process worker, as the service's green thread does."""

    def __init__(self, notifications):
        self.notifications = notifications
        self.hand_over = HandOver()
        self.port = free_port()
        self.server = InboundSmtpServer("127.0.0.1", self.port, DOMAIN, self.hand_over, max_bytes=200_000)

    def send(self, message, to):
        outcome = {}

        def talk():
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=20) as smtp:
                    outcome["refused"] = smtp.send_message(message, to_addrs=to)
            except smtplib.SMTPException as error:
                outcome["error"] = error

        client = threading.Thread(target=talk)
        client.start()
        while client.is_alive():
            item = self.hand_over.take(timeout=0.05)
            if item is not None:
                mail, settle = item
                settle(self._serve(mail))
        client.join()
        return outcome

    def _serve(self, mail):
        try:
            return self.notifications.called_by(None).receive_inbound_mail(mail)
        except Exception:  # noqa: BLE001 - as the entrypoint settles a worker that failed: no outcome
            return None


@pytest.fixture
def endpoint(notifications, tmp_path):
    notifications.blobs = FolderBlobStore(tmp_path / "blobs")
    endpoint = Endpoint(notifications)
    endpoint.server.start()
    yield endpoint
    endpoint.server.stop()
