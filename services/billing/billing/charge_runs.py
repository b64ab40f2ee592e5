"""Bulk charging of autopay invoices: one queued message per invoice, shared by every billing instance.

An item moves queued -> charging -> succeeded | failed under a row lock. The processor charge
reuses the item's payment and idempotency key, so a message redelivered after a crash
finishes the same charge instead of making a second one.
"""
from sqlalchemy import func, select

from billing.invoices import describe, utcnow
from billing.models import Autopay, ChargeRun, ChargeRunItem, Invoice, Payment, PaymentMethod
from billing.payments import charge, reserve, settle
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shared.events import INVOICE_CHARGE_REQUESTED

FINISHED = ("succeeded", "failed")


def invoices_to_charge(session, tenant_id, limit=None):
    """Open autopay invoices whose account is enrolled with a payment method."""
    statement = (select(Invoice).join(Autopay, Autopay.account_id == Invoice.account_id).where(
        Invoice.tenant_id == tenant_id, Invoice.status == "open", Invoice.autopay.is_(True),
        Invoice.balance > 0, Autopay.enrolled.is_(True), Autopay.payment_method_id.is_not(None))
        .order_by(Invoice.due_date, Invoice.id))
    if limit:
        statement = statement.limit(limit)
    return session.scalars(statement).all()


def start_run(session, outbox, tenant_id, invoice_ids=None, requested_by=None):
    """Queue a charge per invoice (all awaiting autopay, or the ones chosen)."""
    awaiting = invoices_to_charge(session, tenant_id)
    if invoice_ids is not None:
        chosen = set(invoice_ids)
        awaiting = [invoice for invoice in awaiting if invoice.id in chosen]
        if len(awaiting) != len(chosen):
            raise InvalidInput("Some invoices are not awaiting an autopay charge.",
                               {"invoice_ids": ["Choose invoices from Invoices to charge."]})
    if not awaiting:
        raise Conflict("No invoices are waiting for an autopay charge.")
    now = utcnow()
    run = ChargeRun(tenant_id=tenant_id, requested_by=requested_by, total=len(awaiting), created_at=now)
    session.add(run)
    session.flush()
    for invoice in awaiting:
        session.add(ChargeRunItem(run_id=run.id, invoice_id=invoice.id, state="queued", updated_at=now))
        outbox.add(session, INVOICE_CHARGE_REQUESTED, {"run_id": run.id, "invoice_id": invoice.id},
                   tenant_id=tenant_id)
    return run


def progress(session, tenant_id, run_id, with_items=True):
    run = session.get(ChargeRun, run_id) if isinstance(run_id, int) else None
    if run is None or run.tenant_id != tenant_id:
        raise NotFound("No such charge run.")
    counts = dict(session.execute(select(ChargeRunItem.state, func.count()).where(
        ChargeRunItem.run_id == run.id).group_by(ChargeRunItem.state)).all())
    done = counts.get("succeeded", 0) + counts.get("failed", 0)
    answer = {"id": run.id, "total": run.total, "done": done, "succeeded": counts.get("succeeded", 0),
              "failed": counts.get("failed", 0), "percent": round(100 * done / run.total) if run.total else 100,
              "finished": done == run.total, "created_at": run.created_at.isoformat()}
    if with_items:
        rows = session.execute(select(ChargeRunItem, Invoice.number, Invoice.account_id).join(
            Invoice, Invoice.id == ChargeRunItem.invoice_id).where(ChargeRunItem.run_id == run.id)
            .order_by(ChargeRunItem.id)).all()
        answer["items"] = [{"invoice_id": item.invoice_id, "invoice_number": number, "account_id": account_id,
                            "state": item.state, "message": item.message} for item, number, account_id in rows]
    return answer


def charge_item(session, outbox, processor, tenant_id, run_id, invoice_id, settings):
    """Charge one invoice of a run exactly once, whatever crashed before."""
    item = session.scalar(select(ChargeRunItem).where(
        ChargeRunItem.run_id == run_id, ChargeRunItem.invoice_id == invoice_id).with_for_update())
    if item is None or item.state in FINISHED:
        session.rollback()
        return item and item.state
    if item.state == "queued":
        autopay = session.get(Autopay, session.get(Invoice, invoice_id).account_id)
        try:
            if autopay is None or not autopay.enrolled or autopay.payment_method_id is None:
                raise PermissionDenied("The account is no longer on autopay.")
            payment, method, _ = reserve(
                session, tenant_id, autopay.account_id, f"run{run_id}-invoice{invoice_id}",
                {"invoice_ids": [invoice_id], "payment_method_id": autopay.payment_method_id,
                 "new_method": None, "amount": None, "credit": 0, "confirm_over_limit": True},
                {"allow_partial_payments": False, "allow_credit_at_checkout": False,
                 "over_limit_action": "warn", "card_max_payment": 0, "ach_max_payment": 0},
                source="autopay")
        except (Conflict, NotFound, PermissionDenied, InvalidInput) as error:
            session.rollback()
            return finish(session, run_id, invoice_id, "failed", error.message)
        item.state, item.payment_id, item.updated_at = "charging", payment.id, utcnow()
        session.commit()
    else:  # charging: a previous delivery reserved and may have charged before dying
        payment = session.get(Payment, item.payment_id, with_for_update=True, populate_existing=True)
        if payment.status != "pending":
            # Recovery (payments.recover_pending) settled it while this message waited - a long
            # outage, a replayed dead letter. Its outcome stands: charging now could take money
            # for a payment already recorded as failed, and its invoice charged again later.
            state, message = payment.status, payment.failure_message
            session.rollback()
            return finish(session, run_id, invoice_id, "succeeded" if state == "succeeded" else "failed",
                          None if state == "succeeded" else message)
        method = session.get(PaymentMethod, payment.payment_method_id)
        # No commit: the payment stays locked while it is charged, so recovery (which skips
        # locked rows) cannot settle it half-way.
    status, charge_id, message = charge(processor, payment, method, "Autopay invoice charge")
    session.scalar(select(ChargeRunItem).where(ChargeRunItem.id == item.id).with_for_update())
    settle(session, outbox, payment, status, charge_id, message, actor={"kind": "system", "id": None})
    return finish(session, run_id, invoice_id, "succeeded" if status == "succeeded" else "failed",
                  None if status == "succeeded" else (message or status))


def finish(session, run_id, invoice_id, state, message):
    item = session.scalar(select(ChargeRunItem).where(
        ChargeRunItem.run_id == run_id, ChargeRunItem.invoice_id == invoice_id).with_for_update())
    item.state, item.message, item.updated_at = state, message, utcnow()
    run = session.get(ChargeRun, run_id)
    session.flush()
    remaining = session.scalar(select(func.count()).where(
        ChargeRunItem.run_id == run_id, ChargeRunItem.state.not_in(FINISHED)))
    if not remaining and run.finished_at is None:
        run.finished_at = utcnow()
    session.commit()
    return state


def describe_awaiting(invoices):
    return [describe(invoice) for invoice in invoices]
