"""Charging a group of a run's invoices at once: one message, two transactions, concurrent charges.

A charge run queues one message per charge_runs.GROUP_SIZE invoices. Its worker reserves every
item of the group in one transaction, charges them at the processor concurrently with no
transaction open, then settles them all in one more, with a statement per kind of write rather
than several per invoice: round trips to the database and the handling of each message were most
of a charge's CPU. The rules are settlement.settle()'s, on rows instead of objects.

A delivery that finds an item charging (an earlier one died after reserving it) charges it again
under its payment's key, which the processor answers with the charge it made, if any. An item the
processor did not answer stays charging while the message is retried, then parked as a dead letter.
"""
import logging
from collections import namedtuple

from eventlet.greenpool import GreenPile, GreenPool
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from billing import audit_facts
from billing.business_look import currency_of
from billing.charge_reservation import reserve_for_run
from billing.charge_runs import FINISHED, mark_run_finished
from billing.models import Allocation, Autopay, ChargeRunItem, Invoice, Payment, PaymentMethod
from billing.settlement import (CHECKOUT, LOCK_PAYMENT, MARK_PAID, PAYER, RECORD_OUTCOME, charge, held_by_others,
                                paid_invoices, payment_event)
from shared.clock import utcnow
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceUnavailable
from shared.events import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from shared.i18n import _

log = logging.getLogger(__name__)
SYSTEM = {"kind": "system", "id": None}
Ended = namedtuple("Ended", "state message")  # an item's end, found before charging

ITEMS, PAYMENTS, INVOICES, ALLOCATIONS = (ChargeRunItem.__table__, Payment.__table__, Invoice.__table__,
                                          Allocation.__table__)
THE_GROUP = (ChargeRunItem.run_id == bindparam("run_id"),
             ChargeRunItem.invoice_id.in_(bindparam("invoice_ids", expanding=True)))
# The group's items, locked in one order, each with its account's enrolment and method (reserve_for_run then
# finds the method in the session). populate_existing: an item may be cached from an earlier transaction.
LOCK_ITEMS_TO_CHARGE = (
    select(ChargeRunItem, Autopay, PaymentMethod)
    .join(Invoice, Invoice.id == ChargeRunItem.invoice_id)
    .outerjoin(Autopay, Autopay.account_id == Invoice.account_id)
    .outerjoin(PaymentMethod, PaymentMethod.id == Autopay.payment_method_id)
    .where(*THE_GROUP).order_by(ChargeRunItem.id).with_for_update(of=ChargeRunItem)
    .execution_options(populate_existing=True))
LOCK_ITEMS = (select(ITEMS.c.id, ITEMS.c.invoice_id, ITEMS.c.state)
              .where(ITEMS.c.id.in_(bindparam("ids", expanding=True))).order_by(ITEMS.c.id).with_for_update())
LOCK_PAYMENTS = (select(PAYMENTS.c.id, PAYMENTS.c.status, PAYMENTS.c.failure_message)
                 .where(PAYMENTS.c.id.in_(bindparam("ids", expanding=True))).order_by(PAYMENTS.c.id).with_for_update())
LOCK_INVOICES = (select(INVOICES.c.id, INVOICES.c.tenant_id, INVOICES.c.account_id, INVOICES.c.number,
                        INVOICES.c.status, INVOICES.c.balance)
                 .where(INVOICES.c.id.in_(bindparam("ids", expanding=True))).order_by(INVOICES.c.id).with_for_update())
# Every allocation on the invoices, with the status of its payment and of the checkout that spent it (settlement's
# ALLOCATIONS_WITH_STATUS, as rows).
ALLOCATIONS_WITH_STATUS = (
    select(ALLOCATIONS.c.id, ALLOCATIONS.c.payment_id, ALLOCATIONS.c.checkout_payment_id, ALLOCATIONS.c.invoice_id,
           ALLOCATIONS.c.amount, PAYER.status.label("payer_status"), CHECKOUT.status.label("checkout_status"))
    .join(PAYER, PAYER.id == ALLOCATIONS.c.payment_id)
    .outerjoin(CHECKOUT, CHECKOUT.id == ALLOCATIONS.c.checkout_payment_id)
    .where(ALLOCATIONS.c.invoice_id.in_(bindparam("ids", expanding=True))))
# The writes, each run once for the whole group (PostgreSQL's engine sends a batch of them in one round trip),
# with settlement's RECORD_OUTCOME and MARK_PAID.
GIVE_BACK = (update(INVOICES).where(INVOICES.c.id == bindparam("invoice_id"))
             .values(balance=INVOICES.c.balance + bindparam("amount")))
DROP_ALLOCATIONS = delete(ALLOCATIONS).where(ALLOCATIONS.c.id.in_(bindparam("ids", expanding=True)))
END_ITEMS = (update(ITEMS).where(ITEMS.c.id == bindparam("item_id"))
             .values(state=bindparam("new_state"), message=bindparam("message"), updated_at=bindparam("now")))


def charge_group(session, outbox, processor, tenant_id, run_id, invoice_ids, pool=None):
    """Charge each invoice of a run's group exactly once, whatever crashed before; return their states in order.

    ``pool``: the instance's GreenPool bounding its charges at once (dependencies.ChargingPool); by
    default all of the group's at once.
    """
    currency = currency_of(session, tenant_id)
    reserved, states = reserve_group(session, tenant_id, run_id, invoice_ids)
    outcomes = charge_concurrently(processor, reserved, currency, pool or GreenPool(max(len(reserved), 1)))
    answered = [(entry, outcome) for entry, outcome in zip(reserved, outcomes) if outcome is not None]
    states.update(settle_group(session, outbox, tenant_id, answered))
    mark_run_finished(session, run_id)
    session.commit()
    # One line per group: which instance charged how much of a run (the container test reads these).
    log.info("charge group settled", extra={"run_id": run_id, "invoices": len(invoice_ids), "charged": len(answered)})
    if len(answered) < len(reserved):
        raise ServiceUnavailable("The payment service did not answer. The charges it did not answer are checked "
                                 "when this message is retried; none is made twice.")
    return [states.get(invoice_id) for invoice_id in invoice_ids]


def reserve_group(session, tenant_id, run_id, invoice_ids):
    """Reserve the group's items for their charges and commit; return (reserved, {invoice id: state ended}).

    ``reserved`` holds (item id, invoice id, payment, method) to charge. A queued item gets its
    payment now; one found charging keeps the payment an earlier delivery made, unless the recovery
    settled it meanwhile. An item that cannot be charged ends failed with the reason.
    """
    reserved, ended, states = [], [], {}
    rows = session.execute(LOCK_ITEMS_TO_CHARGE, {"run_id": run_id, "invoice_ids": list(invoice_ids)}).all()
    queued = [item.invoice_id for item, _, _ in rows if item.state == "queued"]
    invoices = ({row.id: row for row in session.connection().execute(LOCK_INVOICES, {"ids": queued})}
                if queued else {})  # after the items, as settling locks them
    for item, autopay, __ in rows:
        if item.state in FINISHED:
            states[item.invoice_id] = item.state
            continue
        try:
            entry = (reserve_queued(session, tenant_id, item, autopay, invoices.get(item.invoice_id))
                     if item.state == "queued" else reserve_charging(session, item))
        except (Conflict, NotFound, PermissionDenied, InvalidInput) as error:  # raised before any write
            entry = Ended("failed", error.message)
        if isinstance(entry, Ended):
            ended.append({"item_id": item.id, "new_state": entry.state, "message": entry.message})
            states[item.invoice_id] = entry.state
        else:
            reserved.append(entry)
    end_items(session, ended)
    session.commit()
    return reserved, states


def reserve_queued(session, tenant_id, item, autopay, invoice):
    """A queued item's reservation, of ``invoice`` as locked (a row of LOCK_INVOICES, or None)."""
    if autopay is None or not autopay.enrolled or autopay.payment_method_id is None:
        raise PermissionDenied(_("The account is no longer on autopay."))
    payment, method = reserve_for_run(session, tenant_id, autopay.account_id, autopay.payment_method_id, item.id,
                                      invoice, f"run{item.run_id}-invoice{item.invoice_id}")
    return item.id, item.invoice_id, payment, method


def reserve_charging(session, item):
    """An item an earlier delivery reserved and may have charged before dying: charge it again, or its outcome.

    The recovery (recovery.py) may have settled its payment while this message waited - a long
    outage, a replayed dead letter. That outcome stands: charging now could take money for a
    payment already recorded as failed, and its invoice charged again later. Otherwise the item is
    stamped, so that the recovery leaves its payment to this delivery (recovery.being_charged).
    """
    payment = session.scalars(LOCK_PAYMENT, {"payment_id": item.payment_id}).one()
    if payment.status == "succeeded":
        return Ended("succeeded", None)
    if payment.status != "pending":
        return Ended("failed", payment.failure_message)
    item.updated_at = utcnow()
    return item.id, item.invoice_id, payment, session.get(PaymentMethod, payment.payment_method_id)


def charge_concurrently(processor, reserved, currency, pool):
    """Each reservation's (status, charge id, message) at the processor, or None where it did not answer."""
    def one(entry):
        __, __, payment, method = entry
        try:
            return charge(processor, payment, method, "Autopay invoice charge", currency)
        except ServiceUnavailable:
            return None
    pile = GreenPile(pool)  # the pool's own spawn: its bound holds across every worker using it
    for entry in reserved:
        pile.spawn(one, entry)
    return list(pile)


def settle_group(session, outbox, tenant_id, charged):
    """Record each charge's outcome in the caller's transaction; return {invoice id: item state}.

    ``charged``: ((item id, invoice id, payment, method), (status, charge id, message)) pairs. As in
    settle(): the items first, then the payments (recovery may be settling one), then the invoices,
    each set locked in id order. A payment already settled, or an item another delivery ended,
    keeps its outcome.
    """
    if not charged:
        return {}
    connection = session.connection()
    items = {row.id: row for row in connection.execute(LOCK_ITEMS, {"ids": [entry[0] for entry, _ in charged]})}
    payments = {row.id: row for row in connection.execute(LOCK_PAYMENTS, {"ids": [e[2].id for e, _ in charged]})}
    invoice_ids = [entry[1] for entry, _ in charged]
    invoices = {row.id: row for row in connection.execute(LOCK_INVOICES, {"ids": invoice_ids})}
    allocations = connection.execute(ALLOCATIONS_WITH_STATUS, {"ids": invoice_ids}).all()
    writes, states, now = Writes(session, tenant_id), {}, utcnow()
    for (item_id, invoice_id, payment, _), (status, charge_id, message) in charged:
        if items[item_id].state in FINISHED:
            states[invoice_id] = items[item_id].state
            continue
        stored = payments[payment.id]
        if stored.status != "pending":  # the recovery settled it meanwhile: its outcome stands
            status, message = stored.status, stored.failure_message
        else:
            on_invoice = [row for row in allocations if row.invoice_id == invoice_id]
            writes.outcome(payment, invoices[invoice_id], on_invoice, status, charge_id, message, now)
        states[invoice_id] = "succeeded" if status == "succeeded" else "failed"
        writes.items.append({"item_id": item_id, "new_state": states[invoice_id],
                             "message": None if status == "succeeded" else (message or status)})
    writes.run(outbox, now)
    return states


class Writes:
    """What settling a group writes, gathered so that each kind goes to the database once."""

    def __init__(self, session, tenant_id):
        self.session, self.tenant_id = session, tenant_id
        self.outcomes, self.paid, self.given_back, self.dropped, self.items, self.events = [], [], [], [], [], []

    def outcome(self, payment, invoice, allocations, status, charge_id, message, now):
        """A pending autopay payment's outcome: it pays its invoice, or gives its one allocation back."""
        succeeded = status == "succeeded"
        mine = [row for row in allocations if row.payment_id == payment.id]
        values = {"status": "succeeded" if succeeded else "failed", "processor_charge_id": charge_id,
                  "settled_at": now, "failure_message": None if succeeded else message}
        self.outcomes.append({"payment_id": payment.id, "new_status": values["status"], "charge_id": charge_id,
                              "now": now, "failure": values["failure_message"]})
        for key, value in values.items():  # the payment as stored now, for its event
            set_committed_value(payment, key, value)
        if succeeded:
            held = held_by_others(payment, [(row, row.payer_status, row.checkout_status) for row in allocations])
            if paid_invoices({invoice.id: invoice}, held):
                self.paid.append(invoice.id)
            covered = [{"invoice_id": invoice.id, "number": invoice.number, "applied": row.amount} for row in mine]
        else:
            self.given_back += [{"invoice_id": invoice.id, "amount": row.amount} for row in mine]
            self.dropped += [row.id for row in mine]
            covered = ()
        event = payment_event(self.session, payment, covered, message, SYSTEM)
        self.events += [(PAYMENT_SUCCEEDED if succeeded else PAYMENT_FAILED, event),
                        audit_facts.payment(payment, event, {"actor": SYSTEM, "origin": None})]

    def run(self, outbox, now):
        connection = self.session.connection()
        if self.outcomes:
            connection.execute(RECORD_OUTCOME, self.outcomes)
        if self.paid:
            connection.execute(MARK_PAID, {"invoice_ids": self.paid, "now": now})
        if self.given_back:
            connection.execute(GIVE_BACK, self.given_back)
            connection.execute(DROP_ALLOCATIONS, {"ids": self.dropped})
        end_items(self.session, self.items, now)
        if self.events:
            outbox.add_each(self.session, self.events, tenant_id=self.tenant_id)


def end_items(session, ended, now=None):
    """Write each item's end: {item_id, new_state, message}."""
    if ended:
        now = now or utcnow()
        session.connection().execute(END_ITEMS, [{**entry, "now": now} for entry in ended])
