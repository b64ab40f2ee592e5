"""The daily autopay cycle: each business's due autopay invoices charged once a day at its chosen hour.

Every billing instance ticks (autopay_cycle_entrypoints.py). A tick looks for the businesses with autopay
on whose local time has reached the Billing tab's ``autopay_charge_hour`` on a local date without a cycle, and
for each inserts AutopayCycle(tenant_id, cycle_date) and starts the charge run in the same transaction. The
row's primary key is the "exactly once": of instances ticking together, the one whose insert commits starts
the run; the insert of every other one fails (PostgreSQL waits for the winner's commit, then reports the
duplicate key; SQLite's BEGIN IMMEDIATE lets one writer in at a time, and the next finds the row) and it
rolls back, having changed nothing. A day billing was down through is not made up: the next day's cycle
charges every invoice due by then.
"""
import logging
from datetime import datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from billing import charge_runs, local_time
from billing.field_models import AutopayCycle
from billing.models import platform
from billing.settings import TABS
from shared.clock import as_utc, iso_utc, utcnow
from shared.errors import Conflict
from shared.settings_store import read_settings

log = logging.getLogger(__name__)
RECENT_CYCLES = 5


def settings_of(session, tenant_id):
    """The Billing and Services tabs of a business, as one dictionary."""
    return {**read_settings(session, platform.tenant_settings, tenant_id, TABS, "services"),
            **read_settings(session, platform.tenant_settings, tenant_id, TABS, "billing")}


def enabled_tenants(session):
    """The businesses whose stored Billing tab turns autopay on (it is off by default)."""
    table = platform.tenant_settings
    rows = session.execute(select(table.c.tenant_id, table.c["values"]).where(table.c.tab == "billing")
                           .order_by(table.c.tenant_id)).all()
    return [tenant_id for tenant_id, values in rows if isinstance(values, dict) and values.get("autopay_enabled")]


def cycle_of(session, tenant_id, cycle_date):
    return session.get(AutopayCycle, (tenant_id, cycle_date))


def is_due(settings, now):
    """Whether the business's local time at ``now`` has reached its charge hour (autopay on)."""
    return bool(settings["autopay_enabled"]) and local_time.local_now(settings, now).hour >= \
        settings["autopay_charge_hour"]


def run_cycle(session, outbox, tenant_id, cycle_date, now):
    """Claim the business's cycle of ``cycle_date`` and start its run; commit. None when another instance has it.

    The run takes every awaiting autopay invoice due on or before the cycle's date, not already queued or
    charging in another run (start_run skips those). Nothing due: the cycle records 0 invoices and no run.
    """
    try:
        session.execute(insert(AutopayCycle).values(tenant_id=tenant_id, cycle_date=cycle_date, invoices=0,
                                                    started_at=now))
    except IntegrityError:
        session.rollback()
        return None
    try:
        run = charge_runs.start_run(session, outbox, tenant_id, due_by=cycle_date)
    except Conflict:
        pass
    else:
        session.execute(update(AutopayCycle).where(AutopayCycle.tenant_id == tenant_id,
                                                   AutopayCycle.cycle_date == cycle_date)
                        .values(run_id=run.id, invoices=run.total))
    session.commit()
    return cycle_of(session, tenant_id, cycle_date)


def tick(session, outbox, now=None):
    """Start the cycle of every business whose hour has come today; return the cycles this call started."""
    now = now or utcnow()
    tenant_ids = enabled_tenants(session)
    session.rollback()  # end the read: on SQLite it holds the write lock
    started = []
    for tenant_id in tenant_ids:
        try:
            settings = settings_of(session, tenant_id)
            cycle_date = local_time.today(settings, now)
            waiting = is_due(settings, now) and cycle_of(session, tenant_id, cycle_date) is None
            session.rollback()
            cycle = run_cycle(session, outbox, tenant_id, cycle_date, now) if waiting else None
        except Exception:  # one business's trouble must not keep the others from their charges
            session.rollback()
            log.exception("The autopay cycle of tenant %s failed; the next tick tries again.", tenant_id)
            continue
        if cycle is not None:
            log.info("Autopay cycle of tenant %s on %s: %s invoices due.", tenant_id, cycle_date, cycle.invoices)
            started.append(cycle)
    return started


def next_charge(session, tenant_id, settings, now=None):
    """When the next automatic charge happens: a UTC moment, or None while autopay is off."""
    if not settings["autopay_enabled"]:
        return None
    now = as_utc(now or utcnow())
    today = local_time.today(settings, now)
    day = today if cycle_of(session, tenant_id, today) is None else today + timedelta(days=1)
    at = datetime.combine(day, time(settings["autopay_charge_hour"]), tzinfo=local_time.zone(settings))
    return max(as_utc(at), now)  # the hour passed today without a cycle yet: at the next tick


def describe_cycle(session, tenant_id, cycle):
    run = charge_runs.progress(session, tenant_id, cycle.run_id) if cycle.run_id else None
    status = "nothing due" if run is None else ("finished" if run["finished"] else "charging")
    return {"cycle_date": cycle.cycle_date.isoformat(), "invoices": cycle.invoices, "run_id": cycle.run_id,
            "status": status, "succeeded": run["succeeded"] if run else 0, "failed": run["failed"] if run else 0,
            "started_at": iso_utc(cycle.started_at)}


def schedule(session, tenant_id, settings, now=None):
    """The staff's view: whether autopay charges by itself, when next (local time too), and the last cycles."""
    moment = next_charge(session, tenant_id, settings, now)
    cycles = session.scalars(select(AutopayCycle).where(AutopayCycle.tenant_id == tenant_id)
                             .order_by(AutopayCycle.cycle_date.desc()).limit(RECENT_CYCLES)).all()
    return {"enabled": bool(settings["autopay_enabled"]), "charge_hour": settings["autopay_charge_hour"],
            "time_zone": settings["time_zone"], "next_charge_at": iso_utc(moment),
            "next_charge_local": local_time.describe_moment(moment, settings) if moment else None,
            "recent_cycles": [describe_cycle(session, tenant_id, cycle) for cycle in cycles]}

