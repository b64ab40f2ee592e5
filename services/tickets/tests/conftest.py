"""The tickets service in-process: its entrypoints called directly, on a real SQLite database, with the blob
store in a folder and accounts played in this process."""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from portico_testing import Databases, inprocess
from portico_testing.documents import PDF
from portico_testing.inprocess import SECRET_BOX, opened_payload, outbox_writer, service_worker, sqlite_session
from shared.blobs import blob_store
from shared.errors import NotFound, ServiceTimeout
from shared.events import INBOUND_TICKET_MAIL
from shared.messaging import Inbox, envelope
from shared.sealing import seal_secrets
from tickets.models import Base, platform
from tickets.service import TicketsService


@pytest.fixture(params=["sqlite", "postgresql"])
def tickets_database(request, tmp_path):
    """An empty tickets database on each backend (the migrations' tests): its Alembic config and an engine."""
    databases = Databases(request.param, tmp_path, services=("tickets",))
    engine = sa.create_engine(databases.urls["tickets"])
    yield databases.alembic_config("tickets"), engine
    engine.dispose()
    databases.drop()


@pytest.fixture
def db():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def staff(db):
    """The tickets service called by a staff member of tenant 1."""
    caller = inprocess.staff(1)
    return service_worker(TicketsService, db, caller, outbox=outbox_writer(platform, caller))


# --- a business, its entrypoints called as the gateway calls them ------------------------------------

TENANT, ACCOUNT, OTHER_ACCOUNT, STAFF_ID, PORTAL_USER = 1, 42, 43, 7, 11
STAFF_MEMBERS = (7, 8)
NOT_OUR_CLIENT = 9_999  # another business's client
SLUGS = {"green-acres": 1, "blue-sky": 2}
DOCUMENTS_PORTAL_USER = 5
UNLISTED = ("audit_fact", "settings_updated")  # Business.events lists these only when asked for by type


class Accounts:
    """Stands in for accounts: every client is the business's but NOT_OUR_CLIENT; staff are STAFF_MEMBERS."""

    def __init__(self):
        self.asked = []
        self.names_down, self.names_asked = False, 0

    def get_client(self, account_id):
        self.asked.append(account_id)
        if account_id == NOT_OUR_CLIENT:
            raise NotFound("No such client.")
        return {"id": account_id, "name": f"Client {account_id}", "email": f"client-{account_id}@example.com"}

    def list_staff_users(self):
        return [{"id": member, "name": f"Staff {member}"} for member in STAFF_MEMBERS]

    def find_mail_sender(self, slug, email):
        """Business 1 is "green-acres", 2 "blue-sky"; ``client-<account>@example.com`` is that account's client
        (and PORTAL_USER's), of business 1 for accounts under 100, of business 2 from 100."""
        tenant_id = SLUGS.get(slug)
        if tenant_id is None:
            raise NotFound("No such business.")
        match = re.fullmatch(r"client-(\d+)@example\.com", email.lower())
        account_id = int(match.group(1)) if match else None
        if account_id is None or (account_id >= 100) != (tenant_id == 2):
            return {"tenant_id": tenant_id, "account_id": None, "portal_user_id": None}
        return {"tenant_id": tenant_id, "account_id": account_id, "portal_user_id": PORTAL_USER}

    def get_my_names(self):
        """What accounts answers a signed-in client (in-process there is no passport: the business's own client)."""
        self.names_asked += 1
        if self.names_down:
            raise ServiceTimeout("accounts did not answer in time")
        return {"account_id": ACCOUNT, "account_name": f"Client {ACCOUNT}", "portal_user_id": PORTAL_USER,
                "portal_user_name": "Ann Client"}


class Billing:
    """Stands in for billing: the client (ACCOUNT, in-process there is no passport) has visit OUR_VISIT only."""

    def __init__(self):
        self.asked = []

    def my_visit_reference(self, visit_id):
        self.asked.append(visit_id)
        if visit_id != OUR_VISIT:
            raise NotFound("No such visit.")
        return {"kind": "visit", "id": OUR_VISIT, "label": OUR_VISIT_LABEL}


OUR_VISIT, OUR_VISIT_LABEL = 31, "Lawn mowing on Sun 3 May 2026, 09:00-11:00"


class Business:
    portal_user, client_rights = PORTAL_USER, "view"
    events_table = platform.outbox

    def __init__(self, session, blobs, tenant_id=TENANT):
        self.session, self.blobs, self.tenant_id = session, blobs, tenant_id
        self.accounts = self.clients = Accounts()
        self.billing = Billing()

    def worker(self, caller):
        return service_worker(TicketsService, self.session, caller, outbox=outbox_writer(platform, caller),
                              blobs=self.blobs, accounts=self.accounts, billing=self.billing, inbox=Inbox(platform))

    def staff(self, staff_id=STAFF_ID, tenant_id=None):
        return self.worker(inprocess.staff(tenant_id or self.tenant_id, staff_id))

    def client(self, account_id=ACCOUNT, rights=None, tenant_id=None):
        return self.worker(inprocess.client(tenant_id or self.tenant_id, self.portal_user, account_id,
                                            rights or self.client_rights))

    def system(self):
        return self.worker(None)

    def settings(self, **changes):
        return self.staff().update_settings("tickets", changes)

    def category(self, name="General"):
        return next(row["id"] for row in self.staff().ticket_categories() if row["name"] == name)

    def open(self, body="The gate was left open.", client=None, **request):
        client = client or self.client()
        return client.open_my_ticket({"category_id": self.category(), "body": body, **request})

    def upload(self, data, content_type="application/octet-stream"):
        """What the gateway does with a file it received: put it in the blob store."""
        return self.blobs.put(data, content_type)

    def share(self, data=PDF, account_id=ACCOUNT, **document):
        return self.staff().share_document(account_id, {"upload_id": self.upload(data), "title": "Engagement letter",
                                                        **document})

    def events(self, event_type=None):
        """The events tickets wrote to its outbox, secrets opened: [(type, data)], oldest first; the audit facts
        (test_audit_facts.py) and settings changes only when asked for by their type."""
        outbox = platform.outbox
        rows = self.session.execute(outbox.select().order_by(outbox.c.id)).mappings().all()
        return [(row["event_type"], opened_payload(row["body"])) for row in rows
                if event_type == row["event_type"] or (event_type is None and row["event_type"] not in UNLISTED)]


class DocumentsBusiness(Business):
    """The documents tests' business: its client may pay (uploading needs it) and is another portal user."""
    portal_user, client_rights = DOCUMENTS_PORTAL_USER, "pay"


def inbound_mail(token, mail_id="<m1@client.example>", text="Thanks, see the photo.", attachments=(),
                 tenant_id=TENANT):
    """The envelope notifications publishes for a client's mail to a reply address, its token sealed."""
    body = envelope(INBOUND_TICKET_MAIL, tenant_id, {
        "reply_token": token, "from_address": "client@example.com", "text": text,
        "attachments": list(attachments), "mail_id": mail_id})
    return seal_secrets(SECRET_BOX, INBOUND_TICKET_MAIL, body)


def photo(size=(40, 30), image_format="JPEG", **options):
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format=image_format, **options)
    return output.getvalue()


@pytest.fixture
def accounts():
    """The accounts service as these tests play it (``Accounts``), for a worker wired by hand."""
    return Accounts()


@pytest.fixture
def blobs(tmp_path):
    """The blob store in a folder of the test's own, as the embedded default keeps it."""
    return blob_store(f"file://{tmp_path}/blobs")


@pytest.fixture
def business(db, blobs):
    return Business(db, blobs)


@pytest.fixture
def documents(db, blobs):
    """One business's documents, its entrypoints called as the gateway calls them, accounts played here."""
    return DocumentsBusiness(db, blobs)


@pytest.fixture
def files():
    """Makers of uploads: a real photo, a PDF."""
    return {"photo": photo, "pdf": PDF}


@pytest.fixture
def mail():
    return inbound_mail


@pytest.fixture
def other_business(db, blobs):
    """Another business on the same database: its tickets are never the first one's."""
    return Business(db, blobs, tenant_id=2)
