"""The billing service's doors for refunds (rules in refunds.py): staff of the invoice's business only. An
invoice's refunds come with it (``get_invoice``)."""
from nameko.timer import timer

from billing import access, refunds
from shared.context import tenant_rpc


class RefundEntrypoints:
    """Mixed into BillingService."""

    @tenant_rpc
    def refund_payment(self, invoice_id, idempotency_key, request):
        """Give back ``{payment_id, amount, destination: method | credit, reason}`` of what a payment paid on the
        invoice; the answer is the refund (its ``status`` pending when the processor has not answered yet), stored
        under ``idempotency_key`` and replayed to retries."""
        tenant_id = access.staff_tenant(self.ctx)
        return refunds.refund_payment(self.db, self.outbox, self.processor, tenant_id, invoice_id, idempotency_key,
                                      request, self.ctx.actor.get("id"))

    @timer(interval=30)
    def recover_pending_refunds(self):
        """Ask the processor again about refunds whose answer was lost (safe on every instance at once)."""
        refunds.recover_pending_refunds(self.db, self.outbox, self.processor)
