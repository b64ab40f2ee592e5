"""A client's checkout: pay invoices, make a prepayment, or ask what a payment would charge.

Money is taken in three steps, so a charge never happens twice and a failure changes nothing:
1. reserve (reservation.py): in one transaction, lock the invoices, check what is due and the
   limits, record a pending payment whose allocations already reduce the balances (a second
   payer finds nothing due), and tie the request's idempotency key to it (idempotency.py);
2. charge (settlement.charge): ask the processor, outside any transaction, with an idempotency
   key derived from the payment, so a retried or recovered charge is the same charge;
3. settle (settlement.py): mark the payment succeeded (invoices paid) or failed (reservation
   given back), with its event in the outbox, and store the answer under the request's key.
A payment left pending by a crash or an outage is settled later by recovery.py.

Row locks are taken in one order everywhere, so no two paths ever wait on each other in a
circle: a charge run's item; the pending payment being settled; invoices, in id order; payments
holding credit, in id order; last, the idempotency record.
"""
from billing import audit_facts, idempotency
from billing.business_look import currency_of
from billing.credit import available_credit
from billing.history import describe_payment
from billing.invoices import find_invoice, refuse_void, refuse_void_ids
from billing.methods import kind_chosen, method_for
from billing.money import check_limit, enforce_limit, plan_payment
from billing.reservation import pending_payment, reserve
from billing.schemas import PayInvoicesSchema, PrepaymentSchema
from billing.processor import REQUIRES_ACTION
from billing.settlement import charge, settle, settle_prepayment
from shared.clock import utcnow
from shared.errors import Conflict
from shared.i18n import N_, _
from shared.validation import load_or_raise

DECLINE_MESSAGES = {
    "declined": N_("Your card was declined. Nothing was charged. Try another card or a bank account."),
    "insufficient_funds": N_("The payment was declined for insufficient funds. Nothing was charged."),
    "failed": N_("The payment could not be processed. Nothing was charged. Please try again."),
}


def answer_for(payment, status, message, invoices, method):
    """The answer stored under a checkout's key: the payment and its invoices, or why it was declined."""
    if status == "succeeded":
        return {"result": {"payment": describe_payment(payment, method), "invoices": invoices}}
    declined, failed = DECLINE_MESSAGES.get(status), DECLINE_MESSAGES["failed"]
    return {"error": {"type": "PaymentDeclined", "message": _(declined) if declined else message,
                      "fields": {"payment_method_id": [message or _(failed)]}}}


def quote(session, tenant_id, account_id, request, settings):
    """Say what a checkout of ``request`` would charge and whether it goes over the tenant's limit."""
    values = load_or_raise(PayInvoicesSchema, request)
    rows = [find_invoice(session, tenant_id, invoice_id, account_id) for invoice_id in values["invoice_ids"]]
    refuse_void(rows)
    plan = plan_payment([(row.id, row.balance) for row in rows], values["amount"], values["credit"],
                        available_credit(session, tenant_id, account_id),
                        settings["allow_partial_payments"], settings["allow_credit_at_checkout"])
    limit = check_limit(kind_chosen(session, tenant_id, account_id, values), plan.charge_amount, settings,
                        ach_available=True)
    return {"charge_amount": plan.charge_amount, "credit_used": plan.credit_used,
            "over_limit": limit.over_limit, "blocked": limit.blocked, "message": limit.message}


def pay_invoices(session, outbox, processor, tenant_id, account_id, key, request, settings, actor=None,
                 origin=None):
    """Pay the selected invoices in one payment; the answer is stored under ``key`` and replayed to retries."""
    values = load_or_raise(PayInvoicesSchema, request)

    def work(claim):
        payment, method = reserve_or_name_void(session, tenant_id, account_id, key, values, settings)
        one_off = method is not None and values["new_method"] is not None
        if one_off and not values["save_method"]:
            method.removed_at = utcnow()  # used once, not kept on file
        idempotency.bind_to_payment(session, claim)
        currency = currency_of(session, tenant_id)
        session.commit()
        status, charge_id, message = charge(processor, payment, method, "Invoice payment", currency)
        if status == REQUIRES_ACTION:
            return awaiting_bank_check(session, payment, charge_id, message)
        invoices = settle(session, outbox, payment, status, charge_id, message, actor, origin)
        if status != "succeeded" and one_off:
            method.removed_at = utcnow()  # a card that was just declined is not kept on file
        elif one_off and values["save_method"]:  # kept on file: the client added it, paying
            audit_facts.method_added(session, outbox, method, {"actor": actor or audit_facts.SYSTEM,
                                                               "origin": origin})
        return answer(session, claim, answer_for(payment, status, message, invoices, method))

    return idempotency.idempotent(session, tenant_id, key, {"account_id": account_id, **request}, work)


def reserve_or_name_void(session, tenant_id, account_id, key, values, settings):
    """Reserve the checkout's invoices; when that is refused because one of them is void, say which."""
    try:
        return reserve(session, tenant_id, account_id, key, values, settings)
    except Conflict:
        session.rollback()
        refuse_void_ids(session, tenant_id, account_id, values["invoice_ids"])
        raise


def make_prepayment(session, outbox, processor, tenant_id, account_id, key, request, settings, actor=None,
                    origin=None):
    """Take a payment ahead of any invoice as the account's credit; the answer is stored under ``key``."""
    values = load_or_raise(PrepaymentSchema, request)

    def work(claim):
        method = method_for(session, tenant_id, account_id, values)
        enforce_limit(method.kind, values["amount"], settings, values["confirm_over_limit"])
        payment = pending_payment(session, tenant_id, account_id, key, "prepayment", "portal", method,
                                  values["amount"], values["receipt_to"])
        idempotency.bind_to_payment(session, claim)
        currency = currency_of(session, tenant_id)
        session.commit()
        status, charge_id, message = charge(processor, payment, method, "Prepayment", currency)
        if status == REQUIRES_ACTION:
            return awaiting_bank_check(session, payment, charge_id, message)
        settle_prepayment(session, outbox, payment, status, charge_id, message, settings["auto_apply_credits"],
                          actor, origin)
        return answer(session, claim, answer_for(payment, status, message, [], method))

    return idempotency.idempotent(session, tenant_id, key, {"account_id": account_id, **request}, work)


def awaiting_bank_check(session, payment, charge_id, client_secret):
    """The answer while the client's bank waits for them to confirm (bank_checks.py): the payment stays pending, its
    PaymentIntent noted; nothing is stored under the key, whose retries are told the payment is in progress."""
    payment.processor_charge_id = charge_id
    session.commit()
    return {"requires_action": {"payment_id": payment.id, "client_secret": client_secret}}


def answer(session, claim, stored):
    """Store the checkout's answer under its key, commit, and give it (a decline is raised)."""
    idempotency.store_answer(session, claim.tenant_id, claim.key, stored)
    session.commit()
    return idempotency.replay(stored)
