"""A service's entrypoints run in the test's own process against a real database: a rule checked in milliseconds.

nameko's ``worker_factory`` builds the service instance; ``db`` is a real SQLAlchemy session and
``ctx`` a real call context, so what an entrypoint reads, writes and refuses is the real thing.
Dependencies the test does not pass become MagicMocks: pass real ones for whatever the entrypoint
under test uses (``outbox_writer`` for events).
"""
import contextlib
import tempfile

from nameko.testing.services import worker_factory
from sqlalchemy.orm import Session

from portico_testing import Databases
from shared.context import Context
from shared.db import make_engine
from shared.events import CONTRACTS
from shared.messaging import OutboxWriter
from shared.passport import Claims
from shared.sealing import SecretBox, new_key, open_secrets

# The key that seals one-time secrets in events in-process (MESSAGE_SECRETS_KEYS in a service).
SECRET_BOX = SecretBox(new_key())


class InProcessWorker:
    """A service instance whose every call ends its transaction, as a worker does when it finishes.

    What a call did not commit is undone, and the next call reads from the database rather
    than from objects an earlier call loaded.
    """

    def __init__(self, service):
        self.service = service

    def __getattr__(self, name):
        found = getattr(self.service, name)
        if not callable(found):
            return found

        def call(*args, **kwargs):
            try:
                return found(*args, **kwargs)
            finally:
                self.service.db.rollback()

        return call


def caller_context(caller=None):
    """The call context of ``caller`` (Claims, as a verified passport would state them); None calls with none."""
    return Context.of(caller) if caller is not None else Context({})


def service_worker(service_cls, session, caller=None, **dependencies):
    """Return ``service_cls`` ready to call, with ``session`` as its database, called by ``caller`` (Claims)."""
    return InProcessWorker(worker_factory(service_cls, db=session, ctx=caller_context(caller), **dependencies))


def outbox_writer(tables, caller=None, box=SECRET_BOX):
    """An outbox that writes event rows into the worker's transaction, as the service's own does."""
    return OutboxWriter(tables, caller_context(caller), on_added=lambda: None, box=box)


def opened_payload(body, box=SECRET_BOX):
    """The payload of the event ``body`` (an outbox row's) with its secret fields opened, as its subscriber sees it."""
    contract = next(contract for contract in CONTRACTS if contract.name == body["event_type"])
    return open_secrets(box, contract, body, body["data"])


# --- callers, as accounts would vouch for them -------------------------------------------------

def staff(tenant_id, staff_id=1, role="owner"):
    return Claims(tenant_id=tenant_id, actor_kind="staff", actor_id=staff_id, role=role)


def client(tenant_id, portal_user_id, account_id, rights="pay", other_accounts=None):
    """A portal user acting for ``account_id`` with ``rights``; ``other_accounts`` maps more linked ids to rights."""
    return Claims(tenant_id=tenant_id, actor_kind="client", actor_id=portal_user_id, account_id=account_id,
                  rights={account_id: rights, **(other_accounts or {})})


def visitor(tenant_id):
    return Claims(tenant_id=tenant_id, actor_kind="visitor")


def operator():
    return Claims(tenant_id=None, actor_kind="operator")


@contextlib.contextmanager
def session_on(url, metadata):
    """Yield a Session on ``url`` after creating ``metadata``'s tables there."""
    engine = make_engine(url)
    metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


@contextlib.contextmanager
def sqlite_session(metadata):
    """Yield a Session over a fresh SQLite file (the embedded default) holding ``metadata``'s tables."""
    with tempfile.TemporaryDirectory() as directory:
        with session_on(f"sqlite:///{directory}/service.db", metadata) as session:
            yield session


@contextlib.contextmanager
def postgresql_session(metadata):
    """Yield a Session over a throw-away database on the local PostgreSQL holding ``metadata``'s tables."""
    databases = Databases("postgresql", tempfile.gettempdir(), services=("inprocess",))
    try:
        with session_on(databases.urls["inprocess"], metadata) as session:
            yield session
    finally:
        databases.drop()
