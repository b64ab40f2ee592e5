"""Stripe's webhook events: checked against the webhook secret, applied once, in whatever order they come.

The gateway receives them (``POST /webhooks/stripe``) and passes the body and its ``Stripe-Signature`` header on
unchanged; billing checks the signature again with its own copy of the secret (``STRIPE_WEBHOOK_SECRET``), so it
trusts nothing its caller says. An event is then applied once: its id is kept (``processor_events``), and a
redelivery is answered without touching anything.

What an event may change, so that a payment's end never depends on the client's browser coming back:
- ``payment_intent.succeeded`` and ``payment_intent.payment_failed`` settle a payment Portico still holds as
  pending (its answer was lost), as recovery would, but at once. A payment already settled stays as it is, so an
  event arriving late or out of order changes nothing.
- The PaymentIntent must be one Portico made for that payment: its key in the metadata, the same amount, the
  business's currency, and the payment method (and its customer) charged. Anything else is another business's or another
  program's, and is kept as ``not_ours``.
- A payment pending for less than the recovery grace period may still be settled by its own request: the event
  is refused with a Conflict, which Stripe delivers again later.
- ``payment_method.detached``: the method (removed at Stripe, or by the client at their bank) is taken off file
  wherever billing holds it; autopay that charged it is cancelled, so staff and the client hear of both rather than
  autopay failing later. ``payment_method.automatically_updated``: the card's new expiry and last 4 (the card
  network's updater) are kept, so autopay goes on charging it.
- A bank debit (ACH) is taken as paid while Stripe says ``processing``; its ``payment_intent.payment_failed``, days
  later, means the bank returned it: the payment is taken back and its invoices are open again (reversals.py).
- ``charge.dispute.created`` and ``charge.dispute.closed``: staff hear that a client disputed a payment with their
  bank, and how it ended; a dispute lost for the whole payment takes it back as a returned debit is.
- ``refund.created``, ``refund.updated``, ``refund.failed``: a refund staff gave (refunds.py) whose answer was lost
  is settled as Stripe says it went; one the bank sends back after it succeeded becomes the client's credit. A
  refund made in Stripe's dashboard is not Portico's (``not_ours``).
- Every other type is kept as ``ignored``.
"""
import json
from datetime import datetime, timedelta, timezone

import stripe
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from billing.business_look import currency_of
from billing import audit_facts, autopay, refunds, reversals
from billing.methods import method_label, method_used, remove_method
from billing.models import Autopay, Payment, PaymentMethod, ProcessorEvent, Refund
from billing.processor_stripe import REFUND_FAILED, decline, split_token
from billing.recovery import PENDING_GRACE_SECONDS, being_charged, settle_recovered
from shared.clock import as_utc, utcnow
from shared.config import env
from shared.errors import Conflict, PermissionDenied
from shared.events import PAYMENT_DISPUTED
from shared.i18n import _

TOLERANCE_SECONDS = 300  # Stripe's own default: a signed event older than this is a replay, refused
PROCESSOR = {"kind": "processor", "id": None}  # who acted when billing acts on the processor's word
SUCCEEDED, FAILED = "payment_intent.succeeded", "payment_intent.payment_failed"


def verified_event(payload, signature, secret=None):
    """The event in ``payload`` when ``signature`` is Stripe's for it, made within the tolerance window."""
    secret = secret or env("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise PermissionDenied(_("This installation takes no Stripe events (STRIPE_WEBHOOK_SECRET is not set)."))
    try:
        stripe.WebhookSignature.verify_header(payload, signature or "", secret, TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError):
        raise PermissionDenied(_("The event's signature is not Stripe's, or it is too old.")) from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise PermissionDenied(_("The event's signature is not Stripe's, or it is too old."))
    return event


def apply_event(session, outbox, event):
    """Apply a verified event once; return its outcome (``duplicate`` for one applied before).

    The event's row is written first: a second delivery of it, even at the same moment, stops on the row's key
    before it touches anything, and an error in applying it leaves no row, so Stripe's next delivery tries again.
    """
    record = ProcessorEvent(event_id=event["id"], type=event["type"][:100], outcome="applying", received_at=utcnow())
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # applied before, or being applied by a delivery at this moment (it waits for that)
        session.rollback()
        return "duplicate"
    record.outcome = HANDLERS.get(event["type"], lambda *_: "ignored")(session, outbox, event)
    session.commit()
    return record.outcome


def apply_payment_event(session, outbox, event):
    intent = (event.get("data") or {}).get("object") or {}
    key = (intent.get("metadata") or {}).get("portico_key")
    payment = session.scalar(select(Payment).where(Payment.idempotency_key == key).with_for_update()) if key else None
    if payment is None or not made_for(session, payment, intent):
        return "not_ours"
    if returned_by_the_bank(payment, event["type"], intent):
        error = intent.get("last_payment_error") or {}
        reversals.take_back(session, outbox, payment, "bank_returned", error.get("message"))
        return "applied"
    if payment.status != "pending":
        return "settled_before"
    since = utcnow() - timedelta(seconds=PENDING_GRACE_SECONDS)
    if as_utc(payment.created_at) > since or session.scalar(select(being_charged(payment.id)), {"since": since}):
        session.rollback()
        raise Conflict(_("The payment is still being settled by its own request. Send the event again later."))
    if event["type"] == SUCCEEDED:
        settle_recovered(session, outbox, payment, "succeeded", intent.get("id"), "")
    else:
        error = intent.get("last_payment_error") or {}
        result = decline(intent.get("id"), error.get("code"), error.get("decline_code"))
        settle_recovered(session, outbox, payment, result.status, result.charge_id, result.message)
    return "applied"


def returned_by_the_bank(payment, event_type, intent):
    """Whether the event is a bank debit failing after Portico took it as paid: Stripe said ``processing`` when it
    was charged (processor_stripe.outcome), and only a bank debit fails after that. A card's PaymentIntent that
    succeeded never fails later, so a failure event for one is an old one, arriving late."""
    return (payment.status == "succeeded" and payment.method_kind == "ach" and event_type == FAILED
            and intent.get("id") == payment.processor_charge_id and intent.get("status") == "requires_payment_method")


def made_for(session, payment, intent):
    """Whether ``intent`` is the charge Portico asked for ``payment``: amount, currency, method and customer agree."""
    method = method_used(session, payment)
    if method is None:
        return False
    customer, method_id = split_token(method.token)
    return (intent.get("amount") == payment.amount and intent.get("payment_method") == method_id
            and intent.get("customer") == customer
            and str(intent.get("currency", "")).upper() == currency_of(session, payment.tenant_id))


def methods_on_file(session, event):
    """The methods on file that are the event's PaymentMethod (``pm_…`` alone or on its customer)."""
    method_id = str(((event.get("data") or {}).get("object") or {}).get("id") or "")
    if not method_id.startswith("pm_"):
        return []
    return session.scalars(select(PaymentMethod).where(
        PaymentMethod.removed_at.is_(None),
        or_(PaymentMethod.token == method_id, PaymentMethod.token.endswith("/" + method_id, autoescape=True)))
        .with_for_update()).all()


def apply_method_detached(session, outbox, event):
    found = methods_on_file(session, event)
    for method in found:
        enrolment = session.get(Autopay, method.account_id)
        if enrolment is not None and enrolment.enrolled and enrolment.payment_method_id == method.id:
            autopay.cancel(session, outbox, method.tenant_id, method.account_id, PROCESSOR, by_staff=True)
            enrolment.payment_method_id = None
            audit_facts.autopay_changed(session, outbox, method.tenant_id, method.account_id, False, None)
        remove_method(session, outbox, method, PROCESSOR)
        audit_facts.method_removed(session, outbox, method, None)  # in the history as the system's doing
    return "applied" if found else "not_ours"


def apply_method_updated(session, outbox, event):
    found = methods_on_file(session, event)
    card = event["data"]["object"].get("card") or {}
    month, year, last4 = card.get("exp_month"), card.get("exp_year"), str(card.get("last4") or "")
    for method in found:
        if isinstance(month, int) and isinstance(year, int) and 1 <= month <= 12:
            method.exp_month, method.exp_year = month, year
        if len(last4) == 4 and last4.isdigit():
            method.last4 = last4
    return "applied" if found else "not_ours"


def apply_dispute(session, outbox, event):
    """A dispute opened or decided: staff hear of it; one lost for the whole payment takes the payment back."""
    dispute = (event.get("data") or {}).get("object") or {}
    payment, amount = reversals.payment_by_charge(session, dispute.get("payment_intent")), dispute.get("amount")
    if payment is None or payment.status not in ("succeeded", "returned") or isinstance(amount, bool) \
            or not isinstance(amount, int) or not 0 < amount <= payment.amount \
            or str(dispute.get("currency", "")).upper() != currency_of(session, payment.tenant_id):
        return "not_ours"
    status = "opened" if event["type"] == "charge.dispute.created" else dispute.get("status")
    if status == "lost" and amount == payment.amount:
        return "applied" if reversals.take_back(session, outbox, payment, "dispute_lost") is not None \
            else "settled_before"
    if status not in ("opened", "won", "lost"):
        return "ignored"  # closed with a warning only: no money moved
    due = ((dispute.get("evidence_details") or {}).get("due_by")) if status == "opened" else None
    method = method_used(session, payment)
    data = {"payment_id": payment.id, "account_id": payment.account_id, "amount": amount,
            "method_label": method_label(method) if method else None, "status": status,
            "reason": str(dispute.get("reason") or "")[:50] or None, "actor": PROCESSOR,
            "respond_by": datetime.fromtimestamp(due, timezone.utc).date().isoformat()
            if isinstance(due, int) and not isinstance(due, bool) else None}
    outbox.add(session, PAYMENT_DISPUTED, data, tenant_id=payment.tenant_id)
    audit_facts.payment_disputed(session, outbox, payment, data)
    return "applied"


def apply_refund_event(session, outbox, event):
    """A refund Portico asked for (its key in the metadata) went through or failed: settle it if it still waits."""
    found = (event.get("data") or {}).get("object") or {}
    key = (found.get("metadata") or {}).get("portico_key")
    refund = session.scalar(select(Refund).where(Refund.idempotency_key == key).with_for_update()) if key else None
    if refund is None or found.get("amount") != refund.amount:
        return "not_ours"  # made in Stripe's dashboard, or another program's
    if refund.status == "succeeded" and found.get("status") == "failed":  # the bank sent it back days later
        return "applied" if refunds.bounced(session, outbox, refund, None) else "settled_before"
    if refund.status != "pending":
        return "settled_before"
    if found.get("status") in ("succeeded", "pending"):
        refunds.settle_and_answer(session, outbox, refund, "succeeded", found.get("id"))
    elif found.get("status") in ("failed", "canceled"):
        refunds.settle_and_answer(session, outbox, refund, "failed", found.get("id"), _(REFUND_FAILED))
    else:
        return "ignored"
    return "applied"


HANDLERS = {SUCCEEDED: apply_payment_event, FAILED: apply_payment_event,
            "charge.dispute.created": apply_dispute, "charge.dispute.closed": apply_dispute,
            "refund.created": apply_refund_event, "refund.updated": apply_refund_event,
            "refund.failed": apply_refund_event,
            "payment_method.detached": apply_method_detached,
            "payment_method.automatically_updated": apply_method_updated}
