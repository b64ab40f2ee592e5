"""A local stand-in for the parts of Stripe's API that Portico calls, written from Stripe's API reference: no network.

- ``POST /v1/payment_intents`` (form-encoded, as Stripe's library sends it) creates and confirms a PaymentIntent.
  The payment method's id decides the outcome, as Stripe's test methods do:
  - ``pm_card_visa`` succeeds;
  - ``pm_card_chargeDeclined`` is declined;
  - ``pm_card_chargeDeclinedInsufficientFunds`` is declined for insufficient funds;
  - ``pm_card_authenticationRequired`` asks for the bank's check: a 402 ``authentication_required`` off-session,
    ``requires_action`` on-session.
  - Any other id is ``resource_missing``. A method named ``cus_…/pm_…`` by its customer must come with that customer.
- **Idempotency as Stripe's:** the same ``Idempotency-Key`` with the same parameters replays the first answer
  (``Idempotent-Replayed: true``); with other parameters it is refused with ``idempotency_error``.
- ``GET /v1/payment_intents?customer=…&created[gte]=…`` lists a customer's PaymentIntents, newest first.
- ``POST /v1/payment_methods/<id>/detach`` detaches a method.
- A request without the secret key (``Authorization: Bearer …``) is answered 401.

``server.script`` holds answers (status, body, delay in seconds) to give first, one per request;
``server.requests`` records what arrived (method, path, form, idempotency key); ``server.intents`` holds every
PaymentIntent made.
"""
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from portico_testing.http_stand_in import serving

SECRET = "sk_test_portico_fake_stripe_secret"
DECLINES = {"pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
            "pm_card_chargeDeclinedInsufficientFunds": ("card_declined", "insufficient_funds",
                                                        "Your card has insufficient funds.")}
KNOWN = {"pm_card_visa", "pm_card_authenticationRequired", *DECLINES}


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
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.handle_call("POST", nested(parse_qsl(raw)))

    def handle_call(self, method, form):
        path = urlsplit(self.path).path
        key = self.headers.get("Idempotency-Key")
        self.server.requests.append({"method": method, "path": path, "form": form, "idempotency_key": key})
        if self.headers.get("Authorization") != f"Bearer {self.server.secret}":
            return self.answer(401, error("invalid_request_error", None, "Invalid API Key provided."))
        if self.server.script:
            status, body, delay = self.server.script.pop(0)
            time.sleep(delay)
            return self.answer(status, body)
        with self.server.lock:
            if method == "POST" and path == "/v1/payment_intents":
                return self.answer(*self.server.once(key, form, lambda: self.server.create_intent(form)))
            if method == "GET" and path == "/v1/payment_intents":
                return self.answer(200, self.server.list_intents(form))
            if method == "POST" and path.startswith("/v1/payment_methods/") and path.endswith("/detach"):
                return self.answer(*self.server.detach(path.split("/")[3]))
        self.answer(404, error("invalid_request_error", "resource_missing", f"Unrecognized request URL ({path})."))

    def answer(self, status, body, replayed=False):
        data = json.dumps(body).encode()
        self.send_response(status)
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


def error(kind, code, message, **more):
    return {"error": {"type": kind, "code": code, "message": message, **more}}


class FakeStripeServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeStripe)
        self.secret, self.requests, self.script, self.intents = SECRET, [], [], []
        self.lock, self.answers, self.detached, self.ids = threading.Lock(), {}, set(), itertools.count(1)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

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
        if method not in KNOWN or method in self.detached:
            return 400, error("invalid_request_error", "resource_missing", f"No such PaymentMethod: '{method}'")
        intent = {"id": f"pi_{next(self.ids):024d}", "object": "payment_intent", "amount": int(form["amount"]),
                  "currency": form["currency"], "customer": customer, "payment_method": method,
                  "description": form.get("description"), "metadata": form.get("metadata", {}),
                  "created": int(time.time()), "status": "succeeded", "last_payment_error": None}
        self.intents.append(intent)
        off_session = form.get("off_session") == "true"
        if method == "pm_card_authenticationRequired":
            if not off_session:
                intent["status"] = "requires_action"
                return 200, intent
            return self.decline(intent, "authentication_required", None, "Your card requires authentication.")
        if method in DECLINES:
            return self.decline(intent, *DECLINES[method])
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
        if method not in KNOWN or method in self.detached:
            return 400, error("invalid_request_error", "resource_missing", f"No such PaymentMethod: '{method}'")
        self.detached.add(method)
        return 200, {"id": method, "object": "payment_method", "customer": None}


def fake_stripe():
    return serving(FakeStripeServer())
