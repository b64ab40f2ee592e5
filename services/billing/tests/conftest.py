"""What billing's own tests share: a real SQLite database, the processor played in-process (or Stripe's stand-in),
the service's workers."""
from datetime import date

import pytest

from billing.models import Base, platform
from billing.processor import ChargeResult, ProcessorError, ProcessorUnavailable, RefundResult
from billing.service import BillingService
from portico_testing import inprocess
from portico_testing.fake_stripe import fake_stripe
from portico_testing.inprocess import outbox_writer, service_worker, sqlite_session
from shared.blobs import blob_store
from shared.errors import NotFound
from shared.messaging import Inbox, envelope

TENANT, ACCOUNT, STAFF_ID = 1, 42, 7
OTHER_BUSINESS_ACCOUNT = 9_999  # a client of another business: accounts does not confirm it
VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
MASTERCARD = {**VISA, "token": "tok_mastercard_4444", "brand": "mastercard", "last4": "4444"}
BANK = {"token": "tok_bank_6789", "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None,
        "exp_year": None}


class Processor:
    """The payment processor, played in this process: one charge per idempotency key, as the real one.

    ``unreachable``: the processor makes the charge, but its answer never reaches billing. ``declined`` and
    ``unanswered``: tokens whose charges are declined, or made with no answer reaching billing, whatever the rest.
    """

    name, mode = "sandbox", "test"

    def __init__(self, status="succeeded"):
        self.status, self.unreachable = status, False
        self.declined, self.unanswered = set(), set()
        self.charged, self.results, self.detached = [], {}, []
        self.refunded, self.refusing = {}, None  # refunds made: key -> (charge id, amount)
        # Of each charge asked for: whether the client was away (autopay, runs, staff), and its currency.
        self.off_session, self.currencies = [], []

    def charge(self, token, amount, currency, idempotency_key, description=None, off_session=True):
        self.off_session.append(off_session)
        self.currencies.append(currency)
        if idempotency_key not in self.results:
            self.charged.append((idempotency_key, amount))
            status = "declined" if token in self.declined else self.status
            self.results[idempotency_key] = ChargeResult(status, f"ch_{len(self.charged)}", f"The charge {status}.")
        if self.unreachable or token in self.unanswered:
            raise ProcessorUnavailable("The payment processor did not answer.")
        return self.results[idempotency_key]

    def find_charge(self, idempotency_key, token=None, since=None):
        return self.results.get(idempotency_key)

    def detach(self, token):
        self.detached.append(token)

    def refund(self, charge_id, amount, idempotency_key):
        """Refunds once per key; ``refusing`` (a message): the processor refuses every refund."""
        if idempotency_key not in self.refunded:
            if self.refusing:
                raise ProcessorError("amount_too_large", self.refusing, 400)
            self.refunded[idempotency_key] = (charge_id, amount)
        if self.unreachable:
            raise ProcessorUnavailable("The payment processor did not answer.")
        return RefundResult("succeeded", f"re_{list(self.refunded).index(idempotency_key) + 1}")


class Clients:
    """Stands in for the accounts service: every client is this business's but OTHER_BUSINESS_ACCOUNT."""

    def __init__(self):
        self.asked = []

    def get_client(self, account_id):
        self.asked.append(account_id)
        if account_id == OTHER_BUSINESS_ACCOUNT:
            raise NotFound("No such client.")
        return {"id": account_id}


class Business:
    """One tenant's billing, its entrypoints called in this process as the gateway calls them over RPC."""

    def __init__(self, session, processor, blobs, tenant_id=TENANT):
        self.session, self.processor, self.blobs, self.tenant_id = session, processor, blobs, tenant_id
        self.clients = Clients()

    def worker(self, caller):
        return service_worker(BillingService, self.session, caller, outbox=outbox_writer(platform, caller),
                              processor=self.processor, accounts=self.clients, blobs=self.blobs,
                              inbox=Inbox(platform))

    def deliver(self, contract, data, event_id=None):
        """Hand an event of ``contract`` about this business to billing's handler, as the broker would."""
        body = envelope(contract, self.tenant_id, data)
        body["event_id"] = event_id or body["event_id"]
        getattr(self.worker(None), f"handle_{contract.name}")(body)

    def staff(self):
        return self.worker(inprocess.staff(self.tenant_id, STAFF_ID))

    def client(self, account_id=ACCOUNT, rights="manage"):
        return self.worker(inprocess.client(self.tenant_id, 1, account_id, rights))

    def settings(self, **changes):
        return self.staff().update_settings("billing", changes)

    def invoice(self, *prices, account_id=ACCOUNT, due=date(2031, 1, 31)):
        return self.staff().create_invoice({
            "account_id": account_id, "due_date": due.isoformat(),
            "lines": [{"description": f"Visit {index + 1}", "unit_price": price} for index, price in enumerate(prices)]})

    def events(self, event_type=None):
        """The events billing wrote to its outbox: [(type, data)], oldest first."""
        outbox = platform.outbox
        rows = self.session.execute(outbox.select().order_by(outbox.c.id)).mappings().all()
        return [(row["event_type"], row["body"]["data"]) for row in rows
                if event_type in (None, row["event_type"])]


@pytest.fixture
def session():
    with sqlite_session(Base.metadata) as session:
        yield session


@pytest.fixture
def engine(session):
    return session.get_bind()


@pytest.fixture
def processor():
    return Processor()


@pytest.fixture
def stripe_api():
    """Stripe's API as its local stand-in plays it (portico_testing/fake_stripe.py): no network."""
    with fake_stripe() as server:
        yield server


@pytest.fixture
def outbox():
    return outbox_writer(platform)


@pytest.fixture
def blobs(tmp_path):
    """The blob store in a folder of the test's own, as the embedded default keeps it."""
    return blob_store(f"file://{tmp_path}/blobs")


@pytest.fixture
def business(session, processor, blobs):
    return Business(session, processor, blobs)


@pytest.fixture
def business_on(processor, blobs):
    """Return a maker of the Business whose workers use a given session: two requests in two transactions."""
    return lambda session: Business(session, processor, blobs)


@pytest.fixture
def other_business(session, processor, blobs):
    """Another business on the same database: none of the first one's rows are its."""
    return Business(session, processor, blobs, tenant_id=2)
