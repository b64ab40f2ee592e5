"""The billing service's door for Stripe's webhook events (rules in stripe_events.py)."""
from billing import stripe_events
from shared.context import public_rpc


class StripeEventEntrypoints:
    """Mixed into BillingService."""

    @public_rpc
    def apply_stripe_event(self, payload, signature):
        """Apply an event Stripe signed (the body and ``Stripe-Signature`` header as they arrived) once; return
        ``{"outcome": ...}``. Anyone may call it: the signature, checked here, is what is trusted."""
        if not isinstance(payload, str) or not isinstance(signature, str):
            payload, signature = "", ""  # refused below, like any other unsigned body
        event = stripe_events.verified_event(payload, signature)
        return {"outcome": stripe_events.apply_event(self.db, self.outbox, event)}
