"""Charges through Stripe's PaymentIntents API, with Stripe's own Python library (``PAYMENT_PROCESSOR=stripe``).

Billing holds, for a method on file, only what Stripe needs to charge it again: the customer and the payment
method Stripe made from its hosted fields, written ``cus_…/pm_…`` in the method's token (a method not saved to a
customer is ``pm_…`` alone). Card numbers never reach Portico.

- **A charge** is one PaymentIntent created and confirmed at once, with Portico's idempotency key as Stripe's
  ``Idempotency-Key`` (so a retry gets the first answer, never a second charge) and in its metadata
  (``portico_key``). ``off_session`` says the client is not there to answer their bank: autopay and charge runs.
- **Finding a charge** after an outage lists the PaymentIntents made since the key's payment was (the customer's
  only, when the method is on one), which Stripe answers from its own records at once, and picks the one whose
  metadata holds the key. (Stripe's search
  API would find it by metadata alone, but its index may lag by a minute or more.)
- **A bank debit** (ACH) is ``processing`` for days: Portico takes it as paid, and Stripe's later
  ``payment_intent.payment_failed`` event takes it back (stripe_events.py).
- **Declines** come back as the same statuses as the sandbox's: ``declined``, ``insufficient_funds``; a bank
  asking for the client (``authentication_required``) off-session is a decline with its own message.
- **A refund** is a Refund of the PaymentIntent, under its own key (``Idempotency-Key`` and metadata), as a charge.
- **Unknown outcomes** (no answer, Stripe's 5xx, a rate limit) raise ProcessorUnavailable; Stripe refusing the
  request itself (a bad key, an unknown method) raises ProcessorError. The library retries network failures
  itself, with the same key.

The secret key never reaches a log, a repr or an error text.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import stripe

from billing.processor import (REQUIRES_ACTION, ChargeResult, ProcessorError, ProcessorUnavailable,
                               RefundResult)
from shared.i18n import N_, _

# Stripe's decline codes that Portico tells apart; any other decline is "declined".
INSUFFICIENT_FUNDS = frozenset({"insufficient_funds"})
AUTHENTICATION_REQUIRED = N_("Your bank asks you to confirm this payment. Pay it from the portal to confirm it "
                             "with your bank.")
DECLINED = N_("The card was declined.")
NOT_CONFIRMED = N_("The payment was not confirmed with the bank in time. Nothing was charged.")
NOT_PROCESSED = N_("The payment could not be processed. Try again later, or with another method.")
BANK_DEBIT_CLEARING = N_("Bank payments take up to four business days to clear.")
REFUND_FAILED = N_("The payment processor could not send the money back. Nothing was refunded.")
SETUP_TYPES = {"card": "card", "ach": "us_bank_account"}  # Portico's kinds of method, as Stripe names them
LOOK_BACK = timedelta(days=2)  # Stripe keeps an idempotency key's answer for 24 hours; a pending payment is younger


@dataclass(frozen=True)
class StripeSettings:
    secret_key: str = field(repr=False)
    api_base: str | None = None  # a local stand-in's address, in tests
    timeout: float = 10.0
    network_retries: int = 2

    def __post_init__(self):
        if not (self.secret_key or "").startswith(("sk_test_", "sk_live_", "rk_test_", "rk_live_")):
            raise ValueError("PAYMENT_PROCESSOR 'stripe' needs STRIPE_SECRET_KEY, a secret or restricted key "
                             "(sk_test_…, sk_live_…) from the Stripe dashboard")

    @property
    def live(self):
        return self.secret_key.startswith(("sk_live_", "rk_live_"))


def split_token(token):
    """(customer or None, payment method) from a token billing holds."""
    customer, _slash, method = token.rpartition("/")
    return customer or None, method


class StripeProcessor:
    """The PaymentProcessor interface (billing/processor.py) over Stripe's API."""

    name = "stripe"

    def __init__(self, settings):
        self.settings = settings
        self.mode = "live" if settings.live else "test"  # as the key says: Stripe's test keys charge nothing real
        http_client = stripe.RequestsClient(timeout=settings.timeout)
        self.client = stripe.StripeClient(
            settings.secret_key, http_client=http_client, max_network_retries=settings.network_retries,
            base_addresses={"api": settings.api_base} if settings.api_base else None)

    def charge(self, token, amount, currency, idempotency_key, description=None, off_session=True):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive whole number of minor units")
        customer, method = split_token(token)
        params = {"amount": amount, "currency": currency.lower(), "payment_method": method, "confirm": True,
                  "metadata": {"portico_key": idempotency_key},
                  # Cards and bank debits only: nothing that would send the client to another site.
                  "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"}}
        if customer:
            params["customer"] = customer
        if off_session:
            params["off_session"] = True
        if description:
            params["description"] = description[:1000]
        try:
            intent = self.client.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.CardError as error:
            return declined(error)
        except stripe.StripeError as error:
            raise translated(error) from None
        return outcome(intent, client_there=not off_session)

    def find_charge(self, idempotency_key, token=None, since=None):
        """The charge made with ``idempotency_key`` (on ``token``'s customer, when it has one) since ``since``; None
        when there is none. Without a customer, every PaymentIntent made since then is looked through."""
        customer, _method = split_token(token or "")
        since = since or datetime.now(timezone.utc) - LOOK_BACK
        params = {"created": {"gte": int((since - timedelta(minutes=5)).timestamp())}, "limit": 100}
        if customer:
            params["customer"] = customer
        try:
            for intent in self.client.payment_intents.list(params=params).auto_paging_iter():
                if intent.to_dict().get("metadata", {}).get("portico_key") == idempotency_key:
                    return outcome(self.unless_abandoned(intent))
        except stripe.StripeError as error:
            raise translated(error) from None
        return None

    def unless_abandoned(self, intent):
        """The PaymentIntent, cancelled first if it still waits for the client's bank check: asked about it, billing
        settles the payment, which must never go through afterwards. Stripe refusing the cancel means the check was
        just passed: the PaymentIntent as it is now."""
        if intent["status"] != "requires_action":
            return intent
        try:
            return self.client.payment_intents.cancel(intent["id"])
        except stripe.InvalidRequestError:
            return self.client.payment_intents.retrieve(intent["id"])

    def detach(self, token):
        _customer, method = split_token(token)
        try:
            self.client.payment_methods.detach(method)
        except stripe.InvalidRequestError as error:
            if error.code != "resource_missing" and "not attached" not in (error.user_message or str(error)):
                raise translated(error) from None  # already gone is what was asked
        except stripe.StripeError as error:
            raise translated(error) from None

    def refund(self, charge_id, amount, idempotency_key):
        params = {"payment_intent": charge_id, "amount": amount, "metadata": {"portico_key": idempotency_key}}
        try:
            refund = self.client.refunds.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise translated(error) from None
        refund = refund.to_dict()
        if refund["status"] in ("succeeded", "pending"):  # pending: a bank refund on its way
            return RefundResult("succeeded", refund["id"])
        if refund["status"] in ("failed", "canceled"):
            return RefundResult("failed", refund["id"], _(REFUND_FAILED))
        raise ProcessorUnavailable(f"The refund is {refund['status']} at Stripe.")


    # --- methods saved from Stripe's own fields (stripe_setup.py) ---

    def create_customer(self, idempotency_key, metadata):
        """A customer to save an account's methods to: one per key, however often asked."""
        try:
            return self.client.customers.create(params={"metadata": metadata},
                                                options={"idempotency_key": idempotency_key}).id
        except stripe.StripeError as error:
            raise translated(error) from None

    def start_setup(self, customer, kinds, metadata):
        """A SetupIntent for the browser to confirm in Stripe's fields: ``{id, client_secret}``."""
        params = {"customer": customer, "usage": "off_session", "metadata": metadata,
                  "payment_method_types": [SETUP_TYPES[kind] for kind in kinds]}
        try:
            intent = self.client.setup_intents.create(params=params)
        except stripe.StripeError as error:
            raise translated(error) from None
        return {"id": intent.id, "client_secret": intent.client_secret}

    def setup_outcome(self, setup_id):
        """The SetupIntent as a dict, its payment method expanded; ProcessorError when Stripe knows none."""
        try:
            return self.client.setup_intents.retrieve(setup_id, params={"expand": ["payment_method"]}).to_dict()
        except stripe.StripeError as error:
            raise translated(error) from None


def outcome(intent, client_there=False):
    """A PaymentIntent's state (the library's object, or the dict in an error's body) as a ChargeResult. A bank's
    check is the client's to pass when they are ``client_there`` (paying in the portal), else a decline."""
    intent = intent.to_dict() if hasattr(intent, "to_dict") else intent
    status, error = intent["status"], intent.get("last_payment_error") or {}
    if status == "succeeded":
        return ChargeResult("succeeded", intent["id"], "")
    if status in ("requires_payment_method", "canceled") and error:
        return decline(intent["id"], error.get("code"), error.get("decline_code"))
    if status == "requires_action" and client_there:
        return ChargeResult(REQUIRES_ACTION, intent["id"], "", intent.get("client_secret") or "")
    if status == "requires_action":
        return ChargeResult("declined", intent["id"], _(AUTHENTICATION_REQUIRED))
    if status == "canceled":  # cancelled while it waited for the client's bank check (unless_abandoned)
        return ChargeResult("declined", intent["id"], _(NOT_CONFIRMED))
    if status == "processing":  # a bank debit: taken as paid now; should the bank return it, an event says so
        return ChargeResult("succeeded", intent["id"], _(BANK_DEBIT_CLEARING))
    # Anything newer: not an answer to settle on.
    raise ProcessorUnavailable(f"The payment is {status} at Stripe.")


def declined(error):
    """A CardError (Stripe's 402) as the decline it is, with the PaymentIntent it names."""
    intent = (error.json_body or {}).get("error", {}).get("payment_intent") or {}
    return decline(intent.get("id") or "", error.code, error.error.decline_code if error.error else None)


def decline(intent_id, code, decline_code):
    if code == "authentication_required":
        return ChargeResult("declined", intent_id, _(AUTHENTICATION_REQUIRED))
    if decline_code in INSUFFICIENT_FUNDS:
        return ChargeResult("insufficient_funds", intent_id, _("The card has insufficient funds."))
    if code == "processing_error":  # the card network failed, not the card: "failed", as the sandbox says
        return ChargeResult("failed", intent_id, _(NOT_PROCESSED))
    return ChargeResult("declined", intent_id, _(DECLINED))


def translated(error):
    """Stripe's error as the interface's: the outcome unknown, or the request refused."""
    if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)) or (error.http_status or 0) >= 500:
        return ProcessorUnavailable("Stripe did not answer.")
    return ProcessorError(error.code or type(error).__name__, error.user_message or _("Stripe refused the request."),
                          error.http_status or 400)
