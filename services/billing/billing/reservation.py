"""Step 1 of taking money (checkout.py): lock the invoices, check what is due, record a pending payment.

The pending payment's allocations already reduce the invoices' balances, so a second payer
finds nothing due while this one is charged; settling it (settlement.py) keeps or gives back
what it reserved.
"""
from sqlalchemy import bindparam, select

from billing.credit import credit_sources, take_credit
from billing.methods import method_for
from billing.models import Allocation, Invoice, Payment
from billing.money import enforce_limit, plan_payment
from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.i18n import _

# populate_existing: a locked read must see the row as it is now, not as this session cached it.
# (Statements of the charge path are built once: building one costs more Python than running it.)
LOCK_INVOICES = (select(Invoice).where(Invoice.id.in_(bindparam("ids", expanding=True))).order_by(Invoice.id)
                 .with_for_update().execution_options(populate_existing=True))


def lock_invoices(session, tenant_id, account_id, invoice_ids):
    """Lock the account's invoices in id order and return them in the order asked."""
    rows = session.scalars(LOCK_INVOICES, {"ids": list(invoice_ids)}).all()
    found = {row.id: row for row in rows if row.tenant_id == tenant_id and row.account_id == account_id}
    if any(invoice_id not in found for invoice_id in invoice_ids):
        raise NotFound(_("No such invoice."))
    return [found[invoice_id] for invoice_id in invoice_ids]


def pending_payment(session, tenant_id, account_id, key, kind, source, method, amount, receipt_to=None):
    """Record a pending payment of ``amount`` by ``method`` (None: account credit only), charged under ``key``."""
    payment = Payment(tenant_id=tenant_id, account_id=account_id, kind=kind, source=source,
                      method_kind=method.kind if method else "credit",
                      payment_method_id=method.id if method else None, amount=amount, unapplied=0,
                      status="pending", idempotency_key=f"{tenant_id}:{key}", receipt_to=receipt_to,
                      created_at=utcnow())
    session.add(payment)
    session.flush()
    return payment


def reserve(session, tenant_id, account_id, key, values, settings, source="portal"):
    """Lock, check and reserve the invoices of ``values`` (PayInvoicesSchema); return the pending payment and method.

    A charge run's charge takes a narrower copy of this path (charge_reservation.reserve_for_run): a rule added
    here that applies to autopay belongs there too."""
    invoices = lock_invoices(session, tenant_id, account_id, values["invoice_ids"])
    unpaid = [invoice for invoice in invoices if invoice.status == "open" and invoice.balance > 0]
    if len(unpaid) != len(invoices):
        raise Conflict(_("Some of these invoices are already paid or being paid. Reload to see them."))
    # The account's credit is read once - locked, as it is then drawn from - and only when the
    # checkout uses some: an autopay charge or a card-only checkout never reads the payments.
    credit = values.get("credit", 0)
    sources = credit_sources(session, tenant_id, account_id) if credit else []
    plan = plan_payment([(invoice.id, invoice.balance) for invoice in invoices], values.get("amount"), credit,
                        sum(source.unapplied for source in sources),
                        settings["allow_partial_payments"], settings["allow_credit_at_checkout"])
    method = None
    if plan.charge_amount:
        method = method_for(session, tenant_id, account_id, values)
        enforce_limit(method.kind, plan.charge_amount, settings, values.get("confirm_over_limit"))
    payment = pending_payment(session, tenant_id, account_id, key, "payment", source, method, plan.charge_amount,
                              values.get("receipt_to"))
    by_id = {invoice.id: invoice for invoice in invoices}
    spend_credit(session, payment, take_credit(sources, plan.credit_used), plan.credit_allocations, by_id)
    for invoice_id, applied in plan.charge_allocations:
        session.add(Allocation(tenant_id=tenant_id, payment_id=payment.id, invoice_id=invoice_id,
                               amount=applied, created_at=payment.created_at))
        by_id[invoice_id].balance -= applied
    return payment, method


def spend_credit(session, checkout, taken, credit_allocations, invoices_by_id):
    """Allocate the credit ``taken`` ([(source payment, used)]) to invoices as the plan says, for ``checkout``."""
    credit_left = dict(credit_allocations)
    for source, used in taken:
        for invoice_id in credit_left:
            part = min(credit_left[invoice_id], used)
            if part:
                session.add(Allocation(tenant_id=checkout.tenant_id, payment_id=source.id, invoice_id=invoice_id,
                                       checkout_payment_id=checkout.id, amount=part,
                                       created_at=checkout.created_at))
                invoices_by_id[invoice_id].balance -= part
                credit_left[invoice_id] -= part
                used -= part
