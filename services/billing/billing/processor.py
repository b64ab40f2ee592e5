"""The payment processor billing charges: an interface and its adapter to the sandbox processor.

Card and bank numbers never come here. The browser gives them to the processor's hosted fields
and billing only ever holds the token it gets back (with kind, brand, last 4 and expiry).
"""
import http.client
import json
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, urlencode, urlsplit

from shared.config import env
from shared.errors import ServiceUnavailable
from shared.i18n import _

CHARGE_STATUSES = ("succeeded", "declined", "insufficient_funds", "failed")
REQUIRES_ACTION = "requires_action"  # Stripe's only: the client in the portal must confirm with their bank


@dataclass(frozen=True)
class ChargeResult:
    """The processor's answer to one charge: a status from CHARGE_STATUSES and its message; or, for a client paying
    in the portal whose bank asks them to confirm (3-D Secure), ``requires_action`` with the secret their browser
    confirms with at the processor (bank_checks.py)."""

    status: str
    charge_id: str
    message: str
    client_secret: str = field(default="", repr=False)

    @property
    def succeeded(self):
        return self.status == "succeeded"


@dataclass(frozen=True)
class RefundResult:
    """The processor's answer to one refund: ``succeeded`` (or under way: a bank refund takes days) or ``failed``."""

    status: str
    refund_id: str
    message: str = ""


class ProcessorUnavailable(ServiceUnavailable):
    """The processor did not answer, so whether a charge happened is unknown.

    Ask ``find_charge`` with the same idempotency key, or retry ``charge`` with it: the
    processor never charges one key twice.
    """


class ProcessorError(Exception):
    """The processor refused the request itself (unknown token, wrong secret, bad parameters)."""

    def __init__(self, code, message, http_status):
        super().__init__(message)
        self.code, self.message, self.http_status = code, message, http_status


class PaymentProcessor(Protocol):
    name: str  # "sandbox" or "stripe": shown to staff with the mode
    mode: str  # "test" (nothing real is charged) or "live"

    def charge(self, token: str, amount: int, currency: str, idempotency_key: str,
               description: str | None = None, off_session: bool = True) -> ChargeResult:
        """Charge ``amount`` minor units to ``token`` at most once per ``idempotency_key``.

        ``off_session``: the client is not there to answer their bank (autopay, charge runs, staff).
        """

    def find_charge(self, idempotency_key: str, token: str | None = None, since=None) -> ChargeResult | None:
        """Return the charge made with ``idempotency_key`` (on ``token``, not before ``since``), or None."""

    def detach(self, token: str) -> None:
        """Make ``token`` unusable at the processor; a token it does not know is already gone."""

    def refund(self, charge_id: str, amount: int, idempotency_key: str) -> RefundResult:
        """Send ``amount`` of the charge ``charge_id`` back where it came from, at most once per ``idempotency_key``;
        ProcessorError when the processor refuses it (more than is left of the charge, say)."""


class SandboxProcessor:
    """The sandbox processor over HTTP, with a timeout on every call, on connections kept open between calls.

    A connection is used by one call at a time and goes back to ``idle`` after a complete answer;
    opening one per charge cost billing more CPU than the charge's own SQL.
    """

    name, mode = "sandbox", "test"  # a stand-in: nothing real is ever charged

    def __init__(self, base_url, secret, timeout=10.0):
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.netloc, self.prefix = parts.netloc, parts.path
        self.secret = secret
        self.timeout = timeout
        self.idle = []

    def charge(self, token, amount, currency, idempotency_key, description=None, off_session=True):
        # The sandbox never asks for the client's bank, so off_session changes nothing here.
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive whole number of minor units")
        payload = {"token": token, "amount": amount, "currency": currency,
                   "idempotency_key": idempotency_key}
        if description is not None:
            payload["description"] = description
        return _result(self._call("POST", "/v1/charges", payload))

    def find_charge(self, idempotency_key, token=None, since=None):
        body = self._call("GET", "/v1/charges?" + urlencode({"idempotency_key": idempotency_key}),
                          missing_code="no_such_charge")
        return None if body is None else _result(body)

    def detach(self, token):
        self._call("DELETE", f"/v1/tokens/{quote(token, safe='')}", missing_code="no_such_token")

    def refund(self, charge_id, amount, idempotency_key):
        body = self._call("POST", "/v1/refunds", {"charge": charge_id, "amount": amount,
                                                  "idempotency_key": idempotency_key})
        if body.get("status") != "succeeded" or not body.get("id"):
            raise ProcessorUnavailable("The payment processor's answer was not understood.")
        return RefundResult("succeeded", body["id"])

    def _call(self, method, path, payload=None, missing_code=None):
        """Send one request; return its JSON body, or None for the processor's 404 ``missing_code``.

        Any other 404 (a wrong URL, a proxy's page) is an error: "no such charge" must only
        ever come from the processor itself.
        """
        try:
            status, raw = self._exchange(method, path, None if payload is None else json.dumps(payload).encode())
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            raise ProcessorUnavailable("The payment processor did not answer.") from error
        if status >= 400:
            body = _json_or_none(raw)
            details = body.get("error") if isinstance(body, dict) else None
            details = details if isinstance(details, dict) else {}
            if status == 404 and missing_code and details.get("code") == missing_code:
                return None
            if status >= 500:
                # The processor may have charged before it failed: the outcome is unknown.
                raise ProcessorUnavailable(f"The payment processor failed ({status}).")
            message = (details["message"] if "message" in details else
                       _("The payment processor answered %(status)s.", status=status))
            raise ProcessorError(details.get("code", "error"), message, status)
        if not 200 <= status < 300:
            raise ProcessorUnavailable("The payment processor's answer was not understood.")
        if not raw:
            return {}
        body = _json_or_none(raw)
        if not isinstance(body, dict):
            raise ProcessorUnavailable("The payment processor's answer was not understood.")
        return body

    def _exchange(self, method, path, data):
        """Return (status, body) of one request, on an idle connection when there is one.

        A kept connection the processor closed meanwhile fails before any answer: the request goes
        once more on a new connection. Sending it again is safe, as every call is idempotent (a
        charge carries its idempotency key); a timeout is never retried.
        """
        headers = {"Authorization": f"Bearer {self.secret}", "Accept": "application/json",
                   "Content-Type": "application/json"}
        while True:
            reused = bool(self.idle)
            connection = self.idle.pop() if reused else self.connection_class(self.netloc, timeout=self.timeout)
            try:
                connection.request(method, self.prefix + path, body=data, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                if reused:
                    continue
                raise
            except BaseException:
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                self.idle.append(connection)
            return response.status, raw

    def close(self):
        """Close the idle connections."""
        while self.idle:
            self.idle.pop().close()


def processor_from_env():
    """Return the processor PAYMENT_PROCESSOR names: the sandbox (the default) or Stripe (docs/payments.md)."""
    timeout = env("PAYMENT_PROCESSOR_TIMEOUT_SECONDS", 10.0, float)
    kind = env("PAYMENT_PROCESSOR", "sandbox")
    if kind == "stripe":
        from billing.processor_stripe import StripeProcessor, StripeSettings  # the library only where it is used
        return StripeProcessor(StripeSettings(env("STRIPE_SECRET_KEY", ""), env("STRIPE_API_BASE"), timeout))
    if kind != "sandbox":
        raise ValueError(f"PAYMENT_PROCESSOR must be 'sandbox' or 'stripe', not {kind!r}")
    return SandboxProcessor(env("PAYMENT_PROCESSOR_URL", "http://127.0.0.1:8100"),
                            env("PAYMENT_PROCESSOR_SECRET", "sk_test_portico"), timeout)


def _result(body):
    status = body.get("status")
    if status not in CHARGE_STATUSES or not body.get("id"):
        raise ProcessorUnavailable("The payment processor's answer was not understood.")
    return ChargeResult(status=status, charge_id=body["id"], message=body.get("message", ""))


def _json_or_none(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None
