"""The daily autopay cycle on its own (real SQLite and PostgreSQL): the hour, the switch, what is due, once a day.

Two billing instances ticking together against a real broker are tests/test_autopay_cycles.py's.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing import autopay_cycles, charge_runs
from billing.field_models import AutopayCycle
from billing.models import Autopay, Base, ChargeRun, ChargeRunItem, Invoice, PaymentMethod, platform
from portico_testing.inprocess import outbox_writer, postgresql_session, sqlite_session

from .conftest import Business

TENANT, ACCOUNT = 1, 42
# 09:00 in Chicago on 5 Jan 2030 (UTC-6): the business charges at 9.
NINE_IN_CHICAGO = datetime(2030, 1, 5, 15, 0, tzinfo=timezone.utc)
LOCAL_TODAY = date(2030, 1, 5)


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request):
    opened = sqlite_session if request.param == "sqlite" else postgresql_session
    with opened(Base.metadata) as session:
        yield session


@pytest.fixture
def business(session, processor, blobs):
    business = Business(session, processor, blobs, TENANT)
    business.settings(autopay_enabled=True, autopay_charge_hour=9)
    business.staff().update_settings("services", {"time_zone": "America/Chicago"})
    session.commit()
    return business


def enrolled(session, account_id=ACCOUNT):
    method = PaymentMethod(tenant_id=TENANT, account_id=account_id, kind="card", token=f"tok_{account_id}",
                           brand="visa", last4="4242", exp_month=12, exp_year=2031, created_at=NINE_IN_CHICAGO)
    session.add(method)
    session.flush()
    session.add(Autopay(tenant_id=TENANT, account_id=account_id, enrolled=True, scope="new_jobs", locked=False,
                        payment_method_id=method.id, enrolled_at=NINE_IN_CHICAGO))
    session.commit()


def invoice(session, due, number, autopay=True):
    row = Invoice(tenant_id=TENANT, account_id=ACCOUNT, number=number, issue_date=date(2030, 1, 1), due_date=due,
                  total=5_000, balance=5_000, status="open", autopay=autopay, created_at=NINE_IN_CHICAGO)
    session.add(row)
    session.commit()
    return row.id


def tick(session, now):
    return autopay_cycles.tick(session, outbox_writer(platform), now)


def cycles(session):
    return session.execute(select(AutopayCycle.cycle_date, AutopayCycle.invoices)
                           .order_by(AutopayCycle.cycle_date)).all()


def test_no_cycle_before_the_charge_hour_and_one_at_it_with_the_due_invoices_only(session, business):
    enrolled(session)
    due = [invoice(session, LOCAL_TODAY - timedelta(days=3), 1001), invoice(session, LOCAL_TODAY, 1002)]
    later = invoice(session, LOCAL_TODAY + timedelta(days=1), 1003)
    invoice(session, LOCAL_TODAY, 1004, autopay=False)

    assert tick(session, NINE_IN_CHICAGO - timedelta(seconds=1)) == []  # 08:59:59 local
    assert cycles(session) == []

    started = tick(session, NINE_IN_CHICAGO)
    assert [(cycle.cycle_date, cycle.invoices) for cycle in started] == [(LOCAL_TODAY, 2)]
    run = session.get(ChargeRun, started[0].run_id)
    assert run.requested_by is None and run.total == 2
    queued = session.scalars(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == run.id)).all()
    assert sorted(queued) == sorted(due) and later not in queued
    assert charge_runs.progress(session, TENANT, run.id)["automatic"] is True

    assert tick(session, NINE_IN_CHICAGO + timedelta(hours=5)) == []  # later that day: the cycle is done
    assert cycles(session) == [(LOCAL_TODAY, 2)]


def test_a_later_hour_of_the_day_catches_up_and_the_next_day_takes_what_became_due(session, business):
    enrolled(session)
    invoice(session, LOCAL_TODAY, 1001)
    tomorrow = invoice(session, LOCAL_TODAY + timedelta(days=1), 1002)
    # Billing was down at 9: the 16:00 tick starts the day's cycle.
    assert [cycle.invoices for cycle in tick(session, NINE_IN_CHICAGO + timedelta(hours=7))] == [1]
    next_day = tick(session, NINE_IN_CHICAGO + timedelta(days=1))
    assert [(cycle.cycle_date, cycle.invoices) for cycle in next_day] == [(LOCAL_TODAY + timedelta(days=1), 1)]
    assert session.scalar(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == next_day[0].run_id)) \
        == tomorrow


def test_a_day_with_nothing_due_records_a_cycle_of_no_invoices_and_no_run(session, business):
    enrolled(session)
    invoice(session, LOCAL_TODAY + timedelta(days=10), 1001)
    [cycle] = tick(session, NINE_IN_CHICAGO)
    assert (cycle.invoices, cycle.run_id) == (0, None)
    assert session.scalar(select(func.count()).select_from(ChargeRun)) == 0


def test_autopay_turned_off_starts_no_cycle(session, business):
    enrolled(session)
    invoice(session, LOCAL_TODAY, 1001)
    business.settings(autopay_enabled=False)
    session.commit()
    assert tick(session, NINE_IN_CHICAGO + timedelta(hours=3)) == []
    assert cycles(session) == [] and session.scalar(select(func.count()).select_from(ChargeRun)) == 0
    assert autopay_cycles.schedule(session, TENANT, autopay_cycles.settings_of(session, TENANT),
                                   NINE_IN_CHICAGO)["next_charge_at"] is None


def test_an_instance_that_finds_the_cycle_taken_changes_nothing(session, business):
    enrolled(session)
    invoice(session, LOCAL_TODAY, 1001)
    first = autopay_cycles.run_cycle(session, outbox_writer(platform), TENANT, LOCAL_TODAY, NINE_IN_CHICAGO)
    assert first.invoices == 1
    session.rollback()  # SQLite's one pooled connection, for the other session
    # A second instance that read "no cycle yet" before the first committed: its insert loses.
    with Session(session.get_bind()) as other:
        assert autopay_cycles.run_cycle(other, outbox_writer(platform), TENANT, LOCAL_TODAY, NINE_IN_CHICAGO) is None
    assert cycles(session) == [(LOCAL_TODAY, 1)]
    assert session.scalar(select(func.count()).select_from(ChargeRun)) == 1


def test_the_schedule_says_when_the_next_charge_happens_in_local_time(session, business):
    enrolled(session)
    invoice(session, LOCAL_TODAY, 1001)
    settings = autopay_cycles.settings_of(session, TENANT)
    before = autopay_cycles.schedule(session, TENANT, settings, NINE_IN_CHICAGO - timedelta(hours=2))
    assert before["next_charge_at"] == NINE_IN_CHICAGO.isoformat()
    assert before["next_charge_local"] == "Sat 5 Jan 2030, 09:00 (America/Chicago)"
    tick(session, NINE_IN_CHICAGO)
    after = autopay_cycles.schedule(session, TENANT, settings, NINE_IN_CHICAGO + timedelta(hours=1))
    assert after["next_charge_local"] == "Sun 6 Jan 2030, 09:00 (America/Chicago)"
    [recent] = after["recent_cycles"]
    assert (recent["cycle_date"], recent["invoices"], recent["status"]) == ("2030-01-05", 1, "charging")
