"""The outbox relay on both backends: what the broker confirmed is marked sent, the rest stays pending, in order."""
import uuid

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import DeclarativeBase, Session

from portico_testing.inprocess import postgresql_session, sqlite_session
from shared.clock import utcnow
from shared.messaging import Relay
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


tables = PlatformTables(Base.metadata)
SESSIONS = {"sqlite": sqlite_session, "postgresql": postgresql_session}


class Publisher:
    """Stands in for shared.confirms.ConfirmingPublisher: the broker confirms the first ``confirms`` of a batch."""

    def __init__(self, confirms):
        self.confirms, self.batches, self.confirmed = confirms, [], 0

    def publish_all(self, messages):
        self.batches.append([message_id for *_, message_id in messages])
        self.confirmed = min(self.confirms, len(messages))
        if self.confirmed < len(messages):
            raise RuntimeError("not confirmed")


@pytest.fixture(params=sorted(SESSIONS))
def engine(request):
    with SESSIONS[request.param](Base.metadata) as session:
        yield session.get_bind()


def add_events(engine, count):
    with Session(engine) as session:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        session.execute(insert(tables.outbox), [
            {"event_id": event_id, "event_type": "something_happened", "tenant_id": 1, "body": {"n": n},
             "headers": {}, "created_at": utcnow(), "attempts": 0} for n, event_id in enumerate(ids)])
        session.commit()
    return ids


def unsent(engine):
    with Session(engine) as session:
        return session.scalars(select(tables.outbox.c.event_id).where(tables.outbox.c.sent_at.is_(None))
                               .order_by(tables.outbox.c.id)).all()


def relay_with(engine, publisher):
    relay = Relay(engine, tables, "shared_tests")
    relay.publisher = publisher
    return relay


def test_events_are_published_in_order_and_marked_sent(engine):
    ids = add_events(engine, 5)
    publisher = Publisher(confirms=10)

    assert relay_with(engine, publisher).publish_pending(batch=3) == 3
    assert publisher.batches == [ids[:3]] and unsent(engine) == ids[3:]
    assert relay_with(engine, publisher).publish_pending(batch=3) == 2
    assert publisher.batches[1] == ids[3:] and unsent(engine) == []
    assert relay_with(engine, publisher).publish_pending() == 0


def test_events_the_broker_did_not_confirm_stay_pending_and_go_next_time(engine):
    ids = add_events(engine, 4)

    with pytest.raises(RuntimeError):
        relay_with(engine, Publisher(confirms=1)).publish_pending()
    assert unsent(engine) == ids[1:]
    with pytest.raises(RuntimeError):
        relay_with(engine, Publisher(confirms=0)).publish_pending()
    assert unsent(engine) == ids[1:]

    publisher = Publisher(confirms=10)
    assert relay_with(engine, publisher).publish_pending() == 3
    assert publisher.batches == [ids[1:]] and unsent(engine) == []
