"""The throttle's counts in accounts' database: one row per bucket, no login kept, atomic between instances."""
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import throttling
from accounts.models import Base, ThrottleCounter
from portico_testing import at_once
from portico_testing.inprocess import postgresql_session, sqlite_session
from shared.db import make_engine
from shared.errors import PermissionDenied, RateLimited, Unauthenticated

BUCKETS = throttling.client_buckets(7, "ann@example.com", "10.0.0.1")


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request):
    with (sqlite_session if request.param == "sqlite" else postgresql_session)(Base.metadata) as session:
        yield session


def fail(session):
    with pytest.raises(Unauthenticated):
        with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
            raise Unauthenticated("wrong")


def test_each_failure_counts_once_in_each_bucket_and_keeps_no_login(session):
    for _ in range(3):
        fail(session)
    rows = session.execute(select(ThrottleCounter.key, ThrottleCounter.hits)).all()
    assert sorted(hits for _, hits in rows) == [3, 3]
    assert not any("ann" in key or "10.0.0.1" in key for key, _ in rows)


def test_a_success_gives_its_try_back_and_forgets_the_identity_only(session):
    for _ in range(4):
        fail(session)
    with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
        pass
    session.commit()
    assert sorted(session.scalars(select(ThrottleCounter.hits))) == [4]  # the address's failures stay


def test_a_try_refused_for_another_reason_does_not_count(session):
    fail(session)
    with pytest.raises(PermissionDenied):
        with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
            raise PermissionDenied("Signing in is turned off.")
    assert sorted(session.scalars(select(ThrottleCounter.hits))) == [1, 1]


def test_the_sixth_try_is_refused_with_the_wait(session):
    for _ in range(5):
        fail(session)
    with pytest.raises(RateLimited) as error:
        with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
            pass
    assert 890 < error.value.retry_after <= 900


def test_a_lock_lifts_when_its_window_ends_by_the_clock(session, monkeypatch):
    monkeypatch.setenv("THROTTLE_LIMIT", "2 per 2 seconds")
    fail(session)
    fail(session)
    with pytest.raises(RateLimited) as error:
        with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
            pass  # a right password, refused all the same
    assert error.value.retry_after <= 2 and " second" in error.value.message
    time.sleep(error.value.retry_after)
    with throttling.attempt(session, throttling.SIGN_IN, BUCKETS):
        pass


def test_instances_counting_at_once_let_exactly_five_through(session):
    """Twelve instances, each with its own engine on the same database, take a try at the same moment: five
    get one (on SQLite too, where each waits its turn for the file's write lock)."""
    url = session.get_bind().url

    def take_a_try(ready):
        engine = make_engine(url.render_as_string(hide_password=False))
        with Session(engine) as own:
            ready()
            try:
                throttling.count(own, throttling.SIGN_IN, BUCKETS)
                answer = "counted"
            except RateLimited:
                answer = "refused"
            own.commit()
        engine.dispose()
        return answer

    answers = at_once(12, take_a_try)
    assert sorted(answers) == ["counted"] * 5 + ["refused"] * 7
    assert sorted(session.scalars(select(ThrottleCounter.hits))) == [5, 5]
