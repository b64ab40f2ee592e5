"""Bulk charging of autopay invoices: one queued message per group of invoices, shared by every billing instance.

An item moves queued -> charging -> succeeded | failed under a row lock (charge_groups.py charges
them). The processor charge reuses the item's payment and idempotency key, so a message
redelivered after a crash finishes the same charge instead of making a second one.
"""
import json

from sqlalchemy import bindparam, func, insert, select, text, update

from billing.models import Autopay, ChargeRun, ChargeRunItem, Invoice
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events import INVOICE_CHARGE_REQUESTED
from shared.i18n import _
from shared.messaging import OutboxWriter, envelope

FINISHED = ("succeeded", "failed")
ACTIVE = ("queued", "charging")
# Invoices a message carries (charge_groups.py charges them at once, each instance at most as many at a time
# as it has workers). A run of fewer invoices is one message.
GROUP_SIZE = 10


def in_active_run():
    """Whether the invoice (of the enclosing query) has an item still to charge in some run."""
    return select(ChargeRunItem.id).where(ChargeRunItem.invoice_id == Invoice.id,
                                          ChargeRunItem.state.in_(ACTIVE)).exists()


def awaiting(statement, tenant_id):
    """``statement`` limited to open autopay invoices of enrolled accounts not already in a run."""
    return (statement.join(Autopay, Autopay.account_id == Invoice.account_id).where(
        Invoice.tenant_id == tenant_id, Invoice.status == "open", Invoice.autopay.is_(True),
        Invoice.balance > 0, Autopay.enrolled.is_(True), Autopay.payment_method_id.is_not(None),
        ~in_active_run()).order_by(Invoice.due_date, Invoice.id))


def lock_runs(session, tenant_id):
    """Start one run of the tenant at a time, so two runs never take the same invoice.

    PostgreSQL: a transaction-scoped advisory lock, taken before the invoices are read. SQLite:
    the service's transactions begin with BEGIN IMMEDIATE (shared.db), one at a time, so
    starting runs is serial there anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext("billing.charge_runs"), tenant_id)))


def start_run(session, outbox, tenant_id, invoice_ids=None, requested_by=None, due_by=None):
    """Queue a charge per invoice (all awaiting autopay, or the ones chosen); the caller commits.

    ``requested_by`` None is an automatic run (the daily cycle, autopay_cycles.py), which passes ``due_by``:
    only the invoices due on or before that date.

    Set-based: the invoices are read as ids, and the items and their messages are written by a
    handful of statements (not two per invoice) in the caller's transaction, so the run, its
    items and their messages commit together or not at all.
    """
    lock_runs(session, tenant_id)
    statement = awaiting(select(Invoice.id), tenant_id)
    if due_by is not None:
        statement = statement.where(Invoice.due_date <= due_by)
    ids = session.scalars(statement).all()
    if invoice_ids is not None:
        chosen = set(invoice_ids)
        ids = [invoice_id for invoice_id in ids if invoice_id in chosen]
        if len(ids) != len(chosen):
            raise InvalidInput(_("Some invoices are not awaiting an autopay charge."),
                               {"invoice_ids": [_("Choose invoices from Invoices to charge.")]})
    if not ids:
        raise Conflict(_("No invoices are waiting for an autopay charge."))
    now = utcnow()
    run = ChargeRun(tenant_id=tenant_id, requested_by=requested_by, total=len(ids), created_at=now)
    session.add(run)
    session.flush()
    # The set-based insert writes the outbox table itself: only for the real outbox, not a test's stand-in.
    if isinstance(outbox, OutboxWriter) and session.get_bind().dialect.name == "postgresql":
        queue_in_postgresql(session, outbox, tenant_id, run.id, ids, now)
    else:
        session.execute(insert(ChargeRunItem), [{"run_id": run.id, "invoice_id": invoice_id, "state": "queued",
                                                  "updated_at": now} for invoice_id in ids])
        outbox.add_many(session, INVOICE_CHARGE_REQUESTED,
                        [{"run_id": run.id, "invoice_ids": ids[start:start + GROUP_SIZE]}
                         for start in range(0, len(ids), GROUP_SIZE)], tenant_id)
    return run


# PostgreSQL builds the items and their messages itself from the list of invoice ids, in its
# order: a run of 10,000 costs the service a few milliseconds of Python instead of a second,
# which matters when the instance answering is also busy charging. Each message is the
# envelope made for the first group, with its own event id and group of invoices.
ITEMS_FROM_IDS = text(
    "INSERT INTO charge_run_items (run_id, invoice_id, state, updated_at) "
    "SELECT :run_id, chosen.invoice_id, 'queued', :now "
    "FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS chosen(invoice_id, position) "
    "ORDER BY chosen.position")
MESSAGES_FROM_IDS = text(
    "INSERT INTO outbox (event_id, event_type, tenant_id, body, headers, created_at, attempts) "
    "SELECT event.id, :event_type, :tenant_id, "
    "       jsonb_set(jsonb_set(CAST(:body AS jsonb), '{event_id}', to_jsonb(event.id)), "
    "                 '{data,invoice_ids}', to_jsonb(event.invoice_ids))::json, "
    "       CAST(:headers AS json), :now, 0 "
    "FROM (SELECT gen_random_uuid()::text AS id, grouped.number, grouped.invoice_ids "
    "      FROM (SELECT (chosen.position - 1) / :size AS number, "
    "                   array_agg(chosen.invoice_id ORDER BY chosen.position) AS invoice_ids "
    "            FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS chosen(invoice_id, position) "
    "            GROUP BY 1) AS grouped) AS event "
    "ORDER BY event.number")


def queue_in_postgresql(session, outbox, tenant_id, run_id, ids, now):
    body = envelope(INVOICE_CHARGE_REQUESTED, tenant_id, {"run_id": run_id, "invoice_ids": ids[:GROUP_SIZE]})
    session.execute(ITEMS_FROM_IDS, {"run_id": run_id, "now": now, "ids": list(ids)})
    session.execute(MESSAGES_FROM_IDS, {"event_type": INVOICE_CHARGE_REQUESTED.name, "tenant_id": tenant_id,
                                        "body": json.dumps(body), "headers": json.dumps(outbox.headers()), "now": now,
                                        "ids": list(ids), "size": GROUP_SIZE})
    outbox.wake_after_commit(session)


def progress(session, tenant_id, run_id):
    """How far a run of the business has got (its per-invoice results: charge_run_lists.item_page)."""
    run = session.get(ChargeRun, run_id) if isinstance(run_id, int) else None
    if run is None or run.tenant_id != tenant_id:
        raise NotFound(_("No such charge run."))
    counts = dict(session.execute(select(ChargeRunItem.state, func.count()).where(
        ChargeRunItem.run_id == run.id).group_by(ChargeRunItem.state)).all())
    done = counts.get("succeeded", 0) + counts.get("failed", 0)
    return {"id": run.id, "total": run.total, "done": done, "succeeded": counts.get("succeeded", 0),
              "failed": counts.get("failed", 0), "percent": round(100 * done / run.total) if run.total else 100,
              "finished": done == run.total, "created_at": iso_utc(run.created_at),
              "requested_by": run.requested_by, "automatic": run.requested_by is None}


# A run is finished by the transaction that finds none of its items left to charge (charge_groups.py).
RUNS, ITEMS = ChargeRun.__table__, ChargeRunItem.__table__
LOCK_RUN = select(RUNS.c.id).where(RUNS.c.id == bindparam("run_id")).with_for_update()
MARK_RUN_FINISHED = (
    update(RUNS).where(RUNS.c.id == bindparam("run_id"), RUNS.c.finished_at.is_(None),
                       ~select(ITEMS.c.id).where(ITEMS.c.run_id == bindparam("run_id"), ITEMS.c.state.in_(ACTIVE))
                       .exists())
    .values(finished_at=bindparam("now")))


def mark_run_finished(session, run_id):
    """Mark the run finished if none of its items is left to charge, once this transaction has ended its own.

    The run's row is locked first, so that of two groups ending their run's last items at once the
    second waits for the first's commit and, reading afresh (READ COMMITTED), sees its items ended:
    without the lock each could still see the other's items as charging, and neither finish the run.
    SQLite runs the writing transactions one at a time anyway.
    """
    connection = session.connection()
    connection.execute(LOCK_RUN, {"run_id": run_id})
    connection.execute(MARK_RUN_FINISHED, {"run_id": run_id, "now": utcnow()})
