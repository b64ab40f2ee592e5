"""Retention on both backends: old sent events and processed events go, recent and unsent ones stay."""
import uuid
from datetime import timedelta

import eventlet
import pytest
from nameko.containers import ServiceContainer
from sqlalchemy import func, insert, select
from sqlalchemy.orm import DeclarativeBase, Session

from portico_testing.inprocess import postgresql_session, sqlite_session
from shared.clock import utcnow
from shared.db import engine_for
from shared.retention import Retention, Rule, platform_rules, prune
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


tables = PlatformTables(Base.metadata)
NOW = utcnow()
SESSIONS = {"sqlite": sqlite_session, "postgresql": postgresql_session}


@pytest.fixture(params=sorted(SESSIONS))
def session(request):
    with SESSIONS[request.param](Base.metadata) as session:
        yield session


def add_event(session, created_days_ago, sent_days_ago=None):
    event_id = str(uuid.uuid4())
    session.execute(insert(tables.outbox).values(
        event_id=event_id, event_type="something_happened", tenant_id=1, body={}, headers={},
        created_at=NOW - timedelta(days=created_days_ago), attempts=0,
        sent_at=None if sent_days_ago is None else NOW - timedelta(days=sent_days_ago)))
    return event_id


def add_processed(session, days_ago):
    event_id = str(uuid.uuid4())
    session.execute(insert(tables.processed_events).values(
        consumer="svc.something_happened", event_id=event_id, processed_at=NOW - timedelta(days=days_ago)))
    return event_id


def left(session, table):
    return set(session.scalars(select(table.c.event_id)).all())


def with_days(*days):
    return list(zip(platform_rules(tables), days))


def test_sent_events_and_processed_events_go_after_their_retention_and_nothing_else(session):
    old_sent = add_event(session, created_days_ago=9, sent_days_ago=8)
    recent_sent = add_event(session, created_days_ago=6, sent_days_ago=6)
    old_unsent = add_event(session, created_days_ago=100)  # still to publish: never pruned
    old_processed, recent_processed = add_processed(session, 31), add_processed(session, 29)
    session.commit()

    assert prune(session.get_bind(), with_days(7, 30), NOW) is False
    session.expire_all()

    assert old_sent not in left(session, tables.outbox)
    assert left(session, tables.outbox) == {recent_sent, old_unsent}
    assert left(session, tables.processed_events) == {recent_processed}
    assert old_processed not in left(session, tables.processed_events)


def test_a_large_backlog_goes_in_batches_and_forever_keeps_everything(session):
    for _ in range(5):
        add_event(session, created_days_ago=20, sent_days_ago=20)
        add_processed(session, 40)
    session.commit()

    assert prune(session.get_bind(), with_days(None, 30), NOW, batch=2) is True  # processed: more to go
    assert session.scalar(select(func.count()).select_from(tables.outbox)) == 5  # forever: kept
    session.rollback()  # hand the connection back (SQLite's pool holds one)
    while prune(session.get_bind(), with_days(None, 30), NOW, batch=2):
        pass
    assert session.scalar(select(func.count()).select_from(tables.processed_events)) == 0


def test_a_rule_only_touches_rows_its_condition_allows(session):
    add_event(session, created_days_ago=50)
    kept = add_event(session, created_days_ago=50, sent_days_ago=1)
    session.commit()
    by_creation = Rule("events, by creation", tables.outbox, "created_at", "UNUSED_RETENTION_DAYS", 10,
                       only=lambda table: table.c.sent_at.is_(None))
    prune(session.get_bind(), [(by_creation, 10)], NOW)
    session.expire_all()
    assert left(session, tables.outbox) == {kept}


def test_days_come_from_the_environment(monkeypatch):
    rule = platform_rules(tables)[0]
    assert rule.days() == 7
    monkeypatch.setenv("OUTBOX_RETENTION_DAYS", "0.5")
    assert rule.days() == 0.5
    monkeypatch.setenv("OUTBOX_RETENTION_DAYS", "Forever")
    assert rule.days() is None
    for bad in ("-1", "a week"):
        monkeypatch.setenv("OUTBOX_RETENTION_DAYS", bad)
        with pytest.raises(ValueError, match="OUTBOX_RETENTION_DAYS"):
            rule.days()


class PruningService:
    name = "pruning"
    tables = tables
    retention = Retention()


def count(engine, table):
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(table))


def wait_until_empty(engine, table, seconds=5):
    with eventlet.Timeout(seconds):
        while count(engine, table):
            eventlet.sleep(0.02)


def test_a_service_prunes_at_start_and_on_its_timer(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/pruning.db"
    monkeypatch.setenv("RETENTION_INTERVAL_SECONDS", "0.05")
    engine = engine_for(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        add_event(session, created_days_ago=10, sent_days_ago=10)
        session.commit()
    container = ServiceContainer(PruningService, config={"DATABASE_URL": url})
    container.start()
    try:
        wait_until_empty(engine, tables.outbox)
        with Session(engine) as session:  # a row left later goes on a later pass
            add_processed(session, 31)
            session.commit()
        wait_until_empty(engine, tables.processed_events)
    finally:
        container.stop()
