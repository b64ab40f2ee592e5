"""Taking money: one checkout for several invoices, prepayments, credit, cards on file.

A payment is taken in three steps so a charge never happens twice and a failure changes nothing:
1. reserve: in one transaction, lock the invoices, check what is due and the limits, record a
   pending payment whose allocations already reduce the balances (a second payer finds nothing due);
2. charge: ask the processor, outside any transaction, with an idempotency key derived from the
   payment, so a retried or recovered charge is the same charge;
3. settle: mark the payment succeeded (invoices paid) or failed (reservation released).
Requests carry an Idempotency-Key; the first answer is stored and replayed for any retry.
"""
import hashlib
import json
import time

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from billing.invoices import describe, find_invoice, iso_utc, load, utcnow
from billing.models import Allocation, IdempotencyRecord, Invoice, Payment, PaymentMethod
from billing.money import check_limit, format_money, plan_payment
from billing.processor import ProcessorError, ProcessorUnavailable
from billing.schemas import CardOnFileSchema, PayInvoicesSchema, PrepaymentSchema
from shared.errors import (ALL as ERROR_CLASSES, Conflict, IdempotencyMismatch, NotFound,
                           PaymentDeclined, PermissionDenied, PorticoError, ServiceUnavailable, invalid)
from shared.events import PAYMENT_FAILED, PAYMENT_SUCCEEDED, PREPAYMENT_MADE

REPLAY_WAIT_SECONDS = 30


# --- idempotency ---------------------------------------------------------------------------------

def request_hash(request):
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key):
    if not isinstance(key, str) or not 8 <= len(key) <= 200 or not key.isprintable():
        raise invalid("Idempotency-Key", "Send an Idempotency-Key header of 8 to 200 characters.")
    return key


def claim_key(session, tenant_id, key, fingerprint):
    """Claim ``key`` for this request; return a stored answer instead when it was used before."""
    session.add(IdempotencyRecord(tenant_id=tenant_id, key=key, request_hash=fingerprint,
                                  state="processing", created_at=utcnow()))
    try:
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        record = session.get(IdempotencyRecord, (tenant_id, key), populate_existing=True)
        session.rollback()  # end the read so the next poll sees the other request's commit
        if record is None:  # the first request failed validation and released the key
            return claim_key(session, tenant_id, key, fingerprint)
        if record.request_hash != fingerprint:
            raise IdempotencyMismatch("This Idempotency-Key was already used for a different request.")
        if record.state == "done":
            return record.response
        if time.monotonic() > deadline:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        time.sleep(0.05)


def release_key(session, tenant_id, key):
    record = session.get(IdempotencyRecord, (tenant_id, key))
    if record is not None and record.state == "processing":
        session.delete(record)
        session.commit()


def store_answer(session, tenant_id, key, answer):
    record = session.get(IdempotencyRecord, (tenant_id, key))
    record.state, record.response = "done", answer


def replay(answer):
    """Return a stored success, or raise the stored error again, identically."""
    if answer.get("error"):
        error = answer["error"]
        raise ERROR_CLASSES.get(error["type"], PorticoError)(error["message"], error.get("fields") or {})
    return answer["result"]


def idempotent(session, tenant_id, key, request, work):
    """Run ``work()`` once per (tenant, key); errors before any charge free the key again."""
    check_key(key)
    stored = claim_key(session, tenant_id, key, request_hash(request))
    if stored is not None:
        return replay(stored)
    try:
        return work()
    except PaymentDeclined:
        raise  # stored by work() already: a decline is an answer, replayed like a success
    except ServiceUnavailable:
        raise  # the payment stays pending; recovery settles it and stores the answer
    except Exception:
        session.rollback()
        release_key(session, tenant_id, key)
        raise


# --- payment methods -------------------------------------------------------------------------------

def method_label(method):
    if method.kind == "card":
        return f"{method.brand.title()} ending {method.last4}"
    return f"Bank account ending {method.last4}"


def describe_method(method):
    return {"id": method.id, "kind": method.kind, "brand": method.brand, "last4": method.last4,
            "exp_month": method.exp_month, "exp_year": method.exp_year, "label": method_label(method)}


def add_method(session, tenant_id, account_id, data):
    values = load(CardOnFileSchema, data)
    method = PaymentMethod(tenant_id=tenant_id, account_id=account_id, created_at=utcnow(), **values)
    session.add(method)
    session.flush()
    return method


def find_method(session, tenant_id, account_id, method_id):
    method = session.get(PaymentMethod, method_id) if isinstance(method_id, int) else None
    if method is None or method.tenant_id != tenant_id or method.account_id != account_id \
            or method.removed_at is not None:
        raise NotFound("No such payment method.")
    return method


def list_methods(session, tenant_id, account_id):
    rows = session.scalars(select(PaymentMethod).where(
        PaymentMethod.tenant_id == tenant_id, PaymentMethod.account_id == account_id,
        PaymentMethod.removed_at.is_(None)).order_by(PaymentMethod.id)).all()
    return [describe_method(row) for row in rows]


def method_for(session, tenant_id, account_id, values, settings):
    """The method a payment uses: one on file, or a new token (saved when asked)."""
    if values.get("payment_method_id") is not None:
        return find_method(session, tenant_id, account_id, values["payment_method_id"])
    return add_method(session, tenant_id, account_id, values["new_method"])


def available_credit(session, tenant_id, account_id):
    return sum(session.scalars(select(Payment.unapplied).where(
        Payment.tenant_id == tenant_id, Payment.account_id == account_id,
        Payment.status == "succeeded", Payment.unapplied > 0)))


# --- reserve, charge, settle -------------------------------------------------------------------------

# populate_existing: a locked read must see the row as it is now, not as this session cached it.
# (Statements of the charge path are built once: building one costs more Python than running it.)
LOCK_INVOICES = (select(Invoice).where(Invoice.id.in_(bindparam("ids", expanding=True))).order_by(Invoice.id)
                 .with_for_update().execution_options(populate_existing=True))


def lock_invoices(session, tenant_id, account_id, invoice_ids):
    rows = session.scalars(LOCK_INVOICES, {"ids": list(invoice_ids)}).all()
    found = {row.id: row for row in rows if row.tenant_id == tenant_id and row.account_id == account_id}
    missing = [invoice_id for invoice_id in invoice_ids if invoice_id not in found]
    if missing:
        raise NotFound("No such invoice.")
    if len(set(invoice_ids)) != len(invoice_ids):
        raise invalid("invoice_ids", "List each invoice once.")
    return [found[invoice_id] for invoice_id in invoice_ids]


def credit_sources(session, tenant_id, account_id):
    """The account's payments that hold credit, oldest first, locked and read afresh."""
    return session.scalars(select(Payment).where(
        Payment.tenant_id == tenant_id, Payment.account_id == account_id, Payment.status == "succeeded",
        Payment.unapplied > 0).order_by(Payment.id).with_for_update()
        .execution_options(populate_existing=True)).all()


def take_credit(sources, credit):
    """Take ``credit`` from ``sources`` (credit_sources(), locked), oldest first; return [(source, used)]."""
    taken = []
    for source in sources:
        if credit <= 0:
            break
        used = min(credit, source.unapplied)
        source.unapplied -= used
        credit -= used
        taken.append((source, used))
    if credit:
        raise invalid("credit", "That is more credit than is available.")
    return taken


def reserve(session, tenant_id, account_id, key, values, settings, source="portal"):
    """Step 1: lock, check and reserve; return the pending payment and what it covers."""
    invoices = lock_invoices(session, tenant_id, account_id, values["invoice_ids"])
    unpaid = [invoice for invoice in invoices if invoice.status == "open" and invoice.balance > 0]
    if len(unpaid) != len(invoices):
        raise Conflict("Some of these invoices are already paid or being paid. Reload to see them.")
    dues = [(invoice.id, invoice.balance) for invoice in invoices]
    # The account's credit is read once - locked, as it is then drawn from - and only when the
    # checkout uses some: an autopay charge or a card-only checkout never reads the payments.
    credit = values.get("credit", 0)
    sources = credit_sources(session, tenant_id, account_id) if credit else []
    plan = plan_payment(dues, values.get("amount"), credit, sum(source.unapplied for source in sources),
                        settings["allow_partial_payments"], settings["allow_credit_at_checkout"])
    method = None
    if plan.charge_amount:
        method = method_for(session, tenant_id, account_id, values, settings)
        limit = check_limit(method.kind, plan.charge_amount, settings, ach_available=True)
        if limit.blocked:
            raise invalid("amount", limit.message)
        if limit.over_limit and not values.get("confirm_over_limit"):
            raise invalid("confirm_over_limit", limit.message + " Confirm to pay anyway.")
    by_id = {invoice.id: invoice for invoice in invoices}
    now = utcnow()
    payment = Payment(tenant_id=tenant_id, account_id=account_id, kind="payment", source=source,
                      method_kind=method.kind if method else "credit",
                      payment_method_id=method.id if method else None, amount=plan.charge_amount,
                      unapplied=0, status="pending", idempotency_key=f"{tenant_id}:{key}", created_at=now)
    session.add(payment)
    session.flush()
    credit_left = dict(plan.credit_allocations)
    for source_payment, used in take_credit(sources, plan.credit_used):
        for invoice_id in credit_left:
            part = min(credit_left[invoice_id], used)
            if part:
                session.add(Allocation(tenant_id=tenant_id, payment_id=source_payment.id, invoice_id=invoice_id,
                                       checkout_payment_id=payment.id, amount=part, created_at=now))
                by_id[invoice_id].balance -= part
                credit_left[invoice_id] -= part
                used -= part
    for invoice_id, applied in plan.charge_allocations:
        session.add(Allocation(tenant_id=tenant_id, payment_id=payment.id, invoice_id=invoice_id,
                               amount=applied, created_at=now))
        by_id[invoice_id].balance -= applied
    return payment, method, invoices


def charge(processor, payment, method, description):
    """Step 2: one charge per payment, whatever happens to this process."""
    if payment.amount == 0:
        return "succeeded", None, None
    try:
        result = processor.charge(method.token, payment.amount, "usd", payment.idempotency_key, description)
    except ProcessorError as error:  # refused outright (say, a detached token): nothing was charged
        return "failed", None, error.message
    except ProcessorUnavailable:
        raise ServiceUnavailable("The payment service did not answer. We are checking whether the "
                                 "payment went through; it will never be charged twice.") from None
    return result.status, result.charge_id, result.message


def reserved_by_others(session, invoice_id, payment_id):
    """Whether a pending checkout other than ``payment_id`` still holds part of the invoice.

    A balance of zero is not "paid" while such a checkout may still be declined and give its
    part back; the last of them to succeed marks the invoice paid.
    """
    pending = select(Payment.id).where(Payment.status == "pending", Payment.id != payment_id)
    return bool(session.scalar(select(func.count()).select_from(Allocation).where(
        Allocation.invoice_id == invoice_id,
        or_(Allocation.payment_id.in_(pending), Allocation.checkout_payment_id.in_(pending)))))


THE_PAYMENTS_ALLOCATIONS = or_(Allocation.payment_id == bindparam("payment_id"),
                               Allocation.checkout_payment_id == bindparam("payment_id"))
# The invoices a payment covers, locked in id order as lock_invoices() does, and read afresh.
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


def settle(session, outbox, payment, status, charge_id, message, receipt_to=None, actor=None):
    """Step 3: a succeeded payment pays its invoices; a failed one gives the reservation back."""
    now = utcnow()
    # The payment first: recovery (recover_pending) may be settling it at this very moment.
    session.refresh(payment, with_for_update=True)
    # The invoices were loaded by reserve() and may have changed since (another partial payment):
    # lock them and read them afresh.
    invoices = {row.id: row for row in session.scalars(LOCK_COVERED_INVOICES, {"payment_id": payment.id})}
    if payment.status != "pending":  # settled already: a payment is settled once
        return [describe(invoice) for invoice in invoices.values()]
    # Every allocation on those invoices and whether its payment, or the checkout that spent its
    # credit, is still pending - in one read, once the invoices are locked: another payment of
    # them settles under the same locks, so none can change meanwhile (reserved_by_others, at once).
    rows = session.execute(ALLOCATIONS_WITH_STATUS, {"invoice_ids": list(invoices)}).all()
    allocations = [allocation for allocation, _, _ in rows
                   if payment.id in (allocation.payment_id, allocation.checkout_payment_id)]
    held_by_others = {
        allocation.invoice_id for allocation, payer_status, checkout_status in rows
        if (allocation.payment_id != payment.id and payer_status == "pending")
        or (allocation.checkout_payment_id not in (None, payment.id) and checkout_status == "pending")}
    payment.processor_charge_id = charge_id
    payment.settled_at = now
    if status == "succeeded":
        payment.status = "succeeded"
        for invoice in invoices.values():
            if invoice.balance == 0 and invoice.id not in held_by_others:
                invoice.status, invoice.paid_at, invoice.autopay = "paid", now, False
        contract = PAYMENT_SUCCEEDED
    else:
        payment.status, payment.failure_message = "failed", message
        for allocation in allocations:
            invoices[allocation.invoice_id].balance += allocation.amount
            if allocation.payment_id != payment.id:
                session.get(Payment, allocation.payment_id, with_for_update=True,
                            populate_existing=True).unapplied += allocation.amount
            session.delete(allocation)
        contract = PAYMENT_FAILED
    covered = [{"number": invoices[allocation.invoice_id].number, "applied": allocation.amount}
               for allocation in allocations if status == "succeeded"]
    method = session.get(PaymentMethod, payment.payment_method_id) if payment.payment_method_id else None
    outbox.add(session, contract, {
        "payment_id": payment.id, "account_id": payment.account_id, "kind": payment.kind,
        "source": payment.source, "amount": payment.amount, "method_kind": payment.method_kind,
        "method_label": method_label(method) if method else "Account credit", "invoices": covered,
        "message": message, "receipt_to": receipt_to, "actor": actor}, tenant_id=payment.tenant_id)
    return [describe(invoice) for invoice in invoices.values()]


DECLINE_MESSAGES = {
    "declined": "Your card was declined. Nothing was charged. Try another card or a bank account.",
    "insufficient_funds": "The payment was declined for insufficient funds. Nothing was charged.",
    "failed": "The payment could not be processed. Nothing was charged. Please try again.",
}


def answer_for(payment, status, message, invoices, method):
    if status == "succeeded":
        return {"result": {"payment": describe_payment(payment, method), "invoices": invoices}}
    return {"error": {"type": "PaymentDeclined", "message": DECLINE_MESSAGES.get(status, message),
                      "fields": {"payment_method_id": [message or DECLINE_MESSAGES["failed"]]}}}


def describe_payment(payment, method=None):
    return {"id": payment.id, "kind": payment.kind, "source": payment.source, "amount": payment.amount,
            "amount_display": format_money(payment.amount), "status": payment.status,
            "method": method_label(method) if method else "Account credit",
            "unapplied": payment.unapplied, "created_at": payment.created_at.isoformat()}


def pay_invoices(session, outbox, processor, tenant_id, account_id, key, request, settings, actor=None):
    """Pay the selected invoices in one transaction; the answer is stored under ``key``."""
    values = load(PayInvoicesSchema, request)
    if not settings["online_payments_enabled"]:
        raise PermissionDenied("Online payments are turned off for this portal.")

    def work():
        payment, method, _ = reserve(session, tenant_id, account_id, key, values, settings)
        if values["new_method"] is not None and not values["save_method"]:
            method.removed_at = utcnow()  # used once, not kept on file
        session.commit()
        status, charge_id, message = charge(processor, payment, method, "Invoice payment")
        invoices = settle(session, outbox, payment, status, charge_id, message, values["receipt_to"], actor)
        if status != "succeeded" and values["new_method"] is not None:
            method.removed_at = utcnow()  # a card that was just declined is not kept on file
        answer = answer_for(payment, status, message, invoices, method)
        store_answer(session, tenant_id, key, answer)
        session.commit()
        return replay(answer)

    return idempotent(session, tenant_id, key, {"account_id": account_id, **request}, work)


def make_prepayment(session, outbox, processor, tenant_id, account_id, key, request, settings, actor=None):
    values = load(PrepaymentSchema, request)
    if not settings["prepayments_enabled"]:
        raise PermissionDenied("Prepayments are not available in this portal.")

    def work():
        method = method_for(session, tenant_id, account_id, values, settings)
        limit = check_limit(method.kind, values["amount"], settings, ach_available=True)
        if limit.blocked:
            raise invalid("amount", limit.message)
        if limit.over_limit and not values["confirm_over_limit"]:
            raise invalid("confirm_over_limit", limit.message + " Confirm to pay anyway.")
        payment = Payment(tenant_id=tenant_id, account_id=account_id, kind="prepayment", source="portal",
                          method_kind=method.kind, payment_method_id=method.id, amount=values["amount"],
                          unapplied=0, status="pending", idempotency_key=f"{tenant_id}:{key}",
                          created_at=utcnow())
        session.add(payment)
        session.commit()
        status, charge_id, message = charge(processor, payment, method, "Prepayment")
        payment.processor_charge_id, payment.settled_at = charge_id, utcnow()
        if status == "succeeded":
            payment.status, payment.unapplied = "succeeded", payment.amount
            outbox.add(session, PREPAYMENT_MADE, {
                "payment_id": payment.id, "account_id": account_id, "kind": "prepayment", "source": "portal",
                "amount": payment.amount, "method_kind": method.kind, "method_label": method_label(method),
                "receipt_to": values["receipt_to"], "actor": actor}, tenant_id=tenant_id)
            if settings["auto_apply_credits"]:
                apply_credit_automatically(session, tenant_id, account_id, payment)
        else:
            payment.status, payment.failure_message = "failed", message
        answer = answer_for(payment, status, message, [], method)
        store_answer(session, tenant_id, key, answer)
        session.commit()
        return replay(answer)

    return idempotent(session, tenant_id, key, {"account_id": account_id, **request}, work)


def apply_credit_automatically(session, tenant_id, account_id, payment):
    """Apply ``payment``'s credit to the account's open invoices, oldest due first."""
    invoices = session.scalars(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.account_id == account_id, Invoice.status == "open",
        Invoice.balance > 0).order_by(Invoice.id).with_for_update()).all()  # locked in id order, as everywhere
    invoices.sort(key=lambda invoice: (invoice.due_date, invoice.id))
    apply_credit(session, tenant_id, payment, [(invoice, min(invoice.balance, payment.unapplied))
                                               for invoice in invoices])


def apply_credit(session, tenant_id, payment, targets):
    """Move credit from ``payment`` onto ``targets`` ([(invoice, amount)]); never below zero."""
    now = utcnow()
    for invoice, amount in targets:
        amount = min(amount, payment.unapplied, invoice.balance)
        if amount <= 0:
            continue
        session.add(Allocation(tenant_id=tenant_id, payment_id=payment.id, invoice_id=invoice.id,
                               amount=amount, created_at=now))
        payment.unapplied -= amount
        invoice.balance -= amount
        if invoice.balance == 0 and not reserved_by_others(session, invoice.id, payment.id):
            invoice.status, invoice.paid_at, invoice.autopay = "paid", now, False


def apply_prepayment_by_hand(session, tenant_id, values):
    """Staff apply a prepayment's credit to chosen invoices of the same account.

    Locks are taken as a checkout takes them, invoices (in id order) before payments, so the two
    never wait on each other in a circle.
    """
    payment = session.get(Payment, values["payment_id"])
    if payment is None or payment.tenant_id != tenant_id or payment.status != "succeeded":
        raise NotFound("No such payment.")
    targets = []
    for item in sorted(values["allocations"], key=lambda item: item["invoice_id"]):
        invoice = find_invoice(session, tenant_id, item["invoice_id"], payment.account_id)
        # Locked and read afresh: the invoice may have been paid or voided since it was loaded.
        session.refresh(invoice, with_for_update=True)
        if invoice.status == "void":
            raise invalid("allocations", f"Invoice #{invoice.number} is void: nothing is due on it.")
        if invoice.status != "open" or item["amount"] > invoice.balance:
            raise invalid("allocations", f"Invoice #{invoice.number} has {format_money(invoice.balance)} due.")
        targets.append((invoice, item["amount"]))
    session.refresh(payment, with_for_update=True)
    requested = sum(item["amount"] for item in values["allocations"])
    if requested > payment.unapplied:
        raise invalid("allocations", f"Only {format_money(payment.unapplied)} of this payment is unapplied.")
    apply_credit(session, tenant_id, payment, targets)
    return payment


def history(session, tenant_id, account_id):
    """Payments and prepayments that succeeded, newest first, each with what it was applied to.

    ``applied_to`` is where the money is now; ``released`` is what was applied to an invoice
    later voided and came back as credit (part of ``unapplied`` unless applied again since).
    """
    payments = session.scalars(select(Payment).where(
        Payment.tenant_id == tenant_id, Payment.account_id == account_id, Payment.status == "succeeded")
        .order_by(Payment.created_at.desc(), Payment.id.desc())).all()
    rows = []
    for payment in payments:
        parts = session.execute(select(Invoice.number, Allocation.amount, Allocation.released_at).join(
            Invoice, Invoice.id == Allocation.invoice_id).where(Allocation.payment_id == payment.id)
            .order_by(Allocation.id)).all()
        method = session.get(PaymentMethod, payment.payment_method_id) if payment.payment_method_id else None
        rows.append({**describe_payment(payment, method),
                     "applied_to": [{"invoice_number": number, "amount": amount}
                                    for number, amount, released_at in parts if released_at is None],
                     "released": [{"invoice_number": number, "amount": amount, "released_at": iso_utc(released_at)}
                                  for number, amount, released_at in parts if released_at is not None]})
    return rows


def recover_pending(session, outbox, processor, older_than):
    """Settle payments left pending by a crash or an outage: ask the processor what happened."""
    query = select(Payment).where(Payment.status == "pending", Payment.created_at < older_than) \
        .order_by(Payment.id).limit(100)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    settled = 0
    for payment in session.scalars(query).all():
        try:
            result = processor.find_charge(payment.idempotency_key)
        except (ProcessorUnavailable, ProcessorError):
            continue  # still unknown: try again on the next round
        status, charge_id, message = (result.status, result.charge_id, result.message) if result else (
            "failed", None, "The payment did not go through. Nothing was charged.")
        if payment.kind == "prepayment":
            payment.status = "succeeded" if status == "succeeded" else "failed"
            payment.unapplied = payment.amount if status == "succeeded" else 0
            payment.processor_charge_id, payment.settled_at = charge_id, utcnow()
        else:
            settle(session, outbox, payment, status, charge_id, message)
        tenant_id, key = payment.idempotency_key.split(":", 1)
        record = session.get(IdempotencyRecord, (int(tenant_id), key))
        if record is not None and record.state == "processing":
            method = session.get(PaymentMethod, payment.payment_method_id) if payment.payment_method_id else None
            record.state, record.response = "done", answer_for(payment, status, message, [], method)
        settled += 1
    session.commit()
    return settled
