"""Charge runs on their own (a real database of each backend, the processor played in-process): starting one, charging
it, settling. PostgreSQL joins some of the writes into one statement: both backends must leave the same rows.

The concurrency of a run (row locks, several instances, a killed one) is for tests/test_billing_faults.py
on PostgreSQL; these check what one session does, and how much SQL it takes.
"""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, event, func, select, text, update
from sqlalchemy.orm import Session

from billing import charge_groups, charge_run_lists, charge_runs, credit, reservation, settlement
from billing.models import (Allocation, Autopay, Base, ChargeRun, ChargeRunItem, Invoice, Payment,
                            PaymentMethod, platform)
from shared.errors import Conflict, InvalidInput, ServiceUnavailable
from shared.events import BILLING_AUDIT, INVOICE_CHARGE_REQUESTED
from portico_testing import wait_for
from portico_testing.inprocess import postgresql_session, sqlite_session, staff
from shared.context import Context
from shared.messaging import OutboxWriter

TENANT = 1
NOW = datetime(2030, 1, 5, tzinfo=timezone.utc)
PORTAL = {"allow_partial_payments": True, "allow_credit_at_checkout": True, "over_limit_action": "warn",
          "card_max_payment": 0, "ach_max_payment": 0}


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request):
    opened = sqlite_session if request.param == "sqlite" else postgresql_session
    with opened(Base.metadata) as session:
        yield session


def staff_outbox():
    return OutboxWriter(platform, Context.of(staff(TENANT, 3), request_id="req-1"), lambda: None)


def account(session, account_id, autopay=True):
    method = PaymentMethod(tenant_id=TENANT, account_id=account_id, kind="card", token=f"tok_{account_id}",
                           brand="visa", last4="4242", exp_month=12, exp_year=2031, created_at=NOW)
    session.add(method)
    session.flush()
    session.add(Autopay(tenant_id=TENANT, account_id=account_id, enrolled=autopay, scope="new_jobs",
                        locked=False, payment_method_id=method.id, enrolled_at=NOW))
    session.flush()
    return method


def invoices(session, account_id, *totals, autopay=True):
    start = session.scalar(select(func.count()).select_from(Invoice)) or 0
    rows = [Invoice(tenant_id=TENANT, account_id=account_id, number=1001 + start + index,
                    issue_date=date(2030, 1, 1), due_date=date(2030, 1, 31), total=total, balance=total,
                    status="open", autopay=autopay, created_at=NOW) for index, total in enumerate(totals)]
    session.add_all(rows)
    session.flush()
    return rows


def awaiting_ids(session):
    return [invoice["id"] for invoice in charge_run_lists.awaiting_page(session, TENANT)["items"]]


def charge_all(engine, run_id, processor):
    """Charge the run's items as its messages group them, a worker's session per message."""
    with Session(engine, expire_on_commit=False) as setup:
        ids = setup.scalars(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == run_id)
                            .order_by(ChargeRunItem.id)).all()
    states = []
    for start in range(0, len(ids), charge_runs.GROUP_SIZE):
        with Session(engine, expire_on_commit=False) as worker:
            states += charge_groups.charge_group(worker, staff_outbox(), processor, TENANT, run_id,
                                                 ids[start:start + charge_runs.GROUP_SIZE])
    return states


def test_a_run_writes_an_item_per_invoice_and_a_message_per_group_in_the_callers_transaction(session):
    account(session, 7)
    account(session, 8, autopay=False)
    awaiting = invoices(session, 7, *range(1_000, 1_000 + charge_runs.GROUP_SIZE + 2))
    invoices(session, 8, 4_000)  # not enrolled
    invoices(session, 7, 5_000, autopay=False)  # not on autopay
    session.commit()

    run = charge_runs.start_run(session, staff_outbox(), TENANT, requested_by=3)

    items = session.execute(select(ChargeRunItem.invoice_id, ChargeRunItem.state).where(
        ChargeRunItem.run_id == run.id).order_by(ChargeRunItem.id)).all()
    assert items == [(invoice.id, "queued") for invoice in awaiting] and run.total == len(awaiting)
    messages = session.execute(select(platform.outbox).order_by(platform.outbox.c.id)).mappings().all()
    ids = [invoice.id for invoice in awaiting]
    assert [row["body"]["data"] for row in messages] == [
        {"run_id": run.id, "invoice_ids": ids[:charge_runs.GROUP_SIZE]},
        {"run_id": run.id, "invoice_ids": ids[charge_runs.GROUP_SIZE:]}]
    assert {row["event_type"] for row in messages} == {INVOICE_CHARGE_REQUESTED.name}
    assert len({row["event_id"] for row in messages}) == 2
    assert all(row["body"]["event_id"] == row["event_id"] and row["body"]["tenant_id"] == TENANT
               and row["headers"] == {"nameko.request_id": "req-1"}
               for row in messages)
    session.rollback()  # nothing of it stays
    assert session.scalar(select(func.count()).select_from(ChargeRunItem)) == 0
    assert session.scalar(select(func.count()).select_from(platform.outbox)) == 0


def test_an_invoice_in_a_run_still_to_charge_is_not_added_to_another(engine, session, processor):
    account(session, 7)
    first, second = invoices(session, 7, 1_000, 2_000)
    run_id = charge_runs.start_run(session, staff_outbox(), TENANT, [first.id]).id
    session.commit()

    assert awaiting_ids(session) == [second.id]
    with pytest.raises(InvalidInput):
        charge_runs.start_run(session, staff_outbox(), TENANT, [first.id])
    session.rollback()
    again_id = charge_runs.start_run(session, staff_outbox(), TENANT).id
    session.commit()
    assert session.scalars(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == again_id)).all() == [
        second.id]
    with pytest.raises(Conflict):
        charge_runs.start_run(session, staff_outbox(), TENANT)
    session.rollback()

    assert charge_all(engine, run_id, processor) == ["succeeded"]
    assert charge_all(engine, again_id, processor) == ["succeeded"]
    assert awaiting_ids(session) == []


def test_a_run_charges_each_invoice_once_and_finishes(engine, session, processor):
    account(session, 7)
    account(session, 9)
    rows = invoices(session, 7, 1_000, 2_345) + invoices(session, 9, 10_001)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    session.commit()

    assert charge_all(engine, run.id, processor) == ["succeeded"] * 3
    assert charge_all(engine, run.id, processor) == ["succeeded"] * 3  # redelivered: nothing more happens

    assert sorted(amount for _, amount in processor.charged) == [1_000, 2_345, 10_001]
    assert set(processor.off_session) == {True}  # nobody is there to answer a bank's question
    assert set(processor.currencies) == {"usd"}  # the business's, USD until its profile names another
    with Session(engine) as check:
        assert check.execute(select(Invoice.balance, Invoice.status, Invoice.autopay)
                             .where(Invoice.id.in_([row.id for row in rows]))).all() == [(0, "paid", False)] * 3
        assert dict(check.execute(select(Allocation.invoice_id, func.sum(Allocation.amount))
                                  .group_by(Allocation.invoice_id)).all()) == {row.id: row.total for row in rows}
        assert check.scalars(select(Payment.status)).all() == ["succeeded"] * 3
        assert check.get(ChargeRun, run.id).finished_at is not None
        progress = charge_runs.progress(check, TENANT, run.id)
        assert (progress["done"], progress["succeeded"], progress["finished"]) == (3, 3, True)


def test_a_run_is_finished_by_the_end_of_its_last_item_only(engine, session, processor):
    account(session, 7)
    invoices(session, 7, 1_000, 2_000)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    ids = session.scalars(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == run.id)
                          .order_by(ChargeRunItem.id)).all()
    session.commit()

    for invoice_id, finished in zip(ids, (False, True)):
        with Session(engine, expire_on_commit=False) as worker:
            assert charge_groups.charge_group(worker, staff_outbox(), processor, TENANT, run.id,
                                              [invoice_id]) == ["succeeded"]
        with Session(engine) as check:
            assert (check.get(ChargeRun, run.id).finished_at is not None) is finished


def test_a_declined_charge_gives_the_invoice_back_and_the_run_still_finishes(engine, session, processor):
    account(session, 7)
    [invoice] = invoices(session, 7, 4_200)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    session.commit()

    processor.status = "declined"
    assert charge_all(engine, run.id, processor) == ["failed"]

    with Session(engine) as check:
        assert check.execute(select(Invoice.balance, Invoice.status).where(Invoice.id == invoice.id)).one() == (
            4_200, "open")
        assert check.scalar(select(func.count()).select_from(Allocation)) == 0
        assert check.get(ChargeRun, run.id).finished_at is not None
    assert awaiting_ids(session) == [invoice.id]


def test_a_charge_takes_few_statements_whatever_the_accounts_history(engine, session, processor):
    """A group's charges share their statements: its items, invoices, payments and their ends each read or written
    once for the group, and per charge only its reservation.

    It reads no payments of the account (no credit is used), and asks whether the run is over
    without counting its items: the count stays the same however long the account's history.
    """
    account(session, 7)
    for index in range(2):
        invoices(session, 7, *[1_000 + n for n in range(20 * (index + 1))])
        run = charge_runs.start_run(session, staff_outbox(), TENANT)
        session.commit()
        statements = []

        def record(connection, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert set(charge_all(engine, run.id, processor)) == {"succeeded"}
        finally:
            event.remove(engine, "before_cursor_execute", record)
        statements = [statement for statement in statements  # charge_all() listing the run's items
                      if not statement.startswith(("SELECT charge_run_items.invoice_id", "BEGIN"))]
        per_charge = len(statements) / run.total
        # 2.2 and 5.2 when written: PostgreSQL writes a reservation (payment, allocation, balance, item) in one
        # statement, SQLite in four.
        assert per_charge <= (2.5 if engine.dialect.name == "postgresql" else 5.5), (per_charge, statements[:20])
        assert not any("FROM payments WHERE payments.tenant_id" in statement for statement in statements)


def test_settling_one_of_two_partial_payments_leaves_the_invoice_open_until_the_last(session):
    """A balance of zero is not paid while another checkout holding part of it may still be declined."""
    account(session, 7)
    [invoice] = invoices(session, 7, 10_000, autopay=False)
    method = session.scalar(select(PaymentMethod))
    values = {"invoice_ids": [invoice.id], "payment_method_id": method.id, "new_method": None, "credit": 0}
    first, _ = reservation.reserve(session, TENANT, 7, "part-1", {**values, "amount": 4_000}, PORTAL)
    second, _ = reservation.reserve(session, TENANT, 7, "part-2", {**values, "amount": 6_000}, PORTAL)
    session.commit()
    assert invoice.balance == 0

    settlement.settle(session, staff_outbox(), second, "succeeded", "ch_2", None)
    assert (invoice.status, invoice.balance) == ("open", 0)
    settlement.settle(session, staff_outbox(), first, "declined", None, "Declined")
    assert (invoice.status, invoice.balance) == ("open", 4_000)

    third, _ = reservation.reserve(session, TENANT, 7, "part-3", {**values, "amount": 4_000}, PORTAL)
    settlement.settle(session, staff_outbox(), third, "succeeded", "ch_3", None)
    assert (invoice.status, invoice.balance) == ("paid", 0)
    assert sum(session.scalars(select(Allocation.amount).where(Allocation.invoice_id == invoice.id))) == 10_000


def test_credit_at_a_checkout_is_read_once_and_given_back_when_the_charge_fails(session):
    account(session, 7)
    first, second = invoices(session, 7, 3_000, 5_000, autopay=False)
    method = session.scalar(select(PaymentMethod))
    old, new = [Payment(tenant_id=TENANT, account_id=7, kind="prepayment", source="portal", method_kind="card",
                        amount=amount, unapplied=amount, status="succeeded", idempotency_key=f"pre-{amount}",
                        created_at=NOW) for amount in (1_500, 2_500)]
    session.add_all([old, new])
    session.commit()
    request = {"invoice_ids": [first.id, second.id], "payment_method_id": method.id, "new_method": None,
               "amount": None, "credit": 3_000}

    with pytest.raises(InvalidInput):
        reservation.reserve(session, TENANT, 7, "too-much", {**request, "credit": 4_001}, PORTAL)
    session.rollback()
    payment, _ = reservation.reserve(session, TENANT, 7, "with-credit", request, PORTAL)
    session.commit()
    assert (payment.amount, old.unapplied, new.unapplied) == (5_000, 0, 1_000)  # oldest credit first
    assert (first.balance, second.balance) == (0, 0)
    assert credit.available_credit(session, TENANT, 7) == 1_000

    settlement.settle(session, staff_outbox(), payment, "declined", None, "Declined")
    session.commit()
    assert (old.unapplied, new.unapplied, first.balance, second.balance) == (1_500, 2_500, 3_000, 5_000)
    assert session.scalar(select(func.count()).select_from(Allocation)) == 0


def group_of(engine, run_id):
    with Session(engine) as check:
        return check.scalars(select(ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == run_id)
                             .order_by(ChargeRunItem.id)).all()


def test_a_group_settles_each_charge_by_its_own_outcome(engine, session, processor):
    """One message: two charges paid, one declined (its invoice owed again), one account gone off autopay."""
    account(session, 7)
    account(session, 8)
    account(session, 9)
    paid = invoices(session, 7, 1_000, 2_000)
    [left, declined] = invoices(session, 8, 3_000) + invoices(session, 9, 4_000)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    session.execute(update(Autopay).where(Autopay.account_id == 8).values(enrolled=False))
    session.commit()
    session.execute(delete(platform.outbox))  # the run's own message
    session.commit()
    processor.declined.add("tok_9")

    with Session(engine, expire_on_commit=False) as worker:
        states = charge_groups.charge_group(worker, staff_outbox(), processor, TENANT, run.id, group_of(engine, run.id))

    assert states == ["succeeded", "succeeded", "failed", "failed"]
    assert sorted(amount for _, amount in processor.charged) == [1_000, 2_000, 4_000]
    with Session(engine) as check:
        rows = dict((row[0], row[1:]) for row in check.execute(select(Invoice.id, Invoice.balance, Invoice.status)))
        assert [rows[invoice.id] for invoice in paid + [left, declined]] == [
            (0, "paid"), (0, "paid"), (3_000, "open"), (4_000, "open")]
        assert check.scalar(select(func.count()).select_from(Allocation)) == 2
        assert sorted(check.scalars(select(Payment.status))) == ["failed", "succeeded", "succeeded"]
        messages = {row[0]: row[1] for row in check.execute(select(ChargeRunItem.invoice_id, ChargeRunItem.message))}
        assert messages[left.id] == "The account is no longer on autopay."
        assert messages[declined.id] == "The charge declined."
        events = check.scalars(select(platform.outbox.c.event_type)).all()
        assert sorted(events) == sorted(["payment_succeeded"] * 2 + ["payment_failed"] + [BILLING_AUDIT.name] * 3)
        assert check.get(ChargeRun, run.id).finished_at is not None


def test_a_group_the_processor_partly_did_not_answer_is_retried_and_charges_each_invoice_once(engine, session,
                                                                                            processor):
    """The answered charge settles; the message fails, and its retry finds the other charge made, under its key."""
    account(session, 7)
    account(session, 9)
    first, second = invoices(session, 7, 1_000) + invoices(session, 9, 4_000)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    session.commit()
    processor.unanswered.add("tok_9")

    with Session(engine, expire_on_commit=False) as worker:
        with pytest.raises(ServiceUnavailable):
            charge_groups.charge_group(worker, staff_outbox(), processor, TENANT, run.id, [first.id, second.id])
    with Session(engine) as check:
        states = dict(check.execute(select(ChargeRunItem.invoice_id, ChargeRunItem.state)).all())
        assert states == {first.id: "succeeded", second.id: "charging"}
        assert check.get(ChargeRun, run.id).finished_at is None

    processor.unanswered.clear()
    with Session(engine, expire_on_commit=False) as worker:
        assert charge_groups.charge_group(worker, staff_outbox(), processor, TENANT, run.id,
                                          [first.id, second.id]) == ["succeeded", "succeeded"]
    assert sorted(amount for _, amount in processor.charged) == [1_000, 4_000]
    with Session(engine) as check:
        assert check.scalars(select(Invoice.status).order_by(Invoice.id)).all() == ["paid", "paid"]
        assert check.get(ChargeRun, run.id).finished_at is not None


def test_two_groups_ending_a_runs_last_items_at_once_mark_it_finished(engine, session):
    """Each ends its item and asks whether the run is over before the other commits: the second waits for the
    first's commit and sees its item ended. (SQLite lets one writing transaction run at a time anyway.)"""
    account(session, 7)
    invoices(session, 7, 1_000, 2_000)
    run = charge_runs.start_run(session, staff_outbox(), TENANT)
    session.commit()
    first_item, second_item = session.scalars(select(ChargeRunItem.id).where(ChargeRunItem.run_id == run.id)
                                              .order_by(ChargeRunItem.id)).all()
    session.close()

    def end(worker, item_id):
        charge_groups.end_items(worker, [{"item_id": item_id, "new_state": "failed", "message": "Declined."}])
        charge_runs.mark_run_finished(worker, run.id)

    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        end(first, first_item)
        ending = pool.submit(lambda: (end(second, second_item), second.commit()))
        if engine.dialect.name == "postgresql":  # the second is waiting for the run's row, or has gone past it
            wait_for(lambda: ending.done() or waiting_for_a_lock(engine), timeout=10, message="the second group")
        first.commit()
        ending.result(timeout=30)
    with Session(engine) as check:
        assert check.get(ChargeRun, run.id).finished_at is not None


def waiting_for_a_lock(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND datname = current_database()")).scalar() > 0
