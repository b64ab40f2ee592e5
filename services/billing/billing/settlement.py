"""Steps 2 and 3 of taking money (checkout.py): charge a pending payment once, then record what happened.

A succeeded payment pays what it reserved and a failed one gives it back; either way the
payment's event goes into the outbox in the same transaction, for the receipt and the alerts.
"""
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from billing import audit_facts
from billing.credit import apply_credit_automatically
from billing.invoices import describe
from billing.methods import method_label, method_used
from billing.models import Allocation, Invoice, Payment
from billing.processor import REQUIRES_ACTION, ProcessorError, ProcessorUnavailable
from shared.clock import utcnow
from shared.errors import ServiceUnavailable
from shared.events import PAYMENT_FAILED, PAYMENT_SUCCEEDED, PREPAYMENT_MADE
from shared.i18n import _


def charge(processor, payment, method, description, currency):
    """Charge ``payment`` once in the business's ``currency``, whatever happens to this process; return
    (status, charge id, message). For ``requires_action`` (the client's bank asks them to confirm, bank_checks.py),
    the third is the secret their browser confirms with, not a message."""
    if payment.amount == 0:
        return "succeeded", None, None
    try:
        result = processor.charge(method.token, payment.amount, currency.lower(), payment.idempotency_key, description,
                                  off_session=payment.source != "portal")
    except ProcessorError as error:  # refused outright (say, a detached token): nothing was charged
        return "failed", None, error.message
    except ProcessorUnavailable:
        raise ServiceUnavailable(_("The payment service did not answer. We are checking whether the "
                                   "payment went through; it will never be charged twice.")) from None
    secret_or_message = result.client_secret if result.status == REQUIRES_ACTION else result.message
    return result.status, result.charge_id, secret_or_message


def payment_event(session, payment, covered=(), message=None, actor=None):
    """The payload of a payment's event: what was paid, how, towards which invoices, and who gets the receipt."""
    method = method_used(session, payment)
    return {"payment_id": payment.id, "account_id": payment.account_id, "kind": payment.kind,
            "source": payment.source, "amount": payment.amount, "method_kind": payment.method_kind,
            "method_label": method_label(method) if method else _("Account credit"), "invoices": list(covered),
            "message": message, "receipt_to": payment.receipt_to, "actor": actor}


# The payment read afresh under its lock (what session.refresh() does, with a statement built once).
LOCK_PAYMENT = (select(Payment).where(Payment.id == bindparam("payment_id")).with_for_update()
                .execution_options(populate_existing=True))
THE_PAYMENTS_ALLOCATIONS = or_(Allocation.payment_id == bindparam("payment_id"),
                               Allocation.checkout_payment_id == bindparam("payment_id"))
# The invoices a payment covers, locked in id order as reservation.lock_invoices() does, and read afresh.
LOCK_COVERED_INVOICES = (
    select(Invoice).where(Invoice.id.in_(select(Allocation.invoice_id).where(THE_PAYMENTS_ALLOCATIONS)))
    .order_by(Invoice.id).with_for_update().execution_options(populate_existing=True))
# Every allocation on some invoices, with the status of its payment and of the checkout that spent it.
PAYER, CHECKOUT = aliased(Payment, name="payer"), aliased(Payment, name="checkout")
ALLOCATIONS_WITH_STATUS = (
    select(Allocation, PAYER.status, CHECKOUT.status)
    .join(PAYER, PAYER.id == Allocation.payment_id)
    .outerjoin(CHECKOUT, CHECKOUT.id == Allocation.checkout_payment_id)
    .where(Allocation.invoice_id.in_(bindparam("invoice_ids", expanding=True))).order_by(Allocation.id))
# The outcome's writes, built once instead of the ORM's unit of work (its Python cost more than the statements).
PAYMENTS, INVOICES = Payment.__table__, Invoice.__table__
RECORD_OUTCOME = (update(PAYMENTS).where(PAYMENTS.c.id == bindparam("payment_id")).values(
    status=bindparam("new_status"), processor_charge_id=bindparam("charge_id"), settled_at=bindparam("now"),
    failure_message=bindparam("failure")))
MARK_PAID = (update(INVOICES).where(INVOICES.c.id.in_(bindparam("invoice_ids", expanding=True)))
             .values(status="paid", paid_at=bindparam("now"), autopay=False))
# PostgreSQL writes a succeeded payment's outcome and marks its invoices paid in one statement. No parameter of
# either is named like a column of the other's table, which SQLAlchemy would make a SET clause of the nested one.
RECORD_AND_MARK_PAID = MARK_PAID.add_cte(RECORD_OUTCOME.cte("outcome"))


def settle(session, outbox, payment, status, charge_id, message, actor=None, origin=None):
    """Record a checkout's outcome: a succeeded one pays its invoices, a failed one gives the reservation back.
    Its audit fact names ``actor`` (the system's when none) and ``origin``, the gateway's ``{ip, device}``.

    Return the invoices it covers, as they are now.
    """
    # The payment first: recovery (recovery.py) may be settling it at this very moment.
    session.scalars(LOCK_PAYMENT, {"payment_id": payment.id}).one()
    # The invoices were loaded by reserve() and may have changed since (another partial payment):
    # lock them and read them afresh.
    invoices = {row.id: row for row in session.scalars(LOCK_COVERED_INVOICES, {"payment_id": payment.id})}
    if payment.status != "pending":  # settled already: a payment is settled once
        return [describe(invoice) for invoice in invoices.values()]
    # Every allocation on those invoices and whether its payment, or the checkout that spent its
    # credit, is still pending - in one read, once the invoices are locked: another payment of
    # them settles under the same locks, so none can change meanwhile.
    rows = session.execute(ALLOCATIONS_WITH_STATUS, {"invoice_ids": list(invoices)}).all()
    allocations = [allocation for allocation, _, _ in rows
                   if payment.id in (allocation.payment_id, allocation.checkout_payment_id)]
    succeeded = status == "succeeded"
    paid = paid_invoices(invoices, held_by_others(payment, rows)) if succeeded else []
    record_outcome(session, payment, "succeeded" if succeeded else "failed", charge_id,
                   payment.failure_message if succeeded else message, paid)
    if succeeded:
        covered = [{"invoice_id": allocation.invoice_id, "number": invoices[allocation.invoice_id].number,
                    "applied": allocation.amount}
                   for allocation in allocations]
        event = payment_event(session, payment, covered, message, actor)
    else:
        give_back(session, payment, invoices, allocations)
        event = payment_event(session, payment, (), message, actor)
    by = {"actor": actor or audit_facts.SYSTEM, "origin": origin}
    outbox.add_each(session, [(PAYMENT_SUCCEEDED if succeeded else PAYMENT_FAILED, event),
                              audit_facts.payment(payment, event, by)], tenant_id=payment.tenant_id)
    return [describe(invoice) for invoice in invoices.values()]


def record_outcome(session, payment, status, charge_id, failure_message, paid=()):
    """Write the payment's outcome and mark ``paid`` invoices paid, setting the stored values on the objects."""
    values = {"status": status, "processor_charge_id": charge_id, "settled_at": utcnow(),
              "failure_message": failure_message}
    outcome = {"payment_id": payment.id, "new_status": status, "charge_id": charge_id, "now": values["settled_at"],
               "failure": failure_message}
    marked = {"invoice_ids": [invoice.id for invoice in paid], "now": values["settled_at"]}
    connection = session.connection()
    if paid and connection.dialect.name == "postgresql":
        connection.execute(RECORD_AND_MARK_PAID, {**outcome, **marked})
    else:
        connection.execute(RECORD_OUTCOME, outcome)
        if paid:
            connection.execute(MARK_PAID, marked)
    for key, value in values.items():
        set_committed_value(payment, key, value)
    for invoice in paid:
        for key, value in (("status", "paid"), ("paid_at", values["settled_at"]), ("autopay", False)):
            set_committed_value(invoice, key, value)


def held_by_others(payment, rows):
    """The invoices (of ALLOCATIONS_WITH_STATUS ``rows``) that another pending checkout still holds part of.

    A balance of zero is not "paid" while such a checkout may still be declined and give its
    part back; the last of them to succeed marks the invoice paid.
    """
    return {allocation.invoice_id for allocation, payer_status, checkout_status in rows
            if (allocation.payment_id != payment.id and payer_status == "pending")
            or (allocation.checkout_payment_id not in (None, payment.id) and checkout_status == "pending")}


def paid_invoices(invoices, held):
    """Those of ``invoices`` (id -> invoice) with nothing left due and not ``held`` by another checkout."""
    return [invoice for invoice in invoices.values() if invoice.balance == 0 and invoice.id not in held]


def give_back(session, payment, invoices, allocations):
    """Undo a failed checkout's ``allocations``: the invoices owe them again, spent credit returns to its payment."""
    for allocation in allocations:
        invoices[allocation.invoice_id].balance += allocation.amount
        if allocation.payment_id != payment.id:
            session.get(Payment, allocation.payment_id, with_for_update=True,
                        populate_existing=True).unapplied += allocation.amount
        session.delete(allocation)


def settle_prepayment(session, outbox, payment, status, charge_id, message, auto_apply, actor=None, origin=None):
    """Record a prepayment's outcome: a succeeded one becomes credit, applied to open invoices when ``auto_apply``."""
    session.scalars(LOCK_PAYMENT, {"payment_id": payment.id}).one()  # recovery may be settling it at this moment
    if payment.status != "pending":
        return
    payment.processor_charge_id, payment.settled_at = charge_id, utcnow()
    if status != "succeeded":
        payment.status, payment.failure_message = "failed", message
        return
    payment.status, payment.unapplied = "succeeded", payment.amount
    event = payment_event(session, payment, actor=actor)
    outbox.add_each(session, [(PREPAYMENT_MADE, event), audit_facts.payment(
        payment, event, {"actor": actor or audit_facts.SYSTEM, "origin": origin})], tenant_id=payment.tenant_id)
    if auto_apply:
        apply_credit_automatically(session, payment.tenant_id, payment.account_id, payment)
