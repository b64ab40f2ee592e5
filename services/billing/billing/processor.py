"""The payment processor billing charges: an interface and its adapter to the sandbox processor.

Card and bank numbers never come here. The browser gives them to the processor's hosted fields
and billing only ever holds the token it gets back (with kind, brand, last 4 and expiry).
"""
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urlencode

from shared.config import env
from shared.errors import ServiceUnavailable

CHARGE_STATUSES = ("succeeded", "declined", "insufficient_funds", "failed")


@dataclass(frozen=True)
class ChargeResult:
    """The processor's answer to one charge: a status from CHARGE_STATUSES and its message."""

    status: str
    charge_id: str
    message: str

    @property
    def succeeded(self):
        return self.status == "succeeded"


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
    def charge(self, token: str, amount: int, currency: str, idempotency_key: str,
               description: str | None = None) -> ChargeResult:
        """Charge ``amount`` minor units to ``token`` at most once per ``idempotency_key``."""

    def find_charge(self, idempotency_key: str) -> ChargeResult | None:
        """Return the charge made with ``idempotency_key``, or None when there was none."""

    def detach(self, token: str) -> None:
        """Make ``token`` unusable at the processor; a token it does not know is already gone."""


class SandboxProcessor:
    """The sandbox processor (``sandbox/``) over HTTP, with a timeout on every call."""

    def __init__(self, base_url, secret, timeout=10.0):
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def charge(self, token, amount, currency, idempotency_key, description=None):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive whole number of minor units")
        payload = {"token": token, "amount": amount, "currency": currency,
                   "idempotency_key": idempotency_key}
        if description is not None:
            payload["description"] = description
        return _result(self._call("POST", "/v1/charges", payload))

    def find_charge(self, idempotency_key):
        body = self._call("GET", "/v1/charges?" + urlencode({"idempotency_key": idempotency_key}),
                          missing_code="no_such_charge")
        return None if body is None else _result(body)

    def detach(self, token):
        self._call("DELETE", f"/v1/tokens/{quote(token, safe='')}", missing_code="no_such_token")

    def _call(self, method, path, payload=None, missing_code=None):
        """Send one request; return its JSON body, or None for the processor's 404 ``missing_code``.

        Any other 404 (a wrong URL, a proxy's page) is an error: "no such charge" must only
        ever come from the processor itself.
        """
        request = urllib.request.Request(
            self.base_url + path, method=method,
            data=None if payload is None else json.dumps(payload).encode(),
            headers={"Authorization": f"Bearer {self.secret}", "Accept": "application/json",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            body = _json_or_none(_read_quietly(error))
            details = body.get("error") if isinstance(body, dict) else None
            details = details if isinstance(details, dict) else {}
            if error.code == 404 and missing_code and details.get("code") == missing_code:
                return None
            if error.code >= 500:
                # The processor may have charged before it failed: the outcome is unknown.
                raise ProcessorUnavailable(
                    f"The payment processor failed ({error.code}).") from None
            message = details.get("message", f"The payment processor answered {error.code}.")
            raise ProcessorError(details.get("code", "error"), message, error.code) from None
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            raise ProcessorUnavailable("The payment processor did not answer.") from error
        if not raw:
            return {}
        body = _json_or_none(raw)
        if not isinstance(body, dict):
            raise ProcessorUnavailable("The payment processor's answer was not understood.")
        return body


def processor_from_env():
    """Return the processor configured by PAYMENT_PROCESSOR_URL and PAYMENT_PROCESSOR_SECRET."""
    return SandboxProcessor(env("PAYMENT_PROCESSOR_URL", "http://127.0.0.1:8100"),
                            env("PAYMENT_PROCESSOR_SECRET", "sk_test_portico"),
                            env("PAYMENT_PROCESSOR_TIMEOUT_SECONDS", 10.0, float))


def _result(body):
    status = body.get("status")
    if status not in CHARGE_STATUSES or not body.get("id"):
        raise ProcessorUnavailable("The payment processor's answer was not understood.")
    return ChargeResult(status=status, charge_id=body["id"], message=body.get("message", ""))


def _read_quietly(error):
    try:
        with error:
            return error.read()
    except (OSError, http.client.HTTPException, AttributeError):
        return b""


def _json_or_none(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None
