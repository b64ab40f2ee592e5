"""The billing service's doors for the payment processor: which one it is (for staff), and Stripe's webhook events
(rules in stripe_events.py)."""
from billing import access, stripe_events
from shared.context import public_rpc, tenant_rpc


class ProcessorEntrypoints:
    """Mixed into BillingService."""

    @tenant_rpc
    def payment_processor(self):
        """``{name: sandbox | stripe, mode: test | live}``: what the staff's Billing settings say charges go through."""
        access.staff_tenant(self.ctx)
        return {"name": self.processor.name, "mode": self.processor.mode}

    @public_rpc
    def apply_stripe_event(self, payload, signature):
        """Apply an event Stripe signed (the body and ``Stripe-Signature`` header as they arrived) once; return
        ``{"outcome": ...}``. Anyone may call it: the signature, checked here, is what is trusted."""
        if not isinstance(payload, str) or not isinstance(signature, str):
            payload, signature = "", ""  # refused below, like any other unsigned body
        event = stripe_events.verified_event(payload, signature)
        return {"outcome": stripe_events.apply_event(self.db, self.outbox, event)}
