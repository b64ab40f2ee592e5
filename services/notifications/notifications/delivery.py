"""Sending queued messages: SMTP or the local mailbox for email, a provider adapter (HTTP, Twilio) for SMS.

``Courier.deliver_next`` claims one due message, sends it outside any transaction and records
the outcome; a failure is retried after each of ``retry_delays`` and then marked failed.
A claim pushes the message's ``next_attempt_at`` a lease ahead, so a second instance (or a
restart after a crash mid-send) picks it up only once the lease has run out; on PostgreSQL
the claim also skips rows another instance is claiming (``FOR UPDATE SKIP LOCKED``).

A sign-in message is stored with a label where its one-time code or link goes and the secret
sealed beside it (mailbox.py): the courier opens the secret and puts it in place of the label in
the copy it sends only, and drops the sealed secret once the message is sent or has failed for good.

Nothing here logs a message's body, code, link or recipient: only its id and the error class.
"""
import json
import logging
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.branding import DEFAULT_BASE_URL
from notifications.mailbox import secret_binding
from notifications.models import Message
from notifications.sms import SMS_TIMEOUT_SECONDS, SmsNotSent, SmsProvider
from shared.clock import utcnow
from shared.config import env
from shared.sealing import Unsealable

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS_SECONDS = "5,30,120,600"
DEFAULT_MAIL_FROM = "no-reply@portico.localhost"
SMTP_TIMEOUT_SECONDS = 30
# Longer than one SMTP exchange can take, so a lease never runs out while its send is under way.
CLAIM_LEASE = timedelta(seconds=SMTP_TIMEOUT_SECONDS * 4)
KEPT_LOCALLY = "Kept in the local mailbox: no SMTP server is configured (set SMTP_URL to send email)."
UNSEALABLE = ("Unsealable: its one-time code or link does not open with MESSAGE_SECRETS_KEYS (was the key "
              "changed?). The client can ask for a new one.")


# --- settings ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False

    @classmethod
    def from_url(cls, url):
        """Read ``smtp://[user:pass@]host[:port][?starttls=1]`` (or ``smtps://`` for implicit TLS)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://[user:pass@]host:port[?starttls=1]")
        query = parse_qs(parts.query)
        implicit_tls = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit_tls else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
                   implicit_tls=implicit_tls)

    def __repr__(self):  # keep the password out of any traceback or log
        return f"SmtpSettings(host={self.host!r}, port={self.port}, starttls={self.starttls})"


@dataclass(frozen=True)
class DeliverySettings:
    """Where and how messages go, from the environment."""

    base_url: str = DEFAULT_BASE_URL
    mail_from: str = DEFAULT_MAIL_FROM
    smtp: SmtpSettings | None = None
    sms_provider: str = "outbox"
    sms_url: str | None = None
    retry_delays: tuple = (5, 30, 120, 600)
    inbound_domain: str | None = None  # INBOUND_MAIL_DOMAIN: ticket emails get reply+<token>@ this domain

    @classmethod
    def from_env(cls):
        smtp_url = env("SMTP_URL")
        delays = env("DELIVERY_RETRY_DELAYS_SECONDS", DEFAULT_RETRY_DELAYS_SECONDS)
        return cls(base_url=env("PORTICO_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
                   mail_from=env("MAIL_FROM", DEFAULT_MAIL_FROM),
                   smtp=SmtpSettings.from_url(smtp_url) if smtp_url else None,
                   sms_provider=env("SMS_PROVIDER", "outbox"), sms_url=env("SMS_URL"),
                   retry_delays=tuple(float(delay) for delay in delays.split(",")),
                   inbound_domain=env("INBOUND_MAIL_DOMAIN") or None)


# --- email ------------------------------------------------------------------------------

def _one_line(value):
    """Collapse whitespace so a header value can never carry a line break."""
    return re.sub(r"\s+", " ", value or "").strip()


def build_email(message, mail_from):
    """Build the MIME email (plain text and HTML alternatives) of a queued message."""
    email = EmailMessage()
    email["From"] = Address(display_name=_one_line(message.sender_name), addr_spec=mail_from)
    email["To"] = _one_line(message.recipient)
    if message.reply_to:
        email["Reply-To"] = _one_line(message.reply_to)
    email["Subject"] = _one_line(message.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"portico.{message.id}", domain=mail_from.rpartition("@")[2])
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


class SmtpTransport:
    """Send email through an SMTP server (one connection per message).

    Under the service's eventlet monkey patching smtplib's sockets are green, so a slow
    server only parks this green thread, never the hub.
    """

    def __init__(self, settings, mail_from):
        self.settings = settings
        self.mail_from = mail_from

    def send(self, message):
        settings = self.settings
        connect = smtplib.SMTP_SSL if settings.implicit_tls else smtplib.SMTP
        extra = {"context": ssl.create_default_context()} if settings.implicit_tls else {}
        with connect(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS, **extra) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(build_email(message, self.mail_from))
        return f"Sent through {settings.host}:{settings.port}."


class LocalMailbox:
    """Keep email in the mailbox table only: the embedded default, which needs no mail server."""

    def send(self, message):
        return KEPT_LOCALLY


def email_transport(settings):
    return SmtpTransport(settings.smtp, settings.mail_from) if settings.smtp else LocalMailbox()


# --- SMS --------------------------------------------------------------------------------

class OutboxSmsProvider(SmsProvider):
    """Mark SMS delivered into the local mailbox; the default until a real gateway is wired in."""

    def send(self, to, text):
        return "Kept in the local mailbox: the SMS provider is 'outbox', which sends nothing."


class HttpSmsProvider(SmsProvider):
    """Post each text as JSON ``{"to", "text"}`` to ``SMS_URL``: the development mailbox, or a gateway taking the same."""

    def __init__(self, url):
        if not url or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("SMS_PROVIDER 'http' needs SMS_URL, e.g. http://127.0.0.1:8025/sms")
        self.url = url

    def send(self, to, text):
        request = urllib.request.Request(self.url, data=json.dumps({"to": to, "text": text}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=SMS_TIMEOUT_SECONDS):
            pass  # any 2xx; urlopen raises HTTPError for the rest
        return f"Sent to the SMS gateway at {urlsplit(self.url).hostname}."

    def __repr__(self):  # the URL may carry a token
        return "HttpSmsProvider()"


SMS_PROVIDERS = ("outbox", "http", "twilio")


def sms_provider(name, url=None, twilio=None):
    """The SMS adapter called ``name`` (``SMS_PROVIDER``): ``http`` posts to ``url``; ``twilio`` uses
    ``twilio`` (``TwilioSettings``, else read from TWILIO_* in the environment)."""
    if name not in SMS_PROVIDERS:
        raise ValueError(f"SMS_PROVIDER must be one of {list(SMS_PROVIDERS)}, not {name!r}")
    if name == "http":
        return HttpSmsProvider(url)
    if name == "twilio":
        # Imported only here: Twilio's client library is a few MB that no other provider needs.
        from notifications.sms_twilio import TwilioSettings, TwilioSmsProvider
        return TwilioSmsProvider(twilio or TwilioSettings.from_env(), SMS_TIMEOUT_SECONDS)
    return OutboxSmsProvider()


# --- retries ----------------------------------------------------------------------------

def is_permanent(error):
    """Tell whether retrying cannot help: the server refused the message or recipient for good."""
    if isinstance(error, SmsNotSent):  # an SMS adapter's own verdict (sms_twilio.py)
        return error.permanent
    if isinstance(error, urllib.error.HTTPError):  # the SMS gateway refused it; 408 and 429 mean "later"
        return 400 <= error.code < 500 and error.code not in (408, 429)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError)
    return isinstance(error, ValueError)  # e.g. an address the email package cannot encode


def next_attempt(attempts, retry_delays, moment):
    """Return when to try again after ``attempts`` failed tries, or None to give up."""
    if attempts > len(retry_delays):
        return None
    return moment + timedelta(seconds=retry_delays[attempts - 1])


def describe_error(error):
    return f"{type(error).__name__}: {error}"[:500]


# --- the secret, at send time -----------------------------------------------------------

def as_sent(message, box):
    """The copy of ``message`` that goes out: its secret opened and put in place of its label.

    The label stands in its text and HTML (a one-time code or link), or is its whole reply-to (a
    ticket's reply address, which lets whoever holds it write on the ticket).

    Only this copy, which lives as long as the send, ever holds the secret in plain text.
    """
    fields = {name: getattr(message, name) for name in (
        "id", "kind", "channel", "recipient", "sender_name", "reply_to", "subject", "text", "html")}
    if message.sealed_secret is not None:
        if box is None:
            raise Unsealable("no key to open the secret with")
        secret, label = box.open(message.sealed_secret, secret_binding(message)), message.secret_label
        fields["text"] = fields["text"].replace(label, secret)
        if fields["reply_to"] == label:
            fields["reply_to"] = secret
        if fields["html"]:
            fields["html"] = fields["html"].replace(str(escape(label)), str(escape(secret)))
    return SimpleNamespace(**fields)


# --- the courier ------------------------------------------------------------------------

class Courier:
    """Claim due messages one at a time, send each through its channel, record the outcome."""

    def __init__(self, engine, email, sms, retry_delays, box=None, clock=utcnow):
        self.engine = engine
        self.email = email
        self.sms = sms
        self.retry_delays = retry_delays
        self.box = box
        self.clock = clock
        self.locking = engine.dialect.name == "postgresql"

    def deliver_next(self):
        """Send the next due message, if any; return True when there was one."""
        message = self._claim()
        if message is None:
            return False
        try:
            outgoing = as_sent(message, self.box)
        except Unsealable:
            self._record_unsealable(message)
            return True
        try:
            if outgoing.channel == "sms":
                note = self.sms.send(outgoing.recipient, outgoing.text)
            else:
                note = self.email.send(outgoing)
        except Exception as error:  # any failure of the transport is the message's to retry
            self._record_failure(message, error)
        else:
            self._record_success(message, note)
        return True

    def _claim(self):
        moment = self.clock()
        query = (select(Message).where(Message.status == "pending", Message.next_attempt_at <= moment)
                 .order_by(Message.next_attempt_at, Message.id).limit(1))
        if self.locking:
            query = query.with_for_update(skip_locked=True)
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            message = session.scalars(query).first()
            if message is not None:
                message.attempts += 1
                message.next_attempt_at = moment + CLAIM_LEASE
            return message

    def _record_success(self, message, note):
        with Session(self.engine) as session, session.begin():
            row = session.get(Message, message.id)
            row.status, row.sent_at, row.note, row.last_error = "sent", self.clock(), note, None
            row.sealed_secret = None  # sent: nothing needs the secret any more
        log.info("message %s sent (%s, attempt %d)", message.id, message.channel, message.attempts)

    def _record_failure(self, message, error):
        retry_at = None if is_permanent(error) else next_attempt(
            message.attempts, self.retry_delays, self.clock())
        with Session(self.engine) as session, session.begin():
            row = session.get(Message, message.id)
            row.last_error = describe_error(error)
            if retry_at is None:
                row.status, row.sealed_secret = "failed", None
            else:
                row.next_attempt_at = retry_at
        log.warning("message %s not sent (attempt %d, %s); %s", message.id, message.attempts,
                    type(error).__name__, "giving up" if retry_at is None else "will retry")

    def _record_unsealable(self, message):
        with Session(self.engine) as session, session.begin():
            row = session.get(Message, message.id)
            row.status, row.last_error, row.sealed_secret = "failed", UNSEALABLE, None
        log.warning("message %s not sent: its secret does not open with MESSAGE_SECRETS_KEYS", message.id)
