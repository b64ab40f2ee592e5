"""Billing under faults, on a real broker and each database: races, retries, a killed instance, outages.

These tests build a System of their own per backend (``faults``), apart from the shared
``system`` fixture, because they stop, kill and reconfigure billing and slow the processor.
Each runs on the embedded default (SQLite, as ``make up`` runs it) and on PostgreSQL, except
the few marked ``postgresql_only``, each with the reason its promise means something only
there. The Systems stay up until the session ends, so tests/test_no_card_numbers.py can scan
what these tests left in their databases, logs and queues.

Money moves through billing's RPC exactly as the gateway calls it (a client actor for payments,
a staff actor for invoices and charge runs); the processor is the sandbox, over HTTP, and every test
runs once more on PostgreSQL with billing's Stripe adapter against Stripe's API as its local stand-in
plays it. What was really charged is read from the processor's own records (tests/fault_processors.py).
"""
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pika
import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.orm import Session

from billing import charge_groups, charge_runs, recovery, reservation
from billing.invoices import void_invoice
from billing.models import (Allocation, ChargeRunItem, IdempotencyRecord, Invoice, Payment, PaymentMethod,
                            platform)
from billing.processor import ChargeResult
from shared.db import make_engine
from shared.deadletters import list_dead_letters, replay_dead_letters
from shared.errors import (Conflict, IdempotencyMismatch, PaymentDeclined, RequestInProgress, ServiceTimeout,
                           ServiceUnavailable)
from shared.events import subscriber_queue
from shared.context import Context
from shared.messaging import OutboxWriter
from portico_testing import ServiceProcess, free_port, wait_for
from tests.conftest import BACKENDS, System
from tests.fault_processors import processor_side
from tests.portal_helpers import create_client, staff_context

NEXT_YEAR = date.today().year + 1
CARDS = {
    "visa": "4242 4242 4242 4242",
    "mastercard": "5555-5555-5555-4444",
    "declined": "4000000000000002",
    "insufficient_funds": "4000000000009995",
    "processing_error": "4000000000000119",
}
BANK_ACCOUNT = "000123456789"
TEST_ROUTING_NUMBER = "110000000"
CHARGE_QUEUE = subscriber_queue("billing", "invoice_charge_requested", "billing")
# Billing's Stripe adapter against Stripe's API as its local stand-in plays it, on PostgreSQL (docs/payments.md).
STRIPE = "postgresql-stripe"
REGISTRY = "portico_fault_systems"  # on pytest's config: where the no-card-numbers scan finds us
ROW_LOCKS = ("it holds a row lock in one transaction while another waits for it: on SQLite a writer takes the "
             "whole database at BEGIN IMMEDIATE, so the second transaction waits before it reads anything and "
             "the interleaving it checks cannot happen")


def postgresql_only(reason):
    """Run a test on PostgreSQL only, saying why its promise means nothing on SQLite."""
    def mark(test):
        test.postgresql_only = reason
        return test
    return mark


def pytest_generate_tests(metafunc):
    """``faults`` on every backend with the sandbox, and on PostgreSQL with Stripe (STRIPE); on PostgreSQL only, with
    each processor, for a test marked ``postgresql_only``.

    The test ids name the backend, so each runs in that backend's lane (tests/conftest.py).
    """
    if "faults" in metafunc.fixturenames:
        only = getattr(metafunc.function, "postgresql_only", None)
        metafunc.parametrize("faults", (("postgresql",) if only else BACKENDS) + (STRIPE,), indirect=True,
                             scope="session")


@pytest.fixture(scope="session")
def faults(request, tmp_path_factory, mail_server):
    backend, _, processor = request.param.partition("-")
    system = System(backend, tmp_path_factory.mktemp(f"faults-{request.param}"), mail_server,
                    processor or "sandbox")
    system.processor = processor_side(system)
    systems = request.config.__dict__.setdefault(REGISTRY, [])
    systems.append(system)
    system.billing_engine = create_engine(system.databases.urls["billing"])  # to read, and lock on PostgreSQL
    yield system
    systems.remove(system)
    system.billing_engine.dispose()
    system.close()


# --- helpers ---------------------------------------------------------------------------------------

class Business:
    """A tenant with one client account on the faults system, and the contexts to act in it."""

    def __init__(self, system, autopay=False):
        self.system = system
        self.tenant, _ = system.new_tenant(slug=f"faults-{uuid.uuid4().hex[:8]}")
        self.staff = staff_context(system, self.tenant)
        self.account_id = create_client(system, self.tenant)["id"]
        self.client = system.client_context(self.tenant, 1, self.account_id, "manage")
        if autopay:
            self.billing("update_settings", "billing", {"autopay_enabled": True})

    def billing(self, method, *args, context=None, timeout=None):
        return self.system.rpc.call("billing", method, *args, context=context or self.staff, timeout=timeout)

    def pay(self, key, request, timeout=30):
        return self.system.rpc.call("billing", "pay_invoices", key, request, context=self.client,
                                    timeout=timeout)

    def add_method(self, details):
        """Tokenize at the processor (the hosted fields' job) and put the token on file."""
        return self.billing("add_payment_method", self.system.processor.method(details), context=self.client)

    def invoice(self, total):
        return self.billing("create_invoice", {
            "account_id": self.account_id, "due_date": (date.today() + timedelta(days=30)).isoformat(),
            "lines": [{"description": "Lawn care", "quantity": 1, "unit_price": total}]})


def card(number):
    return {"kind": "card", "number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123"}


def bank(account=BANK_ACCOUNT):
    return {"kind": "ach", "routing_number": TEST_ROUTING_NUMBER, "account_number": account,
            "account_holder": "Casey Client"}


def billing_rows(system, statement):
    with system.billing_engine.connect() as connection:
        return connection.execute(statement).all()


def payment_key(business, key):
    """The idempotency key billing gives the processor for a checkout under ``key``."""
    return f"{business.tenant['id']}:{key}"


class BalanceWatch:
    """Sample invoice balances in the billing database while something runs; keep the lowest seen."""

    def __init__(self, system, invoice_ids=None, tenant_id=None):
        statement = select(func.min(Invoice.balance), func.count())
        if invoice_ids is not None:
            statement = statement.where(Invoice.id.in_(list(invoice_ids)))
        if tenant_id is not None:
            statement = statement.where(Invoice.tenant_id == tenant_id)
        self.system, self.statement = system, statement
        self.lowest, self.samples = None, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopping.is_set():
            [(lowest, _)] = billing_rows(self.system, self.statement)
            self.samples += 1
            self.lowest = lowest if self.lowest is None else min(self.lowest, lowest)
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(10)


def until_answered(business, key, request, tries=60):
    """Pay as a client does: told the key is in progress, ask again after Retry-After; return the answer."""
    for _ in range(tries):
        try:
            return business.pay(key, request, timeout=10)
        except RequestInProgress as told:
            time.sleep(told.retry_after)
    raise AssertionError("the key stayed in progress")


def run_all(calls, workers):
    """Call each of ``calls`` at once from its own thread; return [(result, error)] in order."""
    barrier = threading.Barrier(min(len(calls), workers))

    def one(call):
        try:
            barrier.wait(10)
        except threading.BrokenBarrierError:
            pass
        try:
            return call(), None
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            return None, error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, calls))


# --- concurrent payers ------------------------------------------------------------------------------

def test_fifty_payers_with_their_own_keys_pay_one_invoice_once(faults):
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    invoice = business.invoice(12_345)
    keys = [f"race-{uuid.uuid4()}" for _ in range(50)]
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]}

    with BalanceWatch(faults, invoice_ids=[invoice["id"]]) as watch:
        outcomes = run_all([lambda key=key: business.pay(key, request) for key in keys], workers=50)

    paid = [result for result, error in outcomes if error is None]
    errors = [error for _, error in outcomes if error is not None]
    assert len(paid) == 1, errors[:3]
    assert all(isinstance(error, Conflict) for error in errors), {type(error).__name__ for error in errors}
    assert len(errors) == 49
    assert paid[0]["payment"]["amount"] == 12_345 and paid[0]["payment"]["status"] == "succeeded"
    assert paid[0]["invoices"][0]["status"] == "paid" and paid[0]["invoices"][0]["balance"] == 0
    assert watch.samples > 0 and watch.lowest >= 0

    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == (0, "paid")
    payments = billing_rows(faults, select(Payment.status, Payment.amount).where(
        Payment.account_id == business.account_id))
    assert payments == [("succeeded", 12_345)]  # the losers reserved nothing, left nothing pending
    [(allocated,)] = billing_rows(faults, select(func.sum(Allocation.amount))
                                  .where(Allocation.invoice_id == invoice["id"]))
    assert allocated == 12_345
    # The losers' keys were released (they were refused before any charge), the winner's kept.
    records = billing_rows(faults, select(IdempotencyRecord.key, IdempotencyRecord.state).where(
        IdempotencyRecord.tenant_id == business.tenant["id"]))
    assert len(records) == 1 and records[0].state == "done"

    charged = faults.processor.charges(keys=[payment_key(business, key) for key in keys])
    assert [(row["status"], row["amount"]) for row in charged] == [("succeeded", 12_345)]
    assert len(faults.processor.charges(key_prefix=f"{business.tenant['id']}:")) == 1


def test_a_hundred_retries_with_one_key_make_one_charge_and_get_one_answer(faults):
    business = Business(faults)
    method = business.add_method(card(CARDS["mastercard"]))
    invoices = [business.invoice(2_500), business.invoice(4_000)]
    key = f"retry-{uuid.uuid4()}"
    request = {"invoice_ids": [invoice["id"] for invoice in invoices], "payment_method_id": method["id"]}

    outcomes = run_all([lambda: until_answered(business, key, request)] * 100, workers=100)

    errors = [error for _, error in outcomes if error is not None]
    assert errors == []
    answers = [result for result, _ in outcomes]
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["payment"]["amount"] == 6_500
    assert sorted(invoice["status"] for invoice in answers[0]["invoices"]) == ["paid", "paid"]

    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert [(row["idempotency_key"], row["amount"]) for row in charged] == [(payment_key(business, key), 6_500)]
    assert billing_rows(faults, select(Payment.status).where(Payment.account_id == business.account_id)) == [
        ("succeeded",)]
    # And a retry long after the first answer still gets that answer.
    assert business.pay(key, request) == answers[0]


def test_the_same_key_with_another_body_is_refused(faults):
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    first, second = business.invoice(7_000), business.invoice(8_000)
    key = f"mismatch-{uuid.uuid4()}"
    answer = business.pay(key, {"invoice_ids": [first["id"]], "payment_method_id": method["id"]})
    assert answer["payment"]["amount"] == 7_000

    for other in ({"invoice_ids": [second["id"]], "payment_method_id": method["id"]},
                  {"invoice_ids": [first["id"]], "payment_method_id": method["id"], "amount": 7_000},
                  {"invoice_ids": [first["id"], second["id"]], "payment_method_id": method["id"]}):
        with pytest.raises(IdempotencyMismatch):
            business.pay(key, other)

    assert business.pay(key, {"invoice_ids": [first["id"]], "payment_method_id": method["id"]}) == answer
    [(balance,)] = billing_rows(faults, select(Invoice.balance).where(Invoice.id == second["id"]))
    assert balance == 8_000  # the refused bodies changed nothing
    assert [row["amount"] for row in faults.processor.charges(key_prefix=f"{business.tenant['id']}:")] == [
        7_000]


def test_a_key_being_processed_is_not_taken_by_another_body(faults):
    """While the first request with a key is still charging, a different body with it is refused."""
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    first, second = business.invoice(1_100), business.invoice(2_200)
    key = f"busy-{uuid.uuid4()}"
    faults.processor.slow(1_500)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            slow = pool.submit(business.pay, key, {"invoice_ids": [first["id"]], "payment_method_id": method["id"]})
            wait_for(lambda: billing_rows(faults, select(IdempotencyRecord.state).where(
                IdempotencyRecord.tenant_id == business.tenant["id"])), timeout=10, message="the key's claim")
            with pytest.raises(IdempotencyMismatch):
                business.pay(key, {"invoice_ids": [second["id"]], "payment_method_id": method["id"]})
            assert slow.result(30)["payment"]["amount"] == 1_100
    finally:
        faults.processor.slow(0)
    assert [row["amount"] for row in faults.processor.charges(key_prefix=f"{business.tenant['id']}:")] == [
        1_100]


@pytest.mark.parametrize("details, outcome", [
    (card(CARDS["declined"]), "declined"),
    (card(CARDS["insufficient_funds"]), "insufficient_funds"),
    (card(CARDS["processing_error"]), "failed"),
    (bank(), "succeeded"),
])
def test_a_refused_charge_changes_nothing_and_its_key_replays_the_refusal(faults, details, outcome):
    business = Business(faults)
    method = business.add_method(details)
    invoice = business.invoice(5_000)
    key = f"outcome-{uuid.uuid4()}"
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]}

    if outcome == "succeeded":
        assert business.pay(key, request)["payment"]["amount"] == 5_000
        expected_balance, expected_status = 0, "paid"
    else:
        with pytest.raises(PaymentDeclined) as first:
            business.pay(key, request)
        with pytest.raises(PaymentDeclined) as again:
            business.pay(key, request)
        assert (again.value.message, again.value.fields) == (first.value.message, first.value.fields)
        expected_balance, expected_status = 5_000, "open"

    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == (expected_balance, expected_status)
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert [(row["status"], row["amount"]) for row in charged] == [(outcome, 5_000)]
    if outcome != "succeeded":  # the reservation was released: another card pays it
        good = business.add_method(card(CARDS["visa"]))
        paid = business.pay(f"second-{uuid.uuid4()}", {"invoice_ids": [invoice["id"]],
                                                       "payment_method_id": good["id"]})
        assert paid["invoices"][0]["status"] == "paid"


# --- a charge run across two instances, one of them killed -----------------------------------------

def charge_queue_consumers(system):
    connection = pika.BlockingConnection(pika.URLParameters(
        system.amqp_uri.replace("pyamqp://", "amqp://", 1)))
    try:
        return connection.channel().queue_declare(CHARGE_QUEUE, passive=True).method.consumer_count
    finally:
        connection.close()


def create_invoices(business, totals, workers=8):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(business.invoice, totals))


def test_killing_a_billing_instance_during_a_charge_run_charges_every_invoice_once(faults):
    """On PostgreSQL two instances share the run and one is killed; on SQLite the one instance of the
    embedded default is killed and started again (two processes on one SQLite file would wait for its
    lock inside C, stalling each other's every request)."""
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    totals = [1_000 + index for index in range(1_000)]
    invoices = create_invoices(business, totals)
    assert all(invoice["autopay"] for invoice in invoices)
    assert business.billing("invoices_to_charge", timeout=30)["count"] == 1_000  # all of them, a page listed

    instances = 2 if faults.backend == "postgresql" else 1
    log_dir = faults.tmp_path / "billing-2"
    log_dir.mkdir(exist_ok=True)
    second = ServiceProcess("billing", faults.env_of("billing"), log_dir)
    if instances == 2:
        second.start()
    first = faults.services["billing"]
    faults.processor.slow(20)
    try:
        wait_for(lambda: charge_queue_consumers(faults) == instances, timeout=30, interval=0.25,
                 message="the billing instances")
        run = business.billing("start_charge_run", timeout=30)
        started = time.monotonic()
        assert run["total"] == 1_000

        def progress():
            return business.billing("get_charge_run", run["id"], False, timeout=30)

        with BalanceWatch(faults, tenant_id=business.tenant["id"]) as watch:
            wait_for(lambda: progress()["done"] >= 200, timeout=60, interval=0.1, message="20% of the run")
            [(charging,)] = billing_rows(faults, select(func.count()).where(
                ChargeRunItem.run_id == run["id"], ChargeRunItem.state == "charging"))
            first.stop(kill=True)  # SIGKILL: no clean-up, its unacked messages go back to the queue
            killed_at = progress()["done"] if instances == 2 else "?"
            first.start()
            faults.wait_until_up("billing")
            wait_for(lambda: charge_queue_consumers(faults) == instances, timeout=30, interval=0.25,
                     message="the restarted instance")
            finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(progress()), timeout=240,
                                interval=0.25, message="the charge run to finish")
    finally:
        faults.processor.slow(0)
        if instances == 2:
            second.stop()
    print(f"killed a billing instance at {killed_at}/1000 charged ({charging} charging); "
          f"the run took {time.monotonic() - started:.0f} s")

    assert (finished["total"], finished["succeeded"], finished["failed"]) == (1_000, 1_000, 0)
    assert watch.lowest is not None and watch.lowest >= 0

    # The processor: one succeeded charge per invoice, each under its own key, on this card only.
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    expected_keys = {payment_key(business, f"run{run['id']}-invoice{invoice['id']}"): invoice["total"]
                     for invoice in invoices}
    assert len(charged) == 1_000
    assert {row["idempotency_key"]: row["amount"] for row in charged} == expected_keys
    assert {row["status"] for row in charged} == {"succeeded"}
    assert {row["token"] for row in charged} == {billing_token(faults, method["id"])}

    # Billing: every invoice paid in full by exactly one succeeded payment; nothing pending or below zero.
    ids = [invoice["id"] for invoice in invoices]
    rows = billing_rows(faults, select(Invoice.id, Invoice.total, Invoice.balance, Invoice.status)
                        .where(Invoice.id.in_(ids)))
    assert all((row.balance, row.status) == (0, "paid") for row in rows)
    allocated = dict(billing_rows(faults, select(Allocation.invoice_id, func.sum(Allocation.amount))
                                  .where(Allocation.invoice_id.in_(ids)).group_by(Allocation.invoice_id)))
    assert allocated == {row.id: row.total for row in rows}
    payers = dict(billing_rows(faults, select(Allocation.invoice_id, func.count(func.distinct(Payment.id)))
                               .join(Payment, Payment.id == Allocation.payment_id)
                               .where(Allocation.invoice_id.in_(ids), Payment.status == "succeeded")
                               .group_by(Allocation.invoice_id)))
    assert payers == {invoice_id: 1 for invoice_id in ids}
    statuses = dict(billing_rows(faults, select(Payment.status, func.count()).where(
        Payment.account_id == business.account_id).group_by(Payment.status)))
    assert statuses == {"succeeded": 1_000}
    assert billing_rows(faults, select(func.count()).where(Invoice.balance < 0)) == [(0,)]
    assert faults.services["billing"].process.poll() is None


def billing_token(system, method_id):
    [(token,)] = billing_rows(system, select(PaymentMethod.token).where(PaymentMethod.id == method_id))
    return token


def test_a_new_tenants_first_invoices_created_at_once_are_all_numbered(faults):
    business = Business(faults)
    created = create_invoices(business, [100] * 16, workers=16)
    assert sorted(invoice["number"] for invoice in created) == list(range(1001, 1017))


def test_an_autopay_run_and_the_client_paying_the_same_invoices_charge_each_invoice_once(faults):
    """The run's worker and a portal checkout race for each invoice; exactly one of them may take it."""
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    invoices = create_invoices(business, [3_000 + index for index in range(100)])
    run = business.billing("start_charge_run", timeout=30)
    outcomes = run_all([lambda invoice=invoice: business.pay(
        f"portal-{invoice['id']}-{uuid.uuid4()}", {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})
        for invoice in invoices], workers=16)
    finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(
        business.billing("get_charge_run", run["id"], False)), timeout=120, interval=0.25,
        message="the charge run to finish")

    portal_paid = sum(1 for _, error in outcomes if error is None)
    assert all(isinstance(error, Conflict) for _, error in outcomes if error is not None)
    print(f"portal paid {portal_paid}, autopay {finished['succeeded']}, autopay refused {finished['failed']}")
    assert portal_paid + finished["succeeded"] == 100
    ids = [invoice["id"] for invoice in invoices]
    totals = {invoice["id"]: invoice["total"] for invoice in invoices}
    allocated = dict(billing_rows(faults, select(Allocation.invoice_id, func.sum(Allocation.amount))
                                  .where(Allocation.invoice_id.in_(ids)).group_by(Allocation.invoice_id)))
    assert allocated == totals
    rows = billing_rows(faults, select(Invoice.id, Invoice.balance, Invoice.status).where(Invoice.id.in_(ids)))
    assert {(row.balance, row.status) for row in rows} == {(0, "paid")}
    charged = [row for row in faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
               if row["status"] == "succeeded"]
    assert len(charged) == 100 and sum(row["amount"] for row in charged) == sum(totals.values())


@pytest.mark.parametrize("first_card, second_card, expected", [
    ("declined", "visa", (4_000, "open")),  # the first gives back its part after the second reserved
    ("visa", "declined", (6_000, "open")),  # the first succeeds while the second may still fail
    ("visa", "mastercard", (0, "paid")),
])
def test_overlapping_partial_payments_of_one_invoice_settle_each_its_own_part(faults, first_card, second_card,
                                                                              expected):
    """Two partial payments of one invoice overlap: the second reserves while the first is charging."""
    business = Business(faults)
    business.billing("update_settings", "billing", {"allow_partial_payments": True})
    first_method = business.add_method(card(CARDS[first_card]))
    second_method = business.add_method(card(CARDS[second_card]))
    invoice = business.invoice(10_000)

    def pay(method, amount):
        try:
            return business.pay(f"part-{uuid.uuid4()}", {
                "invoice_ids": [invoice["id"]], "payment_method_id": method["id"], "amount": amount})["payment"]
        except PaymentDeclined:
            return "declined"

    faults.processor.slow(1_500)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(pay, first_method, 4_000)
            wait_for(lambda: billing_rows(faults, select(Invoice.balance).where(
                Invoice.id == invoice["id"])) == [(6_000,)], timeout=10, message="the first reservation")
            second = pool.submit(pay, second_method, 6_000)
            outcomes = [first.result(30), second.result(30)]
    finally:
        faults.processor.slow(0)
    assert [outcome == "declined" for outcome in outcomes] == [first_card == "declined", second_card == "declined"]
    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == expected
    [(allocated,)] = billing_rows(faults, select(func.coalesce(func.sum(Allocation.amount), 0))
                                  .where(Allocation.invoice_id == invoice["id"]))
    assert allocated == 10_000 - balance


class RecordingProcessor:
    """Stands in for the processor inside this process: records every charge it is asked for."""

    def __init__(self):
        self.charged = []

    def charge(self, token, amount, currency, idempotency_key, description=None, off_session=True):
        self.charged.append((idempotency_key, amount))
        return ChargeResult("succeeded", f"ch_{uuid.uuid4().hex[:12]}", "The charge succeeded.")


@postgresql_only(ROW_LOCKS)
def test_an_autopay_charge_waiting_for_a_checkouts_lock_sees_the_checkout_paid(faults):
    """Drive billing's own functions with two sessions so the interleaving is certain.

    A portal checkout has locked and reserved the invoice but not yet committed; the run's
    worker reads the invoice (still open) and then waits for the lock. When the checkout commits,
    the worker must see the invoice as it is now - reserved - and charge nothing.
    """
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    invoice = business.invoice(9_900)
    # A run without its messages: the item is queued, and this test plays the worker.
    tenant_id = business.tenant["id"]
    outbox = OutboxWriter(platform, Context.system(), lambda: None)
    with Session(faults.billing_engine, expire_on_commit=False) as setup:
        run = charge_runs.start_run(setup, _Discard(), tenant_id, [invoice["id"]])
        setup.commit()
        run_id = run.id

    settings = {"allow_partial_payments": False, "allow_credit_at_checkout": False, "over_limit_action": "warn",
                "card_max_payment": 0, "ach_max_payment": 0}
    processor = RecordingProcessor()
    checkout = Session(faults.billing_engine, expire_on_commit=False)
    worker = Session(faults.billing_engine, expire_on_commit=False)
    try:
        reservation.reserve(checkout, tenant_id, business.account_id, f"portal-{uuid.uuid4()}",
                         {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"], "new_method": None,
                          "amount": None, "credit": 0}, settings)  # holds the invoice's lock, uncommitted
        with ThreadPoolExecutor(max_workers=1) as pool:
            charging = pool.submit(charge_groups.charge_group, worker, outbox, processor, tenant_id, run_id,
                                   [invoice["id"]])
            wait_for(lambda: waiting_for_a_lock(faults), timeout=10, message="the worker to wait for the lock")
            checkout.commit()
            state = charging.result(30)
    finally:
        checkout.close()
        worker.close()
    assert processor.charged == []
    assert state == ["failed"]
    [(balance,)] = billing_rows(faults, select(Invoice.balance).where(Invoice.id == invoice["id"]))
    assert balance == 0


class _Discard:
    def add(self, *args, **kwargs):
        pass

    def add_many(self, *args, **kwargs):
        pass


def waiting_for_a_lock(system):
    with system.billing_engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar()


# The outage tests' runs: two messages, the second of a smaller group.
INVOICES = charge_runs.GROUP_SIZE + charge_runs.GROUP_SIZE // 2


def groups(invoices):
    """How many messages a run of ``invoices`` queues."""
    return -(-invoices // charge_runs.GROUP_SIZE)


def test_a_processor_outage_during_a_charge_run_parks_the_charges_and_a_replay_charges_each_once(faults):
    """The processor stops answering in time (billing times out after 1 s; the sandbox answers after 3 s).

    Whether each charge happened is unknown to billing - the sandbox did make most of them after
    billing gave up. The run's messages (a group of invoices each) are retried, then parked as dead
    letters; once the processor is back, replaying them finishes every charge, and none is made twice.
    """
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    invoices = create_invoices(business, [4_000 + index for index in range(INVOICES)])
    faults.restart("billing", PAYMENT_PROCESSOR_TIMEOUT_SECONDS="1")
    faults.processor.slow(3_000)
    try:
        run = business.billing("start_charge_run", timeout=30)
        parked = wait_for(lambda: (lambda letters: letters if len(letters) == groups(INVOICES) else None)(
            list_dead_letters("billing", amqp_uri=faults.amqp_uri)), timeout=90, interval=0.5,
            message="every charge of the run to be parked")
        assert {letter["event_type"] for letter in parked} == {"invoice_charge_requested"}
        assert all("ServiceUnavailable" in letter["error"] for letter in parked)
        progress = business.billing("get_charge_run", run["id"])
        assert progress["done"] == 0 and {item["state"] for item in progress["items"]} == {"charging"}
        # Billing gave up on each charge, but the processor made them all once its latency passed.
        wait_for(lambda: len(faults.processor.charges(key_prefix=f"{business.tenant['id']}:")) == INVOICES,
                 timeout=30, message="the processor to finish the charges billing gave up on")
    finally:
        faults.processor.slow(0)
        faults.restart("billing")

    assert replay_dead_letters("billing", amqp_uri=faults.amqp_uri) == groups(INVOICES)
    finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(
        business.billing("get_charge_run", run["id"], False)), timeout=60, interval=0.25,
        message="the replayed run to finish")
    assert (finished["succeeded"], finished["failed"]) == (INVOICES, 0)
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert sorted(row["amount"] for row in charged) == sorted(invoice["total"] for invoice in invoices)
    ids = [invoice["id"] for invoice in invoices]
    allocated = dict(billing_rows(faults, select(Allocation.invoice_id, func.sum(Allocation.amount))
                                  .where(Allocation.invoice_id.in_(ids)).group_by(Allocation.invoice_id)))
    assert allocated == {invoice["id"]: invoice["total"] for invoice in invoices}
    assert list_dead_letters("billing", amqp_uri=faults.amqp_uri) == []


def recover_pending_now(system):
    """Do what billing's recovery timer does once a pending payment is past its grace period.

    The timer (every 30 s, for payments pending over 120 s) is billing's own; calling its
    function here, with billing's real processor adapter, stands for "the grace period passed".
    """
    engine = make_engine(system.databases.urls["billing"])  # on SQLite, writes take the lock as billing's do
    try:
        with Session(engine, expire_on_commit=False) as session:
            return recovery.recover_pending(session, OutboxWriter(platform, Context.system(), lambda: None),
                                            system.processor.adapter(),
                                            datetime.now(timezone.utc) + timedelta(seconds=1))
    finally:
        engine.dispose()


def test_charges_parked_while_the_processor_was_unreachable_and_recovered_are_not_charged_on_replay(faults):
    """The processor cannot be reached at all (billing points at a closed port): nothing is charged.

    The run's messages are retried, then parked. Past the grace period the recovery finds no charge
    at the processor and records each payment as failed, giving the invoices back. When the
    parked items are replayed later, they must end as failed too - not charge a payment that
    billing has already recorded as failed - and the next run charges each invoice once.
    """
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    invoices = create_invoices(business, [5_000 + index for index in range(INVOICES)])
    ids = [invoice["id"] for invoice in invoices]
    faults.restart("billing", **faults.processor.unreachable())
    try:
        run = business.billing("start_charge_run", timeout=30)
        wait_for(lambda: len(list_dead_letters("billing", amqp_uri=faults.amqp_uri)) == groups(INVOICES), timeout=60,
                 interval=0.5, message="every charge of the run to be parked")
    finally:
        faults.restart("billing")
    assert faults.processor.charges(key_prefix=f"{business.tenant['id']}:") == []

    assert recover_pending_now(faults) >= INVOICES  # (and whatever other test left pending)
    assert billing_rows(faults, select(Payment.status, func.count()).where(
        Payment.tenant_id == business.tenant["id"]).group_by(Payment.status)) == [("failed", INVOICES)]
    assert {row.id: tuple(row[1:]) for row in billing_rows(faults, select(
        Invoice.id, Invoice.balance, Invoice.status, Invoice.autopay).where(Invoice.id.in_(ids)))} == {
        invoice["id"]: (invoice["total"], "open", True) for invoice in invoices}

    assert replay_dead_letters("billing", amqp_uri=faults.amqp_uri) == groups(INVOICES)
    finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(
        business.billing("get_charge_run", run["id"], False)), timeout=60, interval=0.25,
        message="the replayed run to finish")
    assert (finished["succeeded"], finished["failed"]) == (0, INVOICES)
    assert faults.processor.charges(key_prefix=f"{business.tenant['id']}:") == []

    second = business.billing("start_charge_run", timeout=30)
    assert second["total"] == INVOICES
    finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(
        business.billing("get_charge_run", second["id"], False)), timeout=60, interval=0.25,
        message="the next run to finish")
    assert (finished["succeeded"], finished["failed"]) == (INVOICES, 0)
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert sorted(row["amount"] for row in charged) == sorted(invoice["total"] for invoice in invoices)
    allocated = dict(billing_rows(faults, select(Allocation.invoice_id, func.sum(Allocation.amount))
                                  .where(Allocation.invoice_id.in_(ids)).group_by(Allocation.invoice_id)))
    assert allocated == {invoice["id"]: invoice["total"] for invoice in invoices}


def test_a_checkout_whose_charge_timed_out_is_settled_by_the_recovery_and_its_retry_gets_the_outcome(faults):
    """The processor answers after billing's 10 s timeout: the client gets 503, yet the charge happened.

    The payment stays pending (the invoice reserved, so nobody pays it twice meanwhile) until the
    recovery asks the processor; then a retry with the same key gets the payment, and there is
    one charge.
    """
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    invoice = business.invoice(6_600)
    key = f"timeout-{uuid.uuid4()}"
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]}
    faults.processor.slow(11_000)  # billing gives up after 10 s (Stripe's library, after its two retries)
    try:
        with pytest.raises(ServiceUnavailable):
            business.pay(key, request, timeout=60)
        [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                           .where(Invoice.id == invoice["id"]))
        assert (balance, status) == (0, "open")  # still reserved: another checkout gets Conflict
        with pytest.raises(Conflict):
            business.pay(f"other-{uuid.uuid4()}", request)
        wait_for(lambda: faults.processor.charges(key_prefix=f"{business.tenant['id']}:"), timeout=10,
                 message="the processor to make the charge billing gave up on")
    finally:
        faults.processor.slow(0)

    assert recover_pending_now(faults) >= 1
    answer = business.pay(key, request)
    assert (answer["payment"]["amount"], answer["payment"]["status"]) == (6_600, "succeeded")
    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == (0, "paid")
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert [(row["idempotency_key"], row["amount"]) for row in charged] == [(payment_key(business, key), 6_600)]


@postgresql_only("billing is stopped between claiming the key and writing the payment by an invoice row lock held "
                 "here; on SQLite that would be the whole database's lock (the take-over itself is checked on "
                 "SQLite in services/billing/tests/test_idempotency.py)")
def test_a_key_claimed_by_an_instance_killed_before_it_wrote_the_payment_is_taken_over_by_a_retry(faults):
    """Billing claims the key, then waits for the invoice's lock (held here) and is killed: no payment written.

    Once the dead request's lease on the key runs out, a retry with the key takes it over and
    pays the invoice, once; before, the key stayed "being processed" for ever.
    """
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    invoice = business.invoice(3_300)
    key = f"killed-{uuid.uuid4()}"
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]}
    of_this_business = IdempotencyRecord.tenant_id == business.tenant["id"]
    holder = Session(faults.billing_engine)
    try:
        holder.execute(select(Invoice.id).where(Invoice.id == invoice["id"]).with_for_update())
        with ThreadPoolExecutor(max_workers=1) as pool:
            paying = pool.submit(business.pay, key, request, 2)
            wait_for(lambda: waiting_for_a_lock(faults), timeout=10, message="billing to wait for the invoice")
            faults.services["billing"].stop(kill=True)
            with pytest.raises(ServiceTimeout):
                paying.result(30)
    finally:
        holder.rollback()
        holder.close()
    assert billing_rows(faults, select(IdempotencyRecord.state).where(of_this_business)) == [("claimed",)]
    assert billing_rows(faults, select(Payment.id).where(Payment.account_id == business.account_id)) == []
    with faults.billing_engine.begin() as connection:  # stands for "the lease ran out" (20 s)
        connection.execute(update(IdempotencyRecord).where(of_this_business).values(
            lease_expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))

    faults.services["billing"].start()
    faults.wait_until_up("billing")
    answer = business.pay(key, request, timeout=60)

    assert (answer["payment"]["amount"], answer["payment"]["status"]) == (3_300, "succeeded")
    assert billing_rows(faults, select(IdempotencyRecord.state).where(of_this_business)) == [("done",)]
    charged = faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
    assert [(row["idempotency_key"], row["amount"]) for row in charged] == [(payment_key(business, key), 3_300)]


# --- voiding an invoice while it is being paid ---------------------------------------------------------

CHECKOUT_SETTINGS = {"allow_partial_payments": False, "allow_credit_at_checkout": False, "over_limit_action": "warn",
                     "card_max_payment": 0, "ach_max_payment": 0}
STAFF_ID = 1


@postgresql_only(ROW_LOCKS)
def test_a_void_waiting_for_a_checkouts_lock_sees_the_payment_and_refuses(faults):
    """A checkout has reserved the invoice, uncommitted; the void waits for the lock, then finds the payment."""
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    invoice = business.invoice(8_800)
    tenant_id = business.tenant["id"]
    checkout = Session(faults.billing_engine, expire_on_commit=False)
    voider = Session(faults.billing_engine, expire_on_commit=False)
    try:
        reservation.reserve(checkout, tenant_id, business.account_id, f"portal-{uuid.uuid4()}",
                         {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"], "new_method": None,
                          "amount": None, "credit": 0}, CHECKOUT_SETTINGS)  # holds the invoice's lock
        with ThreadPoolExecutor(max_workers=1) as pool:
            voiding = pool.submit(void_invoice, voider, tenant_id, invoice["id"], {}, STAFF_ID)
            wait_for(lambda: waiting_for_a_lock(faults), timeout=10, message="the void to wait for the lock")
            checkout.commit()
            with pytest.raises(Conflict, match="being processed"):
                voiding.result(30)
    finally:
        checkout.close()
        voider.close()
    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == (0, "open")  # reserved for the payment, which settles it


@postgresql_only(ROW_LOCKS)
def test_a_checkout_waiting_for_a_voids_lock_finds_the_invoice_void(faults):
    """The void holds the invoice's lock, uncommitted; the checkout waits, then finds nothing to pay."""
    business = Business(faults)
    method = business.add_method(card(CARDS["visa"]))
    invoice = business.invoice(7_700)
    tenant_id = business.tenant["id"]
    voider = Session(faults.billing_engine, expire_on_commit=False)
    checkout = Session(faults.billing_engine, expire_on_commit=False)
    try:
        void_invoice(voider, tenant_id, invoice["id"], {"reason": "race"}, STAFF_ID)
        with ThreadPoolExecutor(max_workers=1) as pool:
            paying = pool.submit(reservation.reserve, checkout, tenant_id, business.account_id, f"portal-{uuid.uuid4()}",
                                 {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"],
                                  "new_method": None, "amount": None, "credit": 0}, CHECKOUT_SETTINGS)
            wait_for(lambda: waiting_for_a_lock(faults), timeout=10, message="the checkout to wait for the lock")
            voider.commit()
            with pytest.raises(Conflict):
                paying.result(30)
    finally:
        checkout.close()
        voider.close()
    assert billing_rows(faults, select(Payment.id).where(Payment.account_id == business.account_id)) == []
    [(balance, status)] = billing_rows(faults, select(Invoice.balance, Invoice.status)
                                       .where(Invoice.id == invoice["id"]))
    assert (balance, status) == (0, "void")


def test_voids_racing_checkouts_and_a_charge_run_never_both_take_an_invoice(faults):
    """Staff void each invoice while the client pays half of them and a charge run charges the other half."""
    business = Business(faults, autopay=True)
    method = business.add_method(card(CARDS["visa"]))
    business.billing("enroll_autopay", method["id"], True, context=business.client)
    created = create_invoices(business, [2_000 + index for index in range(24)])
    by_portal, by_run = created[::2], created[1::2]
    run = business.billing("start_charge_run", [invoice["id"] for invoice in by_run], timeout=30)
    calls = [("void", invoice, lambda invoice=invoice: business.billing(
        "void_invoice", invoice["id"], "race", timeout=30)) for invoice in created]
    calls += [("pay", invoice, lambda invoice=invoice: business.pay(f"void-race-{invoice['id']}", {
        "invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})) for invoice in by_portal]
    random.Random(20).shuffle(calls)  # voids and payments of one invoice start in either order

    outcomes = run_all([call for _, _, call in calls], workers=16)
    finished = wait_for(lambda: (lambda p: p if p["finished"] else None)(
        business.billing("get_charge_run", run["id"], True)), timeout=120, interval=0.25,
        message="the charge run to finish")

    errors = [error for _, error in outcomes if error is not None]
    assert all(isinstance(error, Conflict) for error in errors), [repr(error) for error in errors]
    succeeded = [(kind, invoice["id"]) for (kind, invoice, _), (_, error) in zip(calls, outcomes) if error is None]
    voided = {invoice_id for kind, invoice_id in succeeded if kind == "void"}
    portal_paid = {invoice_id for kind, invoice_id in succeeded if kind == "pay"}
    run_paid = {item["invoice_id"] for item in finished["items"] if item["state"] == "succeeded"}
    print(f"voided {len(voided)}, paid at the portal {len(portal_paid)}, charged by the run {len(run_paid)}")
    assert voided.isdisjoint(portal_paid | run_paid)
    assert voided | portal_paid | run_paid == {invoice["id"] for invoice in created}
    for item in finished["items"]:
        assert item["state"] in ("succeeded", "failed")
        if item["invoice_id"] in voided:
            assert item["state"] == "failed" and "voided" in item["message"], item
    rows = billing_rows(faults, select(Invoice.id, Invoice.status, Invoice.balance).where(
        Invoice.id.in_([invoice["id"] for invoice in created])))
    assert {row.id: (row.status, row.balance) for row in rows} == {
        invoice["id"]: ("void" if invoice["id"] in voided else "paid", 0) for invoice in created}
    charged = [row for row in faults.processor.charges(key_prefix=f"{business.tenant['id']}:")
               if row["status"] == "succeeded"]
    totals = {invoice["id"]: invoice["total"] for invoice in created}
    assert sorted(row["amount"] for row in charged) == sorted(totals[i] for i in portal_paid | run_paid)
    assert business.billing("account_billing", business.account_id)["credit"] == 0  # nothing paid was voided
