"""Bulk charging of autopay invoices: one queued message per invoice, shared by every billing instance.

An item moves queued -> charging -> succeeded | failed under a row lock. The processor charge
reuses the item's payment and idempotency key, so a message redelivered after a crash
finishes the same charge instead of making a second one.
"""
import json

from sqlalchemy import bindparam, func, insert, select, text, update

from billing.models import Autopay, ChargeRun, ChargeRunItem, Invoice, Payment, PaymentMethod
from billing.charge_reservation import reserve_for_run
from billing.settlement import charge, settle
from shared.clock import iso_utc, utcnow
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shared.events import INVOICE_CHARGE_REQUESTED
from shared.messaging import OutboxWriter, envelope

FINISHED = ("succeeded", "failed")
ACTIVE = ("queued", "charging")


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
            raise InvalidInput("Some invoices are not awaiting an autopay charge.",
                               {"invoice_ids": ["Choose invoices from Invoices to charge."]})
    if not ids:
        raise Conflict("No invoices are waiting for an autopay charge.")
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
                        [{"run_id": run.id, "invoice_id": invoice_id} for invoice_id in ids], tenant_id)
    return run


# PostgreSQL builds the items and their messages itself from the list of invoice ids, in its
# order: a run of 10,000 costs the service a few milliseconds of Python instead of a second,
# which matters when the instance answering is also busy charging. Each message is the
# envelope made for the first invoice, with its own event id and invoice.
ITEMS_FROM_IDS = text(
    "INSERT INTO charge_run_items (run_id, invoice_id, state, updated_at) "
    "SELECT :run_id, chosen.invoice_id, 'queued', :now "
    "FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS chosen(invoice_id, position) "
    "ORDER BY chosen.position")
MESSAGES_FROM_IDS = text(
    "INSERT INTO outbox (event_id, event_type, tenant_id, body, headers, created_at, attempts) "
    "SELECT event.id, :event_type, :tenant_id, "
    "       jsonb_set(jsonb_set(CAST(:body AS jsonb), '{event_id}', to_jsonb(event.id)), "
    "                 '{data,invoice_id}', to_jsonb(event.invoice_id))::json, "
    "       CAST(:headers AS json), :now, 0 "
    "FROM (SELECT gen_random_uuid()::text AS id, chosen.invoice_id, chosen.position "
    "      FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS chosen(invoice_id, position)) AS event "
    "ORDER BY event.position")


def queue_in_postgresql(session, outbox, tenant_id, run_id, ids, now):
    body = envelope(INVOICE_CHARGE_REQUESTED, tenant_id, {"run_id": run_id, "invoice_id": ids[0]})
    session.execute(ITEMS_FROM_IDS, {"run_id": run_id, "now": now, "ids": list(ids)})
    session.execute(MESSAGES_FROM_IDS, {"event_type": INVOICE_CHARGE_REQUESTED.name, "tenant_id": tenant_id,
                                        "body": json.dumps(body), "headers": json.dumps(outbox.headers()), "now": now,
                                        "ids": list(ids)})
    outbox.wake_after_commit(session)


def progress(session, tenant_id, run_id):
    """How far a run of the business has got (its per-invoice results: charge_run_lists.item_page)."""
    run = session.get(ChargeRun, run_id) if isinstance(run_id, int) else None
    if run is None or run.tenant_id != tenant_id:
        raise NotFound("No such charge run.")
    counts = dict(session.execute(select(ChargeRunItem.state, func.count()).where(
        ChargeRunItem.run_id == run.id).group_by(ChargeRunItem.state)).all())
    done = counts.get("succeeded", 0) + counts.get("failed", 0)
    return {"id": run.id, "total": run.total, "done": done, "succeeded": counts.get("succeeded", 0),
              "failed": counts.get("failed", 0), "percent": round(100 * done / run.total) if run.total else 100,
              "finished": done == run.total, "created_at": iso_utc(run.created_at),
              "requested_by": run.requested_by, "automatic": run.requested_by is None}


# The charge path's statements, built once: building one costs more Python than running it.
THE_ITEM = (ChargeRunItem.run_id == bindparam("run_id"), ChargeRunItem.invoice_id == bindparam("invoice_id"))
# populate_existing: the item may be cached from this session's earlier transaction.
# The item's id and state, locked: a plain row, as its end is written by END_ITEM rather than the ORM.
LOCK_ITEM = select(ChargeRunItem.id, ChargeRunItem.state).where(*THE_ITEM).with_for_update()
END_ITEM = (update(ChargeRunItem.__table__).where(ChargeRunItem.__table__.c.id == bindparam("item_id"))
            .values(state=bindparam("state"), message=bindparam("message"), updated_at=bindparam("now")))
# The item, locked, with its account's autopay enrolment and payment method: reserve() then
# finds the method in the session instead of reading it again.
LOCK_ITEM_TO_CHARGE = (
    select(ChargeRunItem, Autopay, PaymentMethod)
    .join(Invoice, Invoice.id == ChargeRunItem.invoice_id)
    .outerjoin(Autopay, Autopay.account_id == Invoice.account_id)
    .outerjoin(PaymentMethod, PaymentMethod.id == Autopay.payment_method_id)
    .where(*THE_ITEM).with_for_update(of=ChargeRunItem).execution_options(populate_existing=True))
# A run is finished by the transaction that finds none of its items left to charge.
# On the tables, run on the session's connection: the ORM has nothing to keep in step with them.
RUNS, ITEMS = ChargeRun.__table__, ChargeRunItem.__table__
MARK_RUN_FINISHED = (
    update(RUNS).where(RUNS.c.id == bindparam("run_id"), RUNS.c.finished_at.is_(None),
                       ~select(ITEMS.c.id).where(ITEMS.c.run_id == bindparam("run_id"), ITEMS.c.state.in_(ACTIVE))
                       .exists())
    .values(finished_at=bindparam("now")))
# PostgreSQL ends the item and marks its run finished in one statement. Its parts see the rows as the
# statement began, so the run's check leaves out the item this same statement ends.
# Written out rather than composed from END_ITEM and MARK_RUN_FINISHED as a CTE: SQLAlchemy would turn the
# parameter named like the items' run_id column into a SET clause of the nested UPDATE.
END_ITEM_AND_RUN = text(
    "WITH ended AS (UPDATE charge_run_items SET state = :state, message = :message, updated_at = :now "
    "  WHERE id = :item_id) "
    "UPDATE charge_runs SET finished_at = :now WHERE id = :run_id AND finished_at IS NULL AND NOT EXISTS ("
    "  SELECT 1 FROM charge_run_items WHERE run_id = :run_id AND state = ANY(:active) "
    "  AND id != :item_id)")


def lock_item(session, run_id, invoice_id):
    return session.connection().execute(LOCK_ITEM, {"run_id": run_id, "invoice_id": invoice_id}).one()


def charge_item(session, outbox, processor, tenant_id, run_id, invoice_id):
    """Charge one invoice of a run exactly once, whatever crashed before."""
    row = session.execute(LOCK_ITEM_TO_CHARGE, {"run_id": run_id, "invoice_id": invoice_id}).first()
    item, autopay = (row[0], row[1]) if row else (None, None)
    if item is None or item.state in FINISHED:
        session.rollback()
        return item and item.state
    if item.state == "queued":
        try:
            if autopay is None or not autopay.enrolled or autopay.payment_method_id is None:
                raise PermissionDenied("The account is no longer on autopay.")
            payment, method = reserve_for_run(session, tenant_id, autopay.account_id, autopay.payment_method_id,
                                              item.id, invoice_id, f"run{run_id}-invoice{invoice_id}")
        except (Conflict, NotFound, PermissionDenied, InvalidInput) as error:
            session.rollback()
            return finish(session, run_id, invoice_id, "failed", error.message)
        session.commit()  # the item is charging: reserve_for_run marked it
    else:  # charging: a previous delivery reserved and may have charged before dying
        payment = session.get(Payment, item.payment_id, with_for_update=True, populate_existing=True)
        if payment.status != "pending":
            # Recovery (recovery.py) settled it while this message waited - a long
            # outage, a replayed dead letter. Its outcome stands: charging now could take money
            # for a payment already recorded as failed, and its invoice charged again later.
            state, message = payment.status, payment.failure_message
            session.rollback()
            return finish(session, run_id, invoice_id, "succeeded" if state == "succeeded" else "failed",
                          None if state == "succeeded" else message)
        method = session.get(PaymentMethod, payment.payment_method_id)
        # Stamped, then committed: no transaction (on SQLite, the one connection) is held while the
        # processor answers, and recovery leaves a payment whose item was stamped within its grace
        # period to this delivery (recovery.being_charged), so it cannot settle it half-way.
        item.updated_at = utcnow()
        session.commit()
    status, charge_id, message = charge(processor, payment, method, "Autopay invoice charge")
    item = lock_item(session, run_id, invoice_id)  # first, as every delivery of this item does
    settle(session, outbox, payment, status, charge_id, message, actor={"kind": "system", "id": None})
    return finish(session, run_id, invoice_id, "succeeded" if status == "succeeded" else "failed",
                  None if status == "succeeded" else (message or status), item)


def finish(session, run_id, invoice_id, state, message, item=None):
    """Record the item's outcome (``item`` when this transaction holds its lock already) and commit.

    An item another delivery finished meanwhile keeps its outcome. The run is marked finished by
    the transaction that finds no item of it left to charge.
    """
    if item is None:
        item = lock_item(session, run_id, invoice_id)
    if item.state in FINISHED:
        session.commit()
        return item.state
    now = utcnow()
    connection = session.connection()
    ended, run = {"item_id": item.id, "state": state, "message": message, "now": now}, {"run_id": run_id, "now": now}
    if connection.dialect.name == "postgresql":
        connection.execute(END_ITEM_AND_RUN, {**ended, **run, "active": list(ACTIVE)})
    else:
        connection.execute(END_ITEM, ended)
        connection.execute(MARK_RUN_FINISHED, run)  # after the item's UPDATE
    session.commit()
    return state
