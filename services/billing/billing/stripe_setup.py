"""Cards and bank accounts saved from Stripe's own fields (Stripe.js), through SetupIntents: no number reaches Portico.

1. ``start``: billing makes the account's Stripe customer (once) and a SetupIntent for it, and answers the client
   secret the browser's Stripe fields confirm with. A bank account comes with the words of its debit authorisation.
2. The browser confirms it at Stripe: the card's bank may ask for 3-D Secure there, and a bank account is linked.
3. ``finish``: billing asks Stripe for the SetupIntent itself, never trusting what the browser says of it. It must be
   this account's (its customer and metadata), and succeeded; then its payment method goes on file with only Stripe's
   ids, brand, last 4 and expiry, and a bank account's mandate with the words agreed to and when. Finishing twice keeps
   one method.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from billing import audit_facts, methods
from billing.business_look import name_of
from billing.models import PaymentMethod, ProcessorCustomer
from billing.processor import ProcessorError
from shared.clock import utcnow
from shared.errors import Conflict, NotFound, invalid
from shared.i18n import N_, _

KINDS = ("card", "ach")
MANDATE = N_("By saving this bank account, I authorise %(business)s to debit it, through its payment processor "
             "Stripe, for the invoices I pay and the autopay charges I turn on in this portal, and to credit it to "
             "correct an error. I can end this authorisation by removing the account from the portal.")


def require_stripe(processor):
    if processor.name != "stripe":
        raise Conflict(_("This portal saves cards and bank accounts with its processor's own form."))


def mandate_text(session, tenant_id):
    """The words a client agrees to when saving a bank account (Stripe asks that they name the business)."""
    return _(MANDATE, business=name_of(session, tenant_id) or _("the business"))


def start(session, processor, tenant_id, account_id, kinds):
    """Begin saving a method of ``kinds``: ``{setup_intent_id, client_secret, mandate_text}``."""
    if not isinstance(kinds, list) or not kinds or any(kind not in KINDS for kind in kinds):
        raise invalid("kinds", _("Choose card, ach or both."))
    require_stripe(processor)
    customer = customer_of(session, processor, tenant_id, account_id)
    setup = processor.start_setup(customer, sorted(set(kinds)), {"portico_tenant": str(tenant_id),
                                                                 "portico_account": str(account_id)})
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"],
            "mandate_text": mandate_text(session, tenant_id) if "ach" in kinds else None}


def customer_of(session, processor, tenant_id, account_id):
    """The account's Stripe customer, made the first time (instances asking at once make one: it has a key)."""
    row = session.get(ProcessorCustomer, (tenant_id, account_id))
    if row is not None:
        return row.customer_id
    session.rollback()  # no transaction held while Stripe is asked
    customer = processor.create_customer(f"portico-customer-{tenant_id}-{account_id}", {
        "portico_tenant": str(tenant_id), "portico_account": str(account_id)})
    session.add(ProcessorCustomer(tenant_id=tenant_id, account_id=account_id, customer_id=customer,
                                  created_at=utcnow()))
    try:
        session.commit()
    except IntegrityError:  # another request kept it first: the same customer, by the key
        session.rollback()
    return customer


def finish(session, outbox, processor, tenant_id, account_id, setup_intent_id, by):
    """Put the method of a SetupIntent the client confirmed on file; return it (the one kept before, if any)."""
    if not isinstance(setup_intent_id, str) or not setup_intent_id.startswith("seti_") or len(setup_intent_id) > 100:
        raise invalid("setup_intent_id", _("Send the id of the card or bank account setup."))
    intent = confirmed_setup(session, processor, tenant_id, account_id, setup_intent_id)
    found, customer = intent["payment_method"], intent["customer"]
    token = f"{customer}/{found['id']}"
    kept = session.scalar(select(PaymentMethod).where(
        PaymentMethod.tenant_id == tenant_id, PaymentMethod.account_id == account_id, PaymentMethod.token == token,
        PaymentMethod.removed_at.is_(None)))
    if kept is not None:
        return kept
    card, bank = found.get("card") or {}, found.get("us_bank_account") or {}
    method = methods.add_method(session, tenant_id, account_id, {
        "token": token, "kind": "card" if found["type"] == "card" else "ach",
        "brand": card.get("brand") or "bank", "last4": card.get("last4") or bank.get("last4"),
        "exp_month": card.get("exp_month"), "exp_year": card.get("exp_year")})
    if method.kind == "ach":
        method.mandate_id, method.mandate_accepted_at = intent.get("mandate"), utcnow()
        method.mandate_text = mandate_text(session, tenant_id)
    audit_facts.method_added(session, outbox, method, by)
    return method


def confirmed_setup(session, processor, tenant_id, account_id, setup_intent_id):
    """The SetupIntent as Stripe has it, when it is this account's and confirmed; NotFound or a field error else."""
    customer = session.get(ProcessorCustomer, (tenant_id, account_id))
    if customer is None:  # no setup was ever started for the account (none can be, but with Stripe)
        raise NotFound(_("No such card or bank account setup."))
    require_stripe(processor)
    try:
        intent = processor.setup_outcome(setup_intent_id)
    except ProcessorError:
        intent = {}
    metadata = intent.get("metadata") or {}
    if intent.get("customer") != customer.customer_id or \
            metadata.get("portico_tenant") != str(tenant_id) or metadata.get("portico_account") != str(account_id):
        raise NotFound(_("No such card or bank account setup."))
    if intent.get("status") != "succeeded" or not isinstance(intent.get("payment_method"), dict):
        raise invalid("setup_intent_id", _("The card or bank account is not confirmed yet. Finish the steps your "
                                           "bank asks for, then save it again."))
    return intent
