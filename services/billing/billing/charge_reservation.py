"""Reserving one invoice for a charge run's charge (charge_groups.py) with statements built once.

It is reservation.reserve() for an autopay charge - check the invoice (locked by the caller, with the
rest of its group) is still due, plan the payment (its whole balance, no credit), check the method on
file and the limit, record the pending payment and its allocation, take the amount off the balance -
written as plain statements on the tables instead of the ORM's unit of work, whose Python cost was
most of a charge's. The statements run in the caller's transaction; the item is marked as charging
in it too.
"""
from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.orm import make_transient_to_detached

from billing.methods import find_method
from billing.models import Allocation, ChargeRunItem, Invoice, Payment
from billing.money import enforce_limit, plan_payment
from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.i18n import _

# An autopay charge takes the whole balance and is never stopped by the portal's limits.
AUTOPAY_SETTINGS = {"allow_partial_payments": False, "allow_credit_at_checkout": False,
                    "over_limit_action": "warn", "card_max_payment": 0, "ach_max_payment": 0}

INVOICES, PAYMENTS, ALLOCATIONS, ITEMS = (Invoice.__table__, Payment.__table__, Allocation.__table__,
                                          ChargeRunItem.__table__)
INSERT_PAYMENT = insert(PAYMENTS).returning(PAYMENTS.c.id)
INSERT_ALLOCATION = insert(ALLOCATIONS)
TAKE_FROM_BALANCE = (update(INVOICES).where(INVOICES.c.id == bindparam("invoice_id"))
                     .values(balance=INVOICES.c.balance - bindparam("applied")))
MARK_CHARGING = (update(ITEMS).where(ITEMS.c.id == bindparam("item_id"))
                 .values(state="charging", payment_id=bindparam("payment_id"), updated_at=bindparam("now")))
# On PostgreSQL the four writes above, for the one allocation an autopay charge makes, are the parts of
# one statement (a round trip each cost more than its SQL); SQLite runs them one by one.
# Written out rather than composed from those statements: SQLAlchemy would turn the payment's parameters named
# like the invoices' and items' columns (tenant_id, status, ...) into SET clauses of the nested UPDATEs.
RESERVE_IN_ONE = text(
    "WITH new_payment AS (INSERT INTO payments (tenant_id, account_id, kind, source, method_kind, "
    "    payment_method_id, amount, unapplied, status, idempotency_key, receipt_to, created_at) "
    "  VALUES (:tenant_id, :account_id, :kind, :source, :method_kind, :payment_method_id, :amount, :unapplied, "
    "    :status, :idempotency_key, :receipt_to, :created_at) RETURNING id), "
    "allocation AS (INSERT INTO allocations (tenant_id, payment_id, invoice_id, checkout_payment_id, amount, "
    "    created_at, released_at) SELECT :tenant_id, id, :invoice_id, NULL, :applied, :created_at, NULL "
    "  FROM new_payment), "
    "balance AS (UPDATE invoices SET balance = balance - :applied WHERE id = :invoice_id), "
    "item AS (UPDATE charge_run_items SET state = 'charging', payment_id = new_payment.id, "
    "    updated_at = :created_at FROM new_payment WHERE charge_run_items.id = :item_id) "
    "SELECT id FROM new_payment")


def reserve_for_run(session, tenant_id, account_id, method_id, item_id, invoice, key):
    """Reserve ``invoice``'s balance (a locked row, None when not found) for a pending payment charged under ``key``;
    return (payment, method).

    Raises what reserve() raises, with the same messages, before writing anything: the run's item
    then fails with it.
    """
    connection = session.connection()
    if invoice is None or (invoice.tenant_id, invoice.account_id) != (tenant_id, account_id):
        raise NotFound(_("No such invoice."))
    if invoice.status != "open" or invoice.balance <= 0:
        raise Conflict(_("Some of these invoices are already paid or being paid. Reload to see them."))
    plan = plan_payment([(invoice.id, invoice.balance)], None, 0, 0, False, False)
    method = find_method(session, tenant_id, account_id, method_id)
    enforce_limit(method.kind, plan.charge_amount, AUTOPAY_SETTINGS, True)
    values = {"tenant_id": tenant_id, "account_id": account_id, "kind": "payment", "source": "autopay",
              "method_kind": method.kind, "payment_method_id": method.id, "amount": plan.charge_amount,
              "unapplied": 0, "status": "pending", "idempotency_key": f"{tenant_id}:{key}", "receipt_to": None,
              "created_at": utcnow()}
    if connection.dialect.name == "postgresql" and len(plan.charge_allocations) == 1:
        [(allocated, applied)] = plan.charge_allocations
        payment_id = connection.execute(RESERVE_IN_ONE, {**values, "invoice_id": allocated, "applied": applied,
                                                         "item_id": item_id}).scalar_one()
    else:
        payment_id = write_reservation(connection, values, plan.charge_allocations, item_id)
    return known_payment(session, payment_id, values), method


def write_reservation(connection, values, allocations, item_id):
    """Write the pending payment of ``values``, its ``allocations`` and the item's state; return the payment's id."""
    payment_id = connection.execute(INSERT_PAYMENT, values).scalar_one()
    connection.execute(INSERT_ALLOCATION, [
        {"tenant_id": values["tenant_id"], "payment_id": payment_id, "invoice_id": allocated,
         "checkout_payment_id": None, "amount": applied, "created_at": values["created_at"], "released_at": None}
        for allocated, applied in allocations])
    for allocated, applied in allocations:
        connection.execute(TAKE_FROM_BALANCE, {"invoice_id": allocated, "applied": applied})
    connection.execute(MARK_CHARGING, {"item_id": item_id, "payment_id": payment_id, "now": values["created_at"]})
    return payment_id


def known_payment(session, payment_id, values):
    """The payment row just written, as a Payment of ``session`` without reading it back.

    settle() reads it afresh under its lock before deciding anything, as it does every payment.
    """
    payment = Payment(id=payment_id, processor_charge_id=None, failure_message=None, settled_at=None, **values)
    make_transient_to_detached(payment)
    session.add(payment)
    return payment
