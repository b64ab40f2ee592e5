"""Delivery rules on a real SQLite mailbox: claiming, retries with back-off, giving up, dedupe."""
import logging
import smtplib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from notifications import mailbox
from notifications.delivery import (CLAIM_LEASE, KEPT_LOCALLY, Courier, DeliverySettings, HttpSmsProvider,
                                    LocalMailbox, OutboxSmsProvider, SmtpSettings, build_email, is_permanent,
                                    next_attempt, sms_provider)
from notifications.messages import Draft
from notifications.models import Base, Message
from portico_testing import free_port
from sandbox_mailbox.app import create_app as create_mailbox_app
from sandbox_processor.testing import serving
from shared.db import make_engine

DELAYS = (5, 30, 120, 600)


class Clock:
    """Time that moves only when told; it starts now, after anything the test queued."""

    def __init__(self):
        self.moment = datetime.now(timezone.utc)

    def __call__(self):
        return self.moment

    def advance(self, seconds):
        self.moment += timedelta(seconds=seconds)


class FailingTransport:
    """Fails while ``failing``; remembers what it sent."""

    def __init__(self, error=None):
        self.error = error or ConnectionRefusedError(111, "Connection refused")
        self.failing = True
        self.sent = []

    def send(self, message):
        if self.failing:
            raise self.error
        self.sent.append(message.id)
        return "Sent through test."


class RecordingSms:
    def __init__(self):
        self.sent = []

    def send(self, to, text):
        self.sent.append((to, text))
        return "kept"


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def queue(engine, draft):
    with Session(engine) as session:
        message = mailbox.queue(session, draft)
        session.commit()
        return message.id if message else None


def message(engine, message_id):
    with Session(engine) as session:
        return session.get(Message, message_id)


def email_draft(**overrides):
    fields = dict(tenant_id=1, kind="invitation", channel="email", recipient="ann@client.example",
                  subject="Welcome", text="Hello", html="<p>Hello</p>", sender_name="Green Acres",
                  reply_to="office@green.example", source_event_id="event-1")
    return Draft(**{**fields, **overrides})


def test_failed_sends_are_retried_after_each_delay_then_marked_failed(engine):
    message_id = queue(engine, email_draft())
    clock, transport = Clock(), FailingTransport()
    courier = Courier(engine, transport, RecordingSms(), DELAYS, clock=clock)

    assert courier.deliver_next()
    row = message(engine, message_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"

    for attempt, delay in enumerate(DELAYS, start=2):
        clock.advance(delay - 1)
        assert not courier.deliver_next(), "retried before its delay"
        clock.advance(1)
        assert courier.deliver_next()
        assert message(engine, message_id).attempts == attempt

    row = message(engine, message_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", len(DELAYS) + 1, None)
    clock.advance(3600)
    assert not courier.deliver_next()


def test_a_retry_that_succeeds_marks_the_message_sent(engine):
    message_id = queue(engine, email_draft())
    clock, transport = Clock(), FailingTransport()
    courier = Courier(engine, transport, RecordingSms(), DELAYS, clock=clock)
    courier.deliver_next()

    transport.failing = False
    clock.advance(5)
    assert courier.deliver_next()

    row = message(engine, message_id)
    assert (row.status, row.attempts, row.last_error, row.note) == ("sent", 2, None, "Sent through test.")
    assert row.sent_at is not None
    assert transport.sent == [message_id]


def test_a_permanent_refusal_is_not_retried(engine):
    refused = smtplib.SMTPRecipientsRefused({"ann@client.example": (550, b"No such user")})
    message_id = queue(engine, email_draft())
    courier = Courier(engine, FailingTransport(refused), RecordingSms(), DELAYS, clock=Clock())

    courier.deliver_next()

    assert message(engine, message_id).status == "failed"


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(engine):
    """What keeps a second instance (or a restart after a crash mid-send) off a row being sent."""
    message_id = queue(engine, email_draft())
    clock = Clock()
    courier = Courier(engine, LocalMailbox(), RecordingSms(), DELAYS, clock=clock)

    claimed = courier._claim()
    assert claimed.id == message_id
    assert courier._claim() is None
    clock.advance(CLAIM_LEASE.total_seconds())
    assert courier._claim().id == message_id


def test_email_without_smtp_stays_in_the_local_mailbox_and_sms_goes_to_its_provider(engine):
    email_id = queue(engine, email_draft())
    sms_id = queue(engine, email_draft(channel="sms", recipient="+15550100", subject=None, html=None,
                                       text="Your code is 123456."))
    sms = RecordingSms()
    courier = Courier(engine, LocalMailbox(), sms, DELAYS, clock=Clock())

    while courier.deliver_next():
        pass

    assert (message(engine, email_id).status, message(engine, email_id).note) == ("sent", KEPT_LOCALLY)
    assert message(engine, sms_id).status == "sent"
    assert sms.sent == [("+15550100", "Your code is 123456.")]


def test_the_same_event_queues_one_message_per_channel(engine):
    first = queue(engine, email_draft())
    assert queue(engine, email_draft()) is None
    assert queue(engine, email_draft(channel="sms")) not in (None, first)
    assert queue(engine, email_draft(source_event_id=None)) is not None
    assert queue(engine, email_draft(source_event_id=None)) is not None  # samples have no event


def test_next_attempt_follows_the_delays_then_gives_up():
    moment = datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert next_attempt(1, DELAYS, moment) == moment + timedelta(seconds=5)
    assert next_attempt(4, DELAYS, moment) == moment + timedelta(seconds=600)
    assert next_attempt(5, DELAYS, moment) is None


def test_permanent_and_transient_errors():
    assert is_permanent(smtplib.SMTPDataError(554, b"Rejected"))
    assert not is_permanent(smtplib.SMTPDataError(451, b"Try later"))
    assert not is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not is_permanent(ConnectionRefusedError())
    assert not is_permanent(smtplib.SMTPAuthenticationError(535, b"Bad credentials"))


def test_smtp_url_forms():
    assert SmtpSettings.from_url("smtp://127.0.0.1:2525") == SmtpSettings("127.0.0.1", 2525)
    settings = SmtpSettings.from_url("smtp://mailer%40green:p%40ss%3Aword@mail.example:587?starttls=1")
    assert (settings.username, settings.password, settings.starttls) == ("mailer@green", "p@ss:word", True)
    assert SmtpSettings.from_url("smtps://mail.example").port == 465
    assert SmtpSettings.from_url("smtp://mail.example").port == 25
    assert "p@ss" not in repr(settings)
    with pytest.raises(ValueError):
        SmtpSettings.from_url("http://mail.example")


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.delenv("PORTICO_BASE_URL", raising=False)
    assert DeliverySettings.from_env().smtp is None
    assert DeliverySettings.from_env().base_url == "http://127.0.0.1:8000"
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:2525")
    monkeypatch.setenv("DELIVERY_RETRY_DELAYS_SECONDS", "1,2")
    settings = DeliverySettings.from_env()
    assert settings.smtp.port == 2525 and settings.retry_delays == (1.0, 2.0)


def test_sms_providers_are_chosen_by_name():
    assert isinstance(sms_provider("outbox"), OutboxSmsProvider)
    assert isinstance(sms_provider("http", "http://127.0.0.1:8025/sms"), HttpSmsProvider)
    with pytest.raises(ValueError):
        sms_provider("carrier-pigeon")
    with pytest.raises(ValueError):
        sms_provider("http")  # no SMS_URL


def test_a_text_is_posted_to_the_sms_gateway_and_its_refusals_and_outages_are_told_apart(engine, tmp_path, caplog):
    """Against the development mailbox: sent, refused for good (400), or retried while nobody listens."""
    caplog.set_level(logging.DEBUG)
    code = "Your sign-in code is 482913."
    sent = queue(engine, email_draft(channel="sms", recipient="+15550100199", subject=None, html=None, text=code))
    refused = queue(engine, email_draft(channel="sms", recipient="+15550100199", subject=None, html=None,
                                        text="x" * 1601, source_event_id="event-2"))
    app = create_mailbox_app(tmp_path / "mailbox")
    with serving(app) as url:
        courier = Courier(engine, LocalMailbox(), sms_provider("http", f"{url}/sms"), DELAYS, clock=Clock())
        while courier.deliver_next():
            pass
    [kept] = app.extensions["mailbox"].items()
    assert (kept.kind, kept.to, kept.text) == ("sms", "+15550100199", code)
    assert message(engine, sent).status == "sent"
    assert (message(engine, refused).status, message(engine, refused).last_error) == (
        "failed", "HTTPError: HTTP Error 400: BAD REQUEST")

    unanswered = queue(engine, email_draft(channel="sms", recipient="+15550100199", subject=None, html=None,
                                           text=code, source_event_id="event-3"))
    courier = Courier(engine, LocalMailbox(), sms_provider("http", f"http://127.0.0.1:{free_port()}/sms"), DELAYS,
                      clock=Clock())
    assert courier.deliver_next()
    assert (message(engine, unanswered).status, message(engine, unanswered).attempts) == ("pending", 1)
    assert code not in caplog.text


def test_built_email_has_both_parts_and_single_line_headers():
    row = Message(id=7, recipient="ann@client.example", sender_name="Green\r\nBcc: evil@x.example",
                  reply_to="office@green.example", subject="Hello\nBcc: evil@x.example",
                  text="Plain", html="<p>Rich</p>")

    email = build_email(row, "no-reply@portico.example")

    assert email["Subject"] == "Hello Bcc: evil@x.example"
    assert email["Bcc"] is None
    assert email["From"].addresses[0].addr_spec == "no-reply@portico.example"
    assert email["Reply-To"] == "office@green.example"
    assert email.get_body(("plain",)).get_content().strip() == "Plain"
    assert email.get_body(("html",)).get_content().strip() == "<p>Rich</p>"
