"""Texts through Twilio's Programmable Messaging API, with Twilio's own Python library (``SMS_PROVIDER=twilio``).

The library builds the request (``POST /2010-04-01/Accounts/<sid>/Messages.json``, form fields ``To``, ``From`` or
``MessagingServiceSid``, ``Body``, HTTP basic auth with the account SID and auth token) and reads Twilio's answers
and error bodies (``TwilioRestException`` with the HTTP status and Twilio's error code). Portico adds three things:

- an optional base URL (``TWILIO_API_URL``) in place of ``https://api.twilio.com``, for a local stand-in: the
  library's documented extension point, a custom ``http_client``, rewrites the scheme and host of each request;
- no retries inside the library: a failure goes back to the courier, which retries on its schedule;
- Twilio's refusals sorted into "for good" and "later" (``SmsNotSent.permanent``), which ``is_permanent`` reads.

The auth token never reaches a log, a repr or an error text.
"""
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.sms import SmsNotSent, SmsProvider
from shared.config import env

ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
MESSAGING_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# Twilio answers a refusal with a 4xx and an error code; these codes mean "not now", not "never".
LATER_CODES = frozenset({
    20429,  # too many requests
    21611,  # the sender has too many messages queued
})
# Statuses that mean "not now": a timeout, a rate limit, and credentials being wrong (fixed by configuration,
# after which the waiting texts go out, as for an SMTP server that refuses the login).
LATER_STATUSES = frozenset({401, 408, 429})
# Twilio's message statuses that say, in the answer itself, that the text will not go.
REFUSED_STATUSES = frozenset({"failed", "undelivered", "canceled"})


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str = field(repr=False)
    sender: str | None = None  # TWILIO_FROM: an E.164 number or an alphanumeric sender id
    messaging_service_sid: str | None = None
    api_url: str | None = None
    edge: str | None = None
    region: str | None = None

    def __post_init__(self):
        if not ACCOUNT_SID.fullmatch(self.account_sid or ""):
            raise ValueError("TWILIO_ACCOUNT_SID must be your account's SID: AC followed by 32 hex digits")
        if not self.auth_token:
            raise ValueError("SMS_PROVIDER 'twilio' needs TWILIO_AUTH_TOKEN")
        if not (self.sender or self.messaging_service_sid):
            raise ValueError("SMS_PROVIDER 'twilio' needs TWILIO_FROM (a number such as +15550100199) "
                             "or TWILIO_MESSAGING_SERVICE_SID")
        if self.messaging_service_sid and not MESSAGING_SERVICE_SID.fullmatch(self.messaging_service_sid):
            raise ValueError("TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits")
        if self.api_url and urlsplit(self.api_url).scheme not in ("http", "https"):
            raise ValueError("TWILIO_API_URL must be an http(s) address such as http://127.0.0.1:8999")

    @classmethod
    def from_env(cls):
        return cls(account_sid=env("TWILIO_ACCOUNT_SID", ""), auth_token=env("TWILIO_AUTH_TOKEN", ""),
                   sender=env("TWILIO_FROM") or None,
                   messaging_service_sid=env("TWILIO_MESSAGING_SERVICE_SID") or None,
                   api_url=env("TWILIO_API_URL") or None,
                   edge=env("TWILIO_EDGE") or None, region=env("TWILIO_REGION") or None)


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending each request to ``base_url`` instead of Twilio's host (TWILIO_API_URL)."""

    def __init__(self, base_url, timeout):
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url.rstrip("/"))

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        rebased = urlunsplit((self.base.scheme, self.base.netloc, self.base.path + parts.path, parts.query, ""))
        return super().request(method, rebased, *args, **kwargs)


def refusal(error):
    """Turn Twilio's error answer into ``SmsNotSent``: its status and code only (its message can name the number)."""
    status, code = error.status, error.code
    permanent = 400 <= status < 500 and status not in LATER_STATUSES and code not in LATER_CODES
    about = f", Twilio error {code} (https://www.twilio.com/docs/errors/{code})" if code else ""
    return SmsNotSent(f"Twilio answered HTTP {status}{about}", permanent)


class TwilioSmsProvider(SmsProvider):
    """Send each text as one Twilio message; return a note naming Twilio's message SID."""

    def __init__(self, settings, timeout):
        self.settings = settings
        http_client = (RebasedHttpClient(settings.api_url, timeout) if settings.api_url
                       else TwilioHttpClient(timeout=timeout))
        self.client = Client(settings.account_sid, settings.auth_token, http_client=http_client,
                             edge=settings.edge, region=settings.region)

    def send(self, to, text):
        sender = ({"messaging_service_sid": self.settings.messaging_service_sid}
                  if self.settings.messaging_service_sid else {"from_": self.settings.sender})
        if not E164.fullmatch(to or ""):
            raise SmsNotSent("The number is not in international form (+ and country code)", permanent=True)
        try:
            sent = self.client.messages.create(to=to, body=text, **sender)
        except TwilioRestException as error:
            raise refusal(error) from None
        if sent.status in REFUSED_STATUSES:
            raise SmsNotSent(f"Twilio took the text as {sent.sid} but marked it {sent.status}"
                             f"{f', error {sent.error_code}' if sent.error_code else ''}", permanent=True)
        return f"Sent through Twilio as {sent.sid} ({sent.status})."

    def __repr__(self):  # never the auth token
        return f"TwilioSmsProvider(account_sid={self.settings.account_sid!r})"
