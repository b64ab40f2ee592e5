"""The billing service's doors for the payment processor: which one it is (for staff), cards and bank accounts saved
from Stripe's own fields (stripe_setup.py), payments confirmed with the client's bank (bank_checks.py), and Stripe's
webhook events (rules in stripe_events.py)."""
from billing import access, bank_checks, methods, stripe_events, stripe_setup
from shared.audit import who
from shared.context import public_rpc, tenant_rpc


class ProcessorEntrypoints:
    """Mixed into BillingService."""

    @tenant_rpc
    def payment_processor(self):
        """``{name: sandbox | stripe, mode: test | live}``: what the staff's Billing settings say charges go through."""
        access.staff_tenant(self.ctx)
        return {"name": self.processor.name, "mode": self.processor.mode}

    @tenant_rpc
    def start_method_setup(self, kinds):
        """Begin saving a card or bank account (``kinds``: some of card, ach) in Stripe's fields: the client secret
        they confirm with, and the words of a bank debit's authorisation. Conflict when the processor is the sandbox
        (its own hosted forms make tokens)."""
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        return stripe_setup.start(self.db, self.processor, tenant_id, account_id, kinds)

    @tenant_rpc
    def finish_method_setup(self, setup_intent_id):
        """Put on file the method of a SetupIntent the client confirmed in Stripe's fields, as Stripe has it."""
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        row = stripe_setup.finish(self.db, self.outbox, self.processor, tenant_id, account_id, setup_intent_id,
                                  who(self.ctx))
        self.db.commit()
        return methods.describe_method(row)

    @tenant_rpc
    def confirm_payment(self, payment_id):
        """After the client's bank check (3-D Secure) of a payment whose checkout answered ``requires_action``: the
        payment as Stripe says it went, answered as its Idempotency-Key answers (a decline is raised)."""
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        return bank_checks.confirm(self.db, self.outbox, self.processor, tenant_id, account_id, payment_id)

    @public_rpc
    def apply_stripe_event(self, payload, signature):
        """Apply an event Stripe signed (the body and ``Stripe-Signature`` header as they arrived) once; return
        ``{"outcome": ...}``. Anyone may call it: the signature, checked here, is what is trusted."""
        if not isinstance(payload, str) or not isinstance(signature, str):
            payload, signature = "", ""  # refused below, like any other unsigned body
        event = stripe_events.verified_event(payload, signature)
        return {"outcome": stripe_events.apply_event(self.db, self.outbox, event)}
