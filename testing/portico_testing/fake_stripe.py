"""A local stand-in for the parts of Stripe's API that Portico calls, written from Stripe's API reference: no network.

- ``POST /v1/payment_methods`` makes a PaymentMethod from a test card number (``card[number]``) or a test bank
  account (``us_bank_account[account_number]``), as Stripe's hosted fields do in the browser: the tests' way to
  get a new ``pm_…`` that behaves as the number says (CARD_NUMBERS, BANK_ACCOUNTS).
- ``POST /v1/payment_intents`` (form-encoded, as Stripe's library sends it) creates and confirms a PaymentIntent.
  The payment method decides the outcome, as Stripe's test methods do (BEHAVIOURS):
  - ``pm_card_visa`` and ``pm_card_mastercard`` succeed;
  - ``pm_card_chargeDeclined`` is declined; ``pm_card_chargeDeclinedInsufficientFunds`` for insufficient funds;
    ``pm_card_chargeDeclinedProcessingError`` with a processing error;
  - ``pm_card_authenticationRequired`` asks for the bank's check: a 402 ``authentication_required`` off-session,
    ``requires_action`` on-session;
  - ``pm_usBankAccount_success`` is a bank debit: ``processing``, as Stripe leaves it for days.
  - Any other id is ``resource_missing``. A method named ``cus_…/pm_…`` by its customer must come with that customer.
- **Idempotency as Stripe's:** the same ``Idempotency-Key`` with the same parameters replays the first answer
  (``Idempotent-Replayed: true``); with other parameters it is refused with ``idempotency_error``.
- ``GET /v1/payment_intents?customer=…&created[gte]=…`` lists a customer's PaymentIntents, newest first.
- ``POST /v1/payment_methods/<id>/detach`` detaches a method.
- ``POST /v1/refunds`` refunds part or all of a PaymentIntent that went through (``server.refunds``).
- ``POST /v1/customers``, ``POST /v1/setup_intents`` and ``GET /v1/setup_intents/<id>`` for methods saved in Stripe's
  fields; ``GET /v3/`` serves the stand-in's Stripe.js (fake_stripe.js), which confirms a SetupIntent from the
  browser with the publishable key (PUBLISHABLE), after the bank's check when the card asks for one
  (fake_stripe_setup.py).
- A request without the secret key (``Authorization: Bearer …``) is answered 401.

``server.script`` holds answers (status, body, delay in seconds) to give first, one per request;
``server.latency`` (seconds) delays every answer after the work is done, as a slow network would;
``server.requests`` records what arrived (method, path, form, idempotency key); ``server.intents`` holds every
PaymentIntent made, and ``server.charges()`` reads them as the charges a processor's dashboard lists.
"""
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from portico_testing.fake_stripe_setup import SetupIntents, browser_call
from portico_testing.fake_stripe_shared import AUTHENTICATE, PROCESSING, SUCCEED, error
from portico_testing.http_stand_in import serving

SECRET = "sk_test_portico_fake_stripe_secret"
PUBLISHABLE = "pk_test_portico_fake_stripe"  # what the portal's pages give Stripe.js
BEHAVIOURS = {  # Stripe's test PaymentMethods: a decline is (code, decline code, message)
    "pm_card_visa": SUCCEED, "pm_card_mastercard": SUCCEED, "pm_card_authenticationRequired": AUTHENTICATE,
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": ("card_declined", "insufficient_funds",
                                                "Your card has insufficient funds."),
    "pm_card_chargeDeclinedProcessingError": ("processing_error", None,
                                              "An error occurred while processing your card. Try again."),
    "pm_usBankAccount_success": PROCESSING}
CARD_NUMBERS = {"4242424242424242": ("visa", "pm_card_visa"), "5555555555554444": ("mastercard", "pm_card_mastercard"),
                "4000000000000002": ("visa", "pm_card_chargeDeclined"),
                "4000000000009995": ("visa", "pm_card_chargeDeclinedInsufficientFunds"),
                "4000000000000119": ("visa", "pm_card_chargeDeclinedProcessingError"),
                "4000002500003155": ("visa", "pm_card_authenticationRequired")}
BANK_ACCOUNTS = {"000123456789": "pm_usBankAccount_success"}


def nested(pairs):
    """Stripe's form encoding (``metadata[key]=value``) as nested dicts."""
    found = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = found
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return found


class FakeStripe(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.handle_call("GET", nested(parse_qsl(urlsplit(self.path).query)))

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if len(raw) < length:  # the caller died mid-request: as Stripe, act on no part of it
            return
        self.handle_call("POST", nested(parse_qsl(raw.decode())))

    def do_OPTIONS(self):  # noqa: N802 - a browser asks before calling from the portal's page
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.end_headers()

    def handle_call(self, method, form):
        path = urlsplit(self.path).path
        key = self.headers.get("Idempotency-Key")
        self.server.requests.append({"method": method, "path": path, "form": form, "idempotency_key": key})
        if path == "/v3/":
            return self.answer_script()
        if self.headers.get("Authorization") == f"Bearer {PUBLISHABLE}" and browser_call(path):
            with self.server.lock:
                return self.answer(*self.server.browser_route(path, form))
        if self.headers.get("Authorization") != f"Bearer {self.server.secret}":
            return self.answer(401, error("invalid_request_error", None, "Invalid API Key provided."))
        if self.server.script:
            status, body, delay = self.server.script.pop(0)
            time.sleep(delay)
            return self.answer(status, body)
        with self.server.lock:
            answer = self.server.route(method, path, key, form)
        time.sleep(self.server.latency)
        self.answer(*answer)

    def answer_script(self):
        data = (Path(__file__).with_name("fake_stripe.js")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self, status, body, replayed=False):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{next(self.server.ids):014d}")
        if replayed:
            self.send_header("Idempotent-Replayed", "true")
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    def log_message(self, *args):
        pass


class FakeStripeServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeStripe)
        self.secret, self.requests, self.script, self.intents, self.latency = SECRET, [], [], [], 0.0
        self.lock, self.answers, self.detached, self.ids = threading.Lock(), {}, set(), itertools.count(1)
        self.methods = {}  # made by POST /v1/payment_methods: id -> behaviour
        self.method_details, self.refunds, self.setups = {}, [], SetupIntents()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, method, path, key, form):
        """(status, body[, replayed]) of one call, made under the server's lock."""
        if method == "POST" and path == "/v1/payment_intents":
            return self.once(key, form, lambda: self.create_intent(form))
        if method == "GET" and path == "/v1/payment_intents":
            return 200, self.list_intents(form)
        if path.startswith("/v1/payment_intents/pi_"):
            return self.intent_call(method, path.split("/")[3], path.split("/")[4:])
        if method == "POST" and path == "/v1/refunds":
            return self.once(key, form, lambda: self.create_refund(form))
        if method == "POST" and path == "/v1/payment_methods":
            return self.once(key, form, lambda: self.create_method(form))
        if method == "POST" and path == "/v1/customers":
            return self.once(key, form, lambda: (200, {"id": f"cus_{next(self.ids):014d}", "object": "customer",
                                                       "metadata": form.get("metadata", {})}))
        if method == "POST" and path == "/v1/setup_intents":
            return self.once(key, form, lambda: self.setups.create(form, next(self.ids)))
        if method == "GET" and path.startswith("/v1/setup_intents/"):
            return self.setups.retrieve(path.split("/")[3], self.method_details)
        if method == "POST" and path.startswith("/v1/payment_methods/") and path.endswith("/detach"):
            return self.detach(path.split("/")[3])
        return 404, error("invalid_request_error", "resource_missing", f"Unrecognized request URL ({path}).")

    def intent_call(self, method, intent_id, action):
        """Retrieve a PaymentIntent, or cancel one that waits for the client's bank check."""
        intent = next((intent for intent in self.intents if intent["id"] == intent_id), None)
        if intent is None:
            return 404, error("invalid_request_error", "resource_missing", f"No such payment_intent: '{intent_id}'")
        if method == "POST" and action == ["cancel"]:
            if intent["status"] not in ("requires_action", "requires_payment_method"):
                return 400, error("invalid_request_error", "payment_intent_unexpected_state",
                                  f"This PaymentIntent's status is {intent['status']}.")
            intent["status"] = "canceled"
        return 200, intent

    def authenticate_intent(self, intent_id, form):
        """The client's bank check of a PaymentIntent, passed or failed in the stand-in's window (fake_stripe.js)."""
        intent = next((intent for intent in self.intents if intent["id"] == intent_id), None)
        if intent is None or intent["status"] != "requires_action":
            return 400, error("invalid_request_error", "payment_intent_unexpected_state", "Nothing to authenticate.")
        if form.get("passed") == "true":
            intent["status"] = "succeeded"
        else:
            self.decline(intent, "payment_intent_authentication_failure", None,
                         "We are unable to authenticate your payment method.")
        return 200, intent

    def behaviour(self, method):
        return None if method in self.detached else self.methods.get(method) or BEHAVIOURS.get(method)

    def create_method(self, form):
        """A new PaymentMethod behaving as its test card number or bank account does."""
        number = "".join(char for char in str((form.get("card") or {}).get("number", "")) if char.isdigit())
        account = str((form.get("us_bank_account") or {}).get("account_number", ""))
        if form.get("type") == "card" and number in CARD_NUMBERS:
            brand, like = CARD_NUMBERS[number]
            details = {"type": "card", "card": {"brand": brand, "last4": number[-4:],
                                                "exp_month": int(form["card"].get("exp_month") or 12),
                                                "exp_year": int(form["card"].get("exp_year") or 2031)}}
        elif form.get("type") == "us_bank_account" and account in BANK_ACCOUNTS:
            like = BANK_ACCOUNTS[account]
            details = {"type": "us_bank_account", "us_bank_account": {"bank_name": "STRIPE TEST BANK",
                                                                      "last4": account[-4:]}}
        else:
            return 402, error("card_error", "incorrect_number", "Your card number is incorrect.")
        method = {"id": f"pm_{next(self.ids):024d}", "object": "payment_method", "customer": None, **details}
        self.methods[method["id"]] = BEHAVIOURS[like]
        self.method_details[method["id"]] = method
        return 200, method

    def browser_route(self, path, form):
        """What Stripe.js asks from the client's browser, with the publishable key: a SetupIntent confirmed with
        what was typed in the fields, or after the bank's check; a PaymentIntent after the bank's check."""
        setup_id, action = path.split("/")[3], path.split("/")[4]
        if setup_id.startswith("pi_"):
            return self.authenticate_intent(setup_id, form)
        if action == "confirm":
            made, method = self.create_method(form.get("payment_method_data") or {})
            if made != 200:
                return made, method
            return self.setups.confirm(setup_id, method, self.methods[method["id"]], next(self.ids))
        return self.setups.authenticate(setup_id)

    def create_refund(self, form):
        """A Refund of a PaymentIntent that went through: never more than what is left of it; ``pending`` for a bank
        debit's, as Stripe's take days."""
        intent = next((intent for intent in self.intents if intent["id"] == form.get("payment_intent")), None)
        if intent is None or intent["status"] not in ("succeeded", "processing"):
            return 400, error("invalid_request_error", "resource_missing",
                              f"No such payment_intent: '{form.get('payment_intent')}'")
        amount = int(form.get("amount") or intent["amount"])
        refunded = sum(refund["amount"] for refund in self.refunds if refund["payment_intent"] == intent["id"])
        if amount <= 0 or refunded + amount > intent["amount"]:
            return 400, error("invalid_request_error", "amount_too_large",
                              "Refund amount is greater than unrefunded amount on charge.")
        refund = {"id": f"re_{next(self.ids):024d}", "object": "refund", "amount": amount,
                  "payment_intent": intent["id"], "metadata": form.get("metadata", {}),
                  "status": "pending" if intent["status"] == "processing" else "succeeded"}
        self.refunds.append(refund)
        return 200, refund

    def charges(self, key_prefix=""):
        """Every PaymentIntent made under a key starting ``key_prefix``, oldest first, read as a processor's
        charges: {idempotency_key, amount, status, id, token} with the sandbox's statuses (a bank debit under way succeeded)."""
        rows = []
        for intent in self.intents:
            key, failure = intent["metadata"].get("portico_key", ""), intent["last_payment_error"] or {}
            if not key.startswith(key_prefix):
                continue
            status = ("succeeded" if intent["status"] in ("succeeded", "processing") else
                      "insufficient_funds" if failure.get("decline_code") == "insufficient_funds" else
                      "failed" if failure.get("code") == "processing_error" else "declined")
            token = "/".join(part for part in (intent["customer"], intent["payment_method"]) if part)
            rows.append({"idempotency_key": key, "amount": intent["amount"], "status": status, "id": intent["id"],
                         "token": token})
        return rows

    def once(self, key, form, make):
        """Answer a key's first request by ``make``, its repeats with the same answer; refuse a changed request."""
        if key is None:
            return make()
        if key in self.answers:
            first_form, answer = self.answers[key]
            if first_form != form:
                return 400, error("idempotency_error", None, "Keys for idempotent requests can only be used with "
                                                              "the same parameters they were first used with.")
            return (*answer, True)
        answer = make()
        self.answers[key] = (form, answer)
        return answer

    def create_intent(self, form):
        method, customer = form.get("payment_method", ""), form.get("customer")
        behaviour = self.behaviour(method)
        if behaviour is None:
            return 400, error("invalid_request_error", "resource_missing", f"No such PaymentMethod: '{method}'")
        intent = {"id": f"pi_{next(self.ids):024d}", "object": "payment_intent", "amount": int(form["amount"]),
                  "currency": form["currency"], "customer": customer, "payment_method": method,
                  "description": form.get("description"), "metadata": form.get("metadata", {}),
                  "created": int(time.time()), "status": "succeeded", "last_payment_error": None}
        self.intents.append(intent)
        if behaviour == AUTHENTICATE:
            if form.get("off_session") != "true":
                intent["status"] = "requires_action"
                intent["client_secret"] = f"{intent['id']}_secret_{len(self.intents)}"
                return 200, intent
            return self.decline(intent, "authentication_required", None, "Your card requires authentication.")
        if behaviour == PROCESSING:
            intent["status"] = "processing"
        elif behaviour != SUCCEED:
            return self.decline(intent, *behaviour)
        return 200, intent

    @staticmethod
    def decline(intent, code, decline_code, message):
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {"type": "card_error", "code": code, "decline_code": decline_code,
                                        "message": message}
        return 402, error("card_error", code, message, decline_code=decline_code, payment_intent=intent)

    def list_intents(self, query):
        since = int((query.get("created") or {}).get("gte") or 0)
        found = [intent for intent in reversed(self.intents) if intent["created"] >= since
                 and query.get("customer") in (None, intent["customer"])]
        return {"object": "list", "url": "/v1/payment_intents", "has_more": False,
                "data": found[:int(query.get("limit") or 10)]}

    def detach(self, method):
        if self.behaviour(method) is None:
            return 400, error("invalid_request_error", "resource_missing", f"No such PaymentMethod: '{method}'")
        self.detached.add(method)
        return 200, {"id": method, "object": "payment_method", "customer": None}


def fake_stripe():
    return serving(FakeStripeServer())
