"""Recovery: settle payments a crash or an outage left pending, by asking the processor what became of each."""
from datetime import timedelta

from sqlalchemy import bindparam, exists, select

from billing import idempotency
from billing.checkout import answer_for
from billing.methods import method_used
from billing.models import ChargeRunItem, Payment, PaymentMethod, platform
from billing.processor import ProcessorError, ProcessorUnavailable
from billing.settings import TABS
from billing.settlement import settle, settle_prepayment
from shared.clock import utcnow
from shared.i18n import N_, _
from shared.settings_store import read_settings

PENDING_GRACE_SECONDS = 120  # longer than any charge takes, so a live request is never overtaken
BATCH = 100
NOT_CHARGED = N_("The payment did not go through. Nothing was charged.")


def being_charged(payment_id):
    """Whether a charge run's delivery stamped its item of ``payment_id`` (a column or a value) since ``:since``.

    A delivery stamps the item before it charges (charge_groups.py): the payment is that
    delivery's to settle until the stamp is older than the grace period.
    """
    return exists().where(ChargeRunItem.payment_id == payment_id, ChargeRunItem.state == "charging",
                          ChargeRunItem.updated_at >= bindparam("since"))


def recover_pending(session, outbox, processor, older_than=None):
    """Settle the payments pending since before ``older_than`` (by default, the grace period ago); return how many.

    No transaction is open while the processor is asked: the pending payments are read and the
    read ended, then each is settled in a transaction of its own that locks it and settles it
    only if it is still pending and no delivery is charging it - so instances recovering at once,
    or the payment's own request or charge finishing meanwhile, settle it once.
    """
    older_than = older_than or utcnow() - timedelta(seconds=PENDING_GRACE_SECONDS)
    pending = session.execute(
        select(Payment.id, Payment.idempotency_key, PaymentMethod.token, Payment.created_at)
        .outerjoin(PaymentMethod, PaymentMethod.id == Payment.payment_method_id)
        .where(Payment.status == "pending", Payment.created_at < older_than, ~being_charged(Payment.id))
        .order_by(Payment.id).limit(BATCH), {"since": older_than}).all()
    session.rollback()
    settled = 0
    for payment_id, key, token, created_at in pending:
        try:
            found = processor.find_charge(key, token, created_at)
        except (ProcessorUnavailable, ProcessorError):
            continue  # still unknown: try again on the next round
        outcome = (found.status, found.charge_id, found.message) if found else ("failed", None, _(NOT_CHARGED))
        payment = session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
        if payment.status == "pending" and not session.scalar(select(being_charged(payment_id)),
                                                                {"since": older_than}):
            settle_recovered(session, outbox, payment, *outcome)
            settled += 1
        session.commit()
    return settled


def settle_recovered(session, outbox, payment, status, charge_id, message):
    """Settle ``payment`` as the processor says it went, as its request would have, and answer its key."""
    if payment.kind == "prepayment":
        settings = read_settings(session, platform.tenant_settings, payment.tenant_id, TABS, "billing")
        settle_prepayment(session, outbox, payment, status, charge_id, message, settings["auto_apply_credits"])
        invoices = []
    else:
        invoices = settle(session, outbox, payment, status, charge_id, message)
    tenant_id, key = payment.idempotency_key.split(":", 1)
    idempotency.store_answer(session, int(tenant_id), key,
                             answer_for(payment, status, message, invoices, method_used(session, payment)))
