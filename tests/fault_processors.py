"""The payment processor behind billing in the fault tests (tests/test_billing_faults.py): the sandbox, or Stripe's
API played by its local stand-in (portico_testing/fake_stripe.py) with billing's Stripe adapter. Each side does
what a test needs of it in the processor's own terms: a method from the hosted fields, the charges as the
processor's dashboard lists them, a slow network, an address nothing answers at, and billing's adapter."""
import json
import urllib.request

from sqlalchemy import select

from billing.processor import SandboxProcessor
from billing.processor_stripe import StripeProcessor, StripeSettings
from portico_testing import free_port
from sandbox_processor.store import charges


def processor_side(system):
    return StripeSide(system) if system.stripe else SandboxSide(system)


class SandboxSide:
    def __init__(self, system):
        self.system = system

    def method(self, details):
        """Tokenize at the processor (the hosted fields' job): the method billing puts on file."""
        request = urllib.request.Request(f"{self.system.processor_url}/v1/tokens", method="POST",
                                         data=json.dumps(details).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        return {key: answer[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}

    def charges(self, keys=None, key_prefix=None):
        """Charges the processor recorded, by idempotency key (exact keys or a prefix), oldest first."""
        store = self.system.processor_app.extensions["sandbox_store"]
        statement = select(charges)
        if keys is not None:
            statement = statement.where(charges.c.idempotency_key.in_(list(keys)))
        if key_prefix is not None:
            statement = statement.where(charges.c.idempotency_key.startswith(key_prefix, autoescape=True))
        with store.engine.connect() as connection:
            return connection.execute(statement).mappings().all()

    def slow(self, milliseconds):
        """Every answer of the processor comes ``milliseconds`` late from now on (0: on time again)."""
        self.system.processor_app.config["LATENCY_MS"] = milliseconds

    def unreachable(self):
        """Billing's environment pointing it at an address where nothing answers."""
        return {"PAYMENT_PROCESSOR_URL": f"http://127.0.0.1:{free_port()}"}

    def adapter(self):
        return SandboxProcessor(self.system.processor_url, "sk_test_portico", timeout=5)


class StripeSide(SandboxSide):
    def method(self, details):
        """A PaymentMethod made at Stripe from the test card or bank account (Stripe.js's job in the browser)."""
        if details["kind"] == "card":
            params = {"type": "card", "card": {key: details[key] for key in ("number", "exp_month", "exp_year")}}
        else:
            params = {"type": "us_bank_account", "us_bank_account": {
                key: details[key] for key in ("account_number", "routing_number")}}
        made = self.adapter().client.payment_methods.create(params=params).to_dict()
        card = made.get("card") or {}
        return {"token": made["id"], "kind": details["kind"], "brand": card.get("brand", "bank"),
                "last4": (card or made["us_bank_account"])["last4"], "exp_month": card.get("exp_month"),
                "exp_year": card.get("exp_year")}

    def charges(self, keys=None, key_prefix=None):
        rows = self.system.stripe.charges(key_prefix or "")
        return [row for row in rows if keys is None or row["idempotency_key"] in set(keys)]

    def slow(self, milliseconds):
        self.system.stripe.latency = milliseconds / 1000

    def unreachable(self):
        return {"STRIPE_API_BASE": f"http://127.0.0.1:{free_port()}"}

    def adapter(self):
        return StripeProcessor(StripeSettings(self.system.stripe.secret, self.system.stripe.url, timeout=5))

