"""The Twilio adapter against a local server that answers as Twilio's Messages API does
(portico_testing/fake_twilio.py): no network."""
import base64
import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from notifications import mailbox
from notifications.delivery import Courier, DeliverySettings, LocalMailbox, describe_error, is_permanent, sms_provider
from notifications.sms import SmsNotSent
from notifications.sms_twilio import TwilioSettings, TwilioSmsProvider
from notifications.messages import Draft
from notifications.models import Base, Message
from portico_testing.fake_twilio import SID, TOKEN, error, fake_twilio
from shared.db import make_engine

SENDER = "+15550100100"
SERVICE_SID = "MG" + "fedcba9876543210" * 2
DELAYS = (5, 30, 120, 600)
CODE_TEXT = "Your sign-in code is 482913."


class Clock:
    def __init__(self):
        self.moment = datetime.now(timezone.utc)

    def __call__(self):
        return self.moment

    def advance(self, seconds):
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def queue(engine, draft):
    with Session(engine) as session:
        row = mailbox.queue(session, draft)
        session.commit()
        return row.id


def message(engine, message_id):
    with Session(engine) as session:
        return session.get(Message, message_id)


def provider(server, timeout=5, **overrides):
    fields = dict(account_sid=SID, auth_token=TOKEN, sender=SENDER,
                  api_url=f"http://127.0.0.1:{server.server_address[1]}")
    return TwilioSmsProvider(TwilioSettings(**{**fields, **overrides}), timeout)


def sms(recipient="+15550100199", event="event-1"):
    return Draft(tenant_id=1, kind="login_code", channel="sms", recipient=recipient, subject=None, text=CODE_TEXT,
                 html=None, sender_name="Green Acres", reply_to=None, source_event_id=event)


def test_a_text_goes_to_twilio_as_its_api_expects(engine, caplog):
    caplog.set_level(logging.DEBUG)
    message_id = queue(engine, sms())
    with fake_twilio() as server:
        courier = Courier(engine, LocalMailbox(), provider(server), DELAYS, clock=Clock())
        assert courier.deliver_next()
    [request] = server.requests
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request["type"] == "application/x-www-form-urlencoded"
    assert request["form"] == {"To": "+15550100199", "From": SENDER, "Body": CODE_TEXT}
    row = message(engine, message_id)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.note == f"Sent through Twilio as SM{1:032x} (queued)."
    assert TOKEN not in caplog.text and CODE_TEXT not in caplog.text


def test_a_messaging_service_sends_in_place_of_a_number():
    with fake_twilio() as server:
        provider(server, sender=None, messaging_service_sid=SERVICE_SID).send("+15550100199", "Hello")
    assert server.requests[0]["form"] == {"To": "+15550100199", "MessagingServiceSid": SERVICE_SID,
                                          "Body": "Hello"}


def test_a_rate_limit_and_an_outage_are_retried_then_the_text_goes(engine):
    message_id = queue(engine, sms())
    clock = Clock()
    with fake_twilio() as server:
        server.script = [(429, error(20429, "Too Many Requests", 429), 0),
                         (500, error(20500, "Internal Server Error", 500), 0)]
        courier = Courier(engine, LocalMailbox(), provider(server), DELAYS, clock=clock)
        assert courier.deliver_next()
        row = message(engine, message_id)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("SmsNotSent: Twilio answered HTTP 429, Twilio error 20429")
        clock.advance(DELAYS[0])
        assert courier.deliver_next()
        assert (message(engine, message_id).status, message(engine, message_id).attempts) == ("pending", 2)
        clock.advance(DELAYS[1])
        assert courier.deliver_next()
    assert (message(engine, message_id).status, message(engine, message_id).attempts) == ("sent", 3)
    assert len(server.requests) == 3  # one request per attempt: the library does not retry on its own


def test_an_invalid_number_fails_at_once_and_is_not_retried(engine):
    message_id = queue(engine, sms("+15005550001"))
    clock = Clock()
    with fake_twilio() as server:
        server.script = [(400, error(21211, "The 'To' number +15005550001 is not a valid phone number.", 400), 0)]
        courier = Courier(engine, LocalMailbox(), provider(server), DELAYS, clock=clock)
        assert courier.deliver_next()
        clock.advance(3600)
        assert not courier.deliver_next()
    row = message(engine, message_id)
    assert (row.status, row.attempts, row.sealed_secret) == ("failed", 1, None)
    assert row.last_error == ("SmsNotSent: Twilio answered HTTP 400, Twilio error 21211 "
                              "(https://www.twilio.com/docs/errors/21211)")
    assert "+15005550001" not in row.last_error and len(server.requests) == 1


@pytest.mark.parametrize(("status", "code", "permanent"), [
    (400, 21211, True),   # not a valid phone number
    (400, 21610, True),   # the recipient replied STOP
    (400, 21614, True),   # not a mobile number
    (400, 21408, True),   # the region is not enabled on the account
    (400, 21611, False),  # the sender has too many messages queued: later
    (401, 20003, False),  # wrong credentials: fixed by configuration, then the text goes
    (429, 20429, False),
    (500, 20500, False),
    (503, None, False),
])
def test_twilio_refusals_are_sorted_into_for_good_and_later(status, code, permanent):
    with fake_twilio() as server:
        server.script = [(status, error(code, "refused", status) if code else {}, 0)]
        with pytest.raises(SmsNotSent) as caught:
            provider(server).send("+15550100199", "Hello")
    assert is_permanent(caught.value) is permanent


def test_a_timeout_is_retried(engine):
    message_id = queue(engine, sms())
    with fake_twilio() as server:
        server.script = [(201, {}, 2)]
        courier = Courier(engine, LocalMailbox(), provider(server, timeout=0.5), DELAYS, clock=Clock())
        assert courier.deliver_next()
    row = message(engine, message_id)
    assert (row.status, row.attempts) == ("pending", 1) and "Timeout" in row.last_error


def test_wrong_credentials_are_retried_and_a_number_without_its_country_code_is_refused(engine):
    with fake_twilio() as server:
        with pytest.raises(SmsNotSent) as wrong:
            provider(server, auth_token="wrong").send("+15550100199", "Hello")
        with pytest.raises(SmsNotSent) as local:
            provider(server).send("555 0100 199", "Hello")
    assert not is_permanent(wrong.value) and is_permanent(local.value)
    assert len(server.requests) == 1  # the local number never left
    assert "555" not in describe_error(local.value)


def test_the_auth_token_is_in_no_repr_and_the_settings_are_checked(monkeypatch):
    settings = TwilioSettings(account_sid=SID, auth_token=TOKEN, sender=SENDER)
    adapter = TwilioSmsProvider(settings, 5)
    assert TOKEN not in repr(settings) and TOKEN not in repr(adapter) and TOKEN not in repr(adapter.client)
    for broken in (dict(account_sid="AC123"), dict(auth_token=""), dict(sender=None),
                   dict(messaging_service_sid="nope"), dict(api_url="ftp://127.0.0.1")):
        with pytest.raises(ValueError):
            TwilioSettings(**{**dict(account_sid=SID, auth_token=TOKEN, sender=SENDER), **broken})

    for name in ("TWILIO_MESSAGING_SERVICE_SID", "TWILIO_API_URL", "TWILIO_EDGE", "TWILIO_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_PROVIDER", "twilio")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_FROM", SENDER)
    settings = DeliverySettings.from_env()
    chosen = sms_provider(settings.sms_provider, settings.sms_url)
    assert isinstance(chosen, TwilioSmsProvider) and chosen.settings.sender == SENDER
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    with pytest.raises(ValueError, match="TWILIO_AUTH_TOKEN"):
        sms_provider("twilio")
