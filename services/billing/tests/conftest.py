"""What billing's own tests share: a real SQLite database with billing's tables, and the processor's part played in-process."""
import pytest
from sqlalchemy.orm import Session

from billing.models import Base, platform
from billing.processor import ChargeResult, ProcessorUnavailable
from shared.db import make_engine
from shared.messaging import OutboxWriter


class Processor:
    """The payment processor, played in this process: one charge per idempotency key, as the real one.

    ``unreachable``: the processor makes the charge, but its answer never reaches billing.
    """

    def __init__(self, status="succeeded"):
        self.status, self.unreachable = status, False
        self.charged, self.results, self.detached = [], {}, []

    def charge(self, token, amount, currency, idempotency_key, description=None):
        if idempotency_key not in self.results:
            self.charged.append((idempotency_key, amount))
            self.results[idempotency_key] = ChargeResult(self.status, f"ch_{len(self.charged)}",
                                                         f"The charge {self.status}.")
        if self.unreachable:
            raise ProcessorUnavailable("The payment processor did not answer.")
        return self.results[idempotency_key]

    def find_charge(self, idempotency_key):
        return self.results.get(idempotency_key)

    def detach(self, token):
        self.detached.append(token)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/billing.db")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def processor():
    return Processor()


@pytest.fixture
def outbox():
    return OutboxWriter(platform, {}, lambda: None)
