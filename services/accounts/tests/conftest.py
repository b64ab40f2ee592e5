"""The accounts service in-process: its entrypoints called directly, on a real SQLite database."""
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import select

from accounts import passwords
from accounts.models import Base, platform
from accounts.secret_box import DataBox, new_key as new_data_key
from accounts.service import AccountsService
from portico_testing import inprocess
from portico_testing.inprocess import opened_payload, outbox_writer, service_worker, sqlite_session
from shared.blobs import blob_store
from shared.passport import PassportSigner, PassportVerifier, new_key

PASSWORD = "a fine long passphrase"
SIGNING_KEY, PUBLIC_KEY = new_key("accounts-test")
DATA_KEYS = new_data_key()


class Accounts:
    """Call the accounts service's entrypoints as one caller or another, and read what it published."""

    def __init__(self, session, blobs):
        self.db = session
        self.blobs = blobs

    def called_by(self, caller):
        return service_worker(AccountsService, self.db, caller, outbox=outbox_writer(platform, caller),
                              passport=PassportSigner(SIGNING_KEY), blobs=self.blobs,
                              data_keys=DataBox(DATA_KEYS))

    def operator(self):
        return self.called_by(inprocess.operator())

    def anonymous(self, tenant_id):
        return self.called_by(inprocess.visitor(tenant_id))

    def staff(self, tenant_id, staff_id=1, role="owner"):
        return self.called_by(inprocess.staff(tenant_id, staff_id, role))

    def client(self, tenant_id, session):
        """Act as the client of a portal ``session`` (as sign-in returns it), on its current account."""
        account = session["account"]
        return self.called_by(inprocess.client(tenant_id, session["portal_user"]["id"], account["id"],
                                               account["rights"],
                                               {item["id"]: item["rights"] for item in session["accounts"]}))

    @staticmethod
    def claims_of(passport):
        """What a passport accounts signed says, as every service reads it."""
        return PassportVerifier(PUBLIC_KEY).verify(passport)

    def published(self, event_type):
        """Return the payloads of the events of ``event_type`` in the outbox, oldest first, secrets opened."""
        outbox = platform.outbox
        rows = self.db.execute(select(outbox.c.body).where(outbox.c.event_type == event_type)
                               .order_by(outbox.c.id)).all()
        return [opened_payload(row.body) for row in rows]


@pytest.fixture(autouse=True)
def cheapest_argon2(monkeypatch):
    """Hash with argon2id's cheapest parameters: these tests check rules, not the hashing cost."""
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not anyone's password"))


@pytest.fixture
def db():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def blobs(tmp_path):
    """The blob store in a folder of the test's own, as the embedded default keeps it."""
    return blob_store(f"file://{tmp_path}/blobs")


@pytest.fixture
def accounts(db, blobs):
    return Accounts(db, blobs)


@pytest.fixture
def tenant(accounts):
    """The id of a new tenant whose owner signs in with PASSWORD."""
    return accounts.operator().create_tenant({"slug": "acme", "display_name": "Acme", "owner": {
        "email": "boss@acme.example", "name": "Boss", "password": PASSWORD}})["id"]


@pytest.fixture
def staff(accounts, tenant):
    return accounts.staff(tenant)


@pytest.fixture
def invited(accounts, staff):
    """A client invited to the portal, and the token of their invitation link."""
    client = staff.create_client({"name": "Ann Lee", "email": "ann@example.com"})
    assert staff.invite_clients([client["id"]])[0]["status"] == "invited"
    return client, accounts.published("portal_invitation_issued")[-1]["token"]


@pytest.fixture
def signed_in(accounts, tenant, invited):
    """The portal session of the invited client, who accepted the invitation with PASSWORD."""
    _, token = invited
    return accounts.anonymous(tenant).accept_invitation(token, {"password": PASSWORD})
