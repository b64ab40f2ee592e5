"""Autopay that runs itself: two billing instances, a test clock, a real broker, each database.

The System here is the module's own (``clocked``): its billing instances read the moment from a test clock
(shared/clock.py, ``PORTICO_TEST_CLOCK_FILE``) and look for due cycles every half second, so 24 business days
pass in a minute without sleeping through them. Invoices come from jobs over billing's staff RPC, as the gateway
raises them; what was really charged is read from the sandbox processor's own database.
"""
import uuid
from datetime import datetime, time as clock_time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select

from billing.field_models import AutopayCycle
from billing.models import Allocation, ChargeRun, ChargeRunItem, Invoice, Payment
from portico_testing import ServiceProcess, wait_for
from portico_testing.clock import TestClock
from tests.conftest import BACKENDS, DEMO_PASSWORD, System
from tests.portal_helpers import create_client, staff_context
from tests.fault_processors import SandboxSide
from tests.test_billing_faults import CARDS, card, charge_queue_consumers

ZONE = "America/Chicago"
CHARGE_HOUR = 9
DAYS = 24
TICK = {"BILLING_AUTOPAY_TICK_SECONDS": "0.5"}


def local(day, hour, minute=0):
    return datetime.combine(day, clock_time(hour, minute), tzinfo=ZoneInfo(ZONE))


@pytest.fixture(scope="module", params=BACKENDS)
def clocked(request, tmp_path_factory, mail_server):
    """A System whose billing runs as two instances on a test clock (the module's own: the clock moves)."""
    tmp_path = tmp_path_factory.mktemp(f"autopay-{request.param}")
    clock = TestClock(tmp_path / "test-clock", local(datetime.now(ZoneInfo(ZONE)).date(), 6))
    system = System(request.param, tmp_path, mail_server)
    system.clock = clock
    system.billing_engine = create_engine(system.databases.urls["billing"])
    second = ServiceProcess("billing", {**system.env_of("billing"), **clock.env, **TICK}, tmp_path / "billing-2")
    (tmp_path / "billing-2").mkdir()
    try:
        system.restart("billing", **clock.env, **TICK)
        second.start()
        wait_for(lambda: charge_queue_consumers(system) == 2, timeout=30, interval=0.25,
                 message="two billing instances")
        yield system
    finally:
        second.stop()
        system.billing_engine.dispose()
        system.close()


class Business:
    """A business charging autopay at 9 in Chicago, with one client enrolled (a visa on file)."""

    def __init__(self, system, scope="new_jobs", enroll=True):
        self.system = system
        self.tenant, _ = system.new_tenant(slug=f"autopay-{uuid.uuid4().hex[:8]}")
        self.staff = staff_context(system, self.tenant)
        self.billing("update_settings", "services", {"time_zone": ZONE})
        self.billing("update_settings", "billing", {"autopay_enabled": True, "autopay_charge_hour": CHARGE_HOUR,
                                                    "autopay_applies_to": scope})
        self.account_id = create_client(system, self.tenant)["id"]
        self.client = system.client_context(self.tenant, 1, self.account_id, "manage")
        if enroll:
            self.enroll()

    def billing(self, method, *args, context=None):
        return self.system.rpc.call("billing", method, *args, context=context or self.staff, timeout=30)

    def enroll(self):
        method = self.billing("add_payment_method", SandboxSide(self.system).method(card(CARDS["visa"])),
                              context=self.client)
        return self.billing("enroll_autopay", method["id"], True, context=self.client)

    def job(self, title="Weekly mowing", account_id=None):
        return self.billing("create_job", {"account_id": account_id or self.account_id, "title": title})

    def invoice(self, job, issued, due, amount):
        return self.billing("create_invoice", {
            "account_id": job["account_id"], "job_id": job["id"], "issue_date": issued.isoformat(),
            "due_date": due.isoformat(), "lines": [{"description": job["title"], "unit_price": amount}]})

    def rows(self, statement):
        with self.system.billing_engine.connect() as connection:
            return connection.execute(statement).all()


def cycle_done(business, day):
    """The day's cycle, once its run (if it has one) has charged every invoice."""
    recent = business.billing("autopay_schedule")["recent_cycles"]
    if recent and recent[0]["cycle_date"] == day.isoformat() and recent[0]["status"] != "charging":
        return recent[0]
    return None


def one_day(business, day, number):
    """Raise the day's invoices before the charge hour, move the clock past it, wait for the day's cycle.

    Every day brings an invoice due that day; every fourth day also one due two days later (charged then),
    and every sixth day one due after the last day (never charged by a cycle here). Odd days the clock passes
    the hour by a minute; even days billing "was down" through it and the clock jumps to the afternoon.
    """
    clock = business.system.clock
    clock.set(local(day, 6))
    job = business.job(f"Visit {number}")
    raised = [business.invoice(job, day, day, 4_000 + number)]
    if number % 4 == 0:
        raised.append(business.invoice(business.job(f"Hedge {number}"), day, day + timedelta(days=2), 2_500))
    if number % 6 == 0:
        raised.append(business.invoice(job, day, business.first_day + timedelta(days=DAYS + 5), 999))
    assert cycle_done(business, day) is None  # not yet the hour
    clock.set(local(day, CHARGE_HOUR, 1) if number % 2 else local(day, 16))
    cycle = wait_for(lambda: cycle_done(business, day), timeout=60, interval=0.2, message=f"the cycle of {day}")
    return raised, cycle


def by_hand(business, invoice):
    """Staff still charge by hand: a run of one invoice not yet due."""
    run = business.billing("start_charge_run", [invoice["id"]])
    assert run["automatic"] is False
    wait_for(lambda: business.billing("get_charge_run", run["id"], False)["finished"], timeout=30,
             message="the staff's run")


def test_24_daily_cycles_on_two_instances_charge_every_due_invoice_exactly_once(clocked):
    first_day = clocked.clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=1)
    clocked.clock.set(local(first_day, 6))  # the clock only moves on: a new day, whatever ran before
    business = Business(clocked)
    business.first_day = first_day
    bystander = create_client(clocked, business.tenant, name="Not On Autopay")  # its invoices stay put
    theirs = business.invoice(business.job("Their visit", bystander["id"]), first_day, first_day, 3_000)
    raised, cycles, charged_by_hand = [], [], None
    for number in range(1, DAYS + 1):
        invoices, cycle = one_day(business, first_day + timedelta(days=number - 1), number)
        raised += invoices
        cycles.append(cycle)
        if number == 12:
            charged_by_hand = raised[-1]  # the one due after the last day, raised today
            by_hand(business, charged_by_hand)
    last_day = (first_day + timedelta(days=DAYS - 1)).isoformat()
    due = [invoice for invoice in raised if invoice["due_date"] <= last_day or invoice is charged_by_hand]
    later = [invoice for invoice in raised if invoice not in due]
    assert (len(due), len(later)) == (DAYS + 5 + 1, 3 + 1)

    check_charged_once(business, due)
    untouched = [invoice["id"] for invoice in later] + [theirs["id"]]
    assert business.rows(select(Invoice.status, func.count()).where(Invoice.id.in_(untouched))
                         .group_by(Invoice.status)) == [("open", len(untouched))]
    assert business.rows(select(func.count()).where(ChargeRunItem.invoice_id.in_(untouched))) == [(0,)]
    check_one_run_per_cycle(business, cycles)


def check_charged_once(business, due):
    """Each due invoice paid by exactly one succeeded payment, and the processor charged each once."""
    ids = [invoice["id"] for invoice in due]
    assert business.rows(select(Invoice.status, func.sum(Invoice.balance)).where(Invoice.id.in_(ids))
                         .group_by(Invoice.status)) == [("paid", 0)]
    payers = dict(business.rows(
        select(Allocation.invoice_id, func.count(func.distinct(Payment.id)))
        .join(Payment, Payment.id == Allocation.payment_id)
        .where(Allocation.invoice_id.in_(ids), Payment.status == "succeeded").group_by(Allocation.invoice_id)))
    assert payers == {invoice_id: 1 for invoice_id in ids}
    charged = SandboxSide(business.system).charges(key_prefix=f"{business.tenant['id']}:")
    assert len(charged) == len(ids) and {row["status"] for row in charged} == {"succeeded"}
    assert sorted(row["amount"] for row in charged) == sorted(invoice["total"] for invoice in due)


def check_one_run_per_cycle(business, cycles):
    """24 cycle rows, one a day; each automatic run belongs to exactly one cycle, and the staff's run is theirs."""
    tenant_id = business.tenant["id"]
    rows = business.rows(select(AutopayCycle.cycle_date, AutopayCycle.run_id, AutopayCycle.invoices)
                         .where(AutopayCycle.tenant_id == tenant_id).order_by(AutopayCycle.cycle_date))
    first_day = business.first_day
    assert [row.cycle_date for row in rows] == [first_day + timedelta(days=day) for day in range(DAYS)]
    automatic = business.rows(select(ChargeRun.id, ChargeRun.total).where(
        ChargeRun.tenant_id == tenant_id, ChargeRun.requested_by.is_(None)).order_by(ChargeRun.id))
    assert sorted((row.run_id, row.invoices) for row in rows if row.run_id) == [tuple(run) for run in automatic]
    assert all(row.invoices == 0 for row in rows if row.run_id is None)
    assert business.rows(select(func.count()).where(ChargeRun.tenant_id == tenant_id,
                                                    ChargeRun.requested_by.is_not(None))) == [(1,)]
    assert [cycle["status"] for cycle in cycles] == ["finished" if row.run_id else "nothing due" for row in rows]
    schedule = business.billing("autopay_schedule")
    assert len(schedule["recent_cycles"]) == 5 and schedule["recent_cycles"][0]["cycle_date"] == \
        rows[-1].cycle_date.isoformat()
    assert schedule["next_charge_local"].endswith(f"09:00 ({ZONE})")


@pytest.mark.parametrize("scope", ["new_jobs", "all_scheduled_jobs"])
def test_the_scope_decides_whether_an_existing_jobs_invoices_are_charged(clocked, scope):
    """Same data in each scope: a job scheduled before enrolment (an invoice raised before, one after) and a job
    created after it. ``new_jobs`` charges the new job's invoice only; ``all_scheduled_jobs`` all three."""
    business = Business(clocked, scope=scope, enroll=False)
    day = clocked.clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=1)
    existing = business.job("Weekly mowing (scheduled before autopay)")
    before = business.invoice(existing, day, day, 1_100)
    consent = business.billing("my_autopay", context=business.client)["consent_text"]
    business.enroll()
    after = business.invoice(existing, day, day, 1_200)
    new = business.job("Hedge trimming (after autopay)")
    assert new["autopay"] is True and business.billing("get_invoice", before["id"])["autopay"] is (
        scope == "all_scheduled_jobs")
    fresh = business.invoice(new, day, day, 1_300)
    if scope == "new_jobs":
        assert "services created from today on" in consent and "already scheduled keep" in consent
        charged, kept = [fresh], [before, after]
    else:
        assert "including services already scheduled today" in consent
        charged, kept = [before, after, fresh], []
    waiting = {invoice["id"] for invoice in business.billing("invoices_to_charge")["items"]}
    assert waiting == {invoice["id"] for invoice in charged}

    clocked.clock.set(local(day, CHARGE_HOUR, 30))
    cycle = wait_for(lambda: cycle_done(business, day), timeout=60, interval=0.2, message="the day's cycle")
    assert (cycle["invoices"], cycle["succeeded"]) == (len(charged), len(charged))
    statuses = {invoice["id"]: business.billing("get_invoice", invoice["id"])["status"] for invoice in charged + kept}
    assert statuses == {**{invoice["id"]: "paid" for invoice in charged}, **{invoice["id"]: "open" for invoice in kept}}


def test_staff_see_when_the_next_automatic_charge_happens_and_the_last_cycles(clocked):
    day = clocked.clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=1)
    clocked.clock.set(local(day, 7))  # before the business exists: the hour has not come on its first day
    business = Business(clocked)
    session = clocked.staff_session({"email": business.tenant["owner"]["email"], "password": DEMO_PASSWORD})
    api = {"Authorization": f"Bearer {session['token']}"}
    pages = clocked.app.test_client()
    pages.set_cookie("__Host-portico_staff", session["token"])
    invoice = business.invoice(business.job(), day, day, 4_200)

    listed = clocked.http.get("/api/v1/staff/invoices-to-charge", headers=api).get_json()
    next_charge = f"{day:%a} {day.day} {day:%b %Y}, 09:00 ({ZONE})"
    assert [item["id"] for item in listed["items"]] == [invoice["id"]]
    assert (listed["autopay"]["enabled"], listed["autopay"]["next_charge_local"]) == (True, next_charge)
    assert listed["autopay"]["recent_cycles"] == []
    assert next_charge in pages.get("/staff/invoices-to-charge").get_data(as_text=True)

    clocked.clock.set(local(day, CHARGE_HOUR, 5))
    cycle = wait_for(lambda: cycle_done(business, day), timeout=60, interval=0.2, message="the day's cycle")
    run = clocked.http.get(f"/api/v1/staff/charge-runs/{cycle['run_id']}", headers=api).get_json()
    assert (run["automatic"], run["requested_by"], run["succeeded"]) == (True, None, 1)
    listed = clocked.http.get("/api/v1/staff/invoices-to-charge", headers=api).get_json()
    assert listed["items"] == [] and listed["autopay"]["recent_cycles"][0]["status"] == "finished"
    assert listed["autopay"]["next_charge_local"].startswith(f"{day + timedelta(days=1):%a} ")
    page = pages.get("/staff/invoices-to-charge").get_data(as_text=True)
    assert f'/staff/charge-runs/{cycle["run_id"]}">Finished: 1 charged, 0 failed</a>' in page
    assert "Automatic: the daily autopay charge" in pages.get(f"/staff/charge-runs/{cycle['run_id']}").get_data(
        as_text=True)

    business.billing("update_settings", "billing", {"autopay_enabled": False})
    off = clocked.http.get("/api/v1/staff/invoices-to-charge", headers=api).get_json()["autopay"]
    assert (off["enabled"], off["next_charge_at"]) == (False, None)
    assert "Client autopay is off" in pages.get("/staff/invoices-to-charge").get_data(as_text=True)
