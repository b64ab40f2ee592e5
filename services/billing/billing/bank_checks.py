"""A client paying in the portal whose bank asks them to confirm the payment (3-D Secure, SCA), with Stripe.

1. The charge answers ``requires_action``: the payment stays pending, its invoices reserved, and the checkout answers
   the secret the client's browser confirms with at Stripe (checkout.awaiting_bank_check). Nothing is stored under
   the key yet: a retry with it is told the payment is in progress.
2. The client passes (or fails, or leaves) their bank's check in Stripe's window.
3. ``confirm``: billing asks Stripe what became of the charge, never the browser. A check not passed is a decline; one
   still waiting is cancelled at Stripe first, so it can never go through later. The payment is settled as recovery
   settles one, and the key's answer stored: the confirmation answers as the key does from then on.
A client who never comes back is settled the same way by recovery once the grace period has passed (recovery.py).
"""
from billing import idempotency
from billing.methods import method_used
from billing.models import Payment
from billing.processor import ProcessorError, ProcessorUnavailable
from billing.recovery import NOT_CHARGED, settle_recovered
from shared.errors import NotFound, RequestInProgress, ServiceUnavailable
from shared.i18n import _


def confirm(session, outbox, processor, tenant_id, account_id, payment_id):
    """Settle the client's payment after their bank's check, as the processor says it went; answer as its key does."""
    payment = session.get(Payment, payment_id) if isinstance(payment_id, int) else None
    if payment is None or (payment.tenant_id, payment.account_id, payment.source) != (tenant_id, account_id,
                                                                                        "portal"):
        raise NotFound(_("No such payment."))
    if payment.status == "pending":
        method = method_used(session, payment)
        asked = (payment.idempotency_key, method.token if method else None, payment.created_at)
        session.rollback()  # nothing held while the processor is asked
        try:
            found = processor.find_charge(*asked)
        except (ProcessorUnavailable, ProcessorError):
            raise ServiceUnavailable(_("The payment service did not answer. We are checking whether the payment "
                                       "went through; it will never be charged twice.")) from None
        outcome = (found.status, found.charge_id, found.message) if found else ("failed", None, _(NOT_CHARGED))
        payment = session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
        if payment.status == "pending":
            settle_recovered(session, outbox, payment, *outcome)
        session.commit()
    record = idempotency.read_record(session, tenant_id, payment.idempotency_key.split(":", 1)[1])
    if record is None or record.response is None:
        raise RequestInProgress(_(idempotency.IN_PROGRESS))
    return idempotency.replay(record.response)
