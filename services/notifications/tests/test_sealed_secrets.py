"""A sign-in message's secret: sealed while it waits, put in place only in the copy sent, dropped once done."""
import smtplib

import pytest
from sqlalchemy.orm import Session

from notifications import mailbox
from notifications.delivery import UNSEALABLE, Courier
from notifications.messages import HIDDEN_CODE, HIDDEN_INVITATION_LINK, Draft
from notifications.models import Base, Message
from portico_testing.inprocess import SECRET_BOX
from shared.db import make_engine
from shared.sealing import SecretBox, new_key

LINK = "http://127.0.0.1:8000/p/green/invitation/tok-SECRET-123"
DELAYS = (5,)


class Transport:
    """Fails with ``error`` while it is set; keeps what it sent, as the recipient would get it."""

    def __init__(self, error=None):
        self.error = error
        self.sent = []

    def send(self, message):
        if self.error:
            raise self.error
        self.sent.append(message)
        return "Sent through test."

    def send_sms(self, to, text):
        self.sent.append(text)
        return "kept"


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def queue(engine, draft, box=SECRET_BOX):
    with Session(engine) as session:
        message = mailbox.queue(session, draft, box)
        session.commit()
        return message.id


def stored(engine, message_id):
    with Session(engine) as session:
        return session.get(Message, message_id)


def invitation(**overrides):
    fields = dict(tenant_id=1, kind="invitation", channel="email", recipient="ann@client.example",
                  subject="Your invitation", text=f"Set up your account: {HIDDEN_INVITATION_LINK}\n",
                  html=f'<a href="{HIDDEN_INVITATION_LINK}">{HIDDEN_INVITATION_LINK}</a>', sender_name="Green Acres",
                  source_event_id="event-1", secret=LINK, secret_label=HIDDEN_INVITATION_LINK)
    return Draft(**{**fields, **overrides})


def test_the_secret_is_stored_sealed_sent_in_place_of_its_label_then_dropped(engine):
    message_id = queue(engine, invitation())
    row = stored(engine, message_id)
    assert "tok-SECRET-123" not in row.text + row.html + row.sealed_secret
    transport = Transport()

    assert Courier(engine, transport, None, DELAYS, SECRET_BOX).deliver_next()

    [sent] = transport.sent
    assert sent.text == f"Set up your account: {LINK}\n"
    assert sent.html == f'<a href="{LINK}">{LINK}</a>'
    row = stored(engine, message_id)
    assert (row.status, row.sealed_secret) == ("sent", None)
    assert HIDDEN_INVITATION_LINK in row.text and "tok-SECRET-123" not in row.text + row.html


def test_an_sms_code_is_put_in_place_too(engine):
    message_id = queue(engine, invitation(kind="login_code", channel="sms", subject=None, html=None,
                                          text=f"Your code is {HIDDEN_CODE}.", secret="246810",
                                          secret_label=HIDDEN_CODE))
    sms = Transport()
    sms.send = sms.send_sms

    Courier(engine, None, sms, DELAYS, SECRET_BOX).deliver_next()

    assert sms.sent == ["Your code is 246810."]
    assert stored(engine, message_id).sealed_secret is None


def test_a_retry_keeps_the_secret_and_giving_up_drops_it(engine):
    message_id = queue(engine, invitation())
    transport = Transport(ConnectionRefusedError(111, "Connection refused"))
    courier = Courier(engine, transport, None, (0,), SECRET_BOX)

    courier.deliver_next()
    assert (stored(engine, message_id).status, stored(engine, message_id).sealed_secret is None) == ("pending", False)
    transport.error = smtplib.SMTPRecipientsRefused({"ann@client.example": (550, b"No such user")})
    courier.deliver_next()

    assert (stored(engine, message_id).status, stored(engine, message_id).sealed_secret) == ("failed", None)


def test_a_secret_that_does_not_open_fails_the_message_without_sending_it(engine):
    other_key = SecretBox(new_key())
    message_id = queue(engine, invitation(), box=other_key)  # e.g. MESSAGE_SECRETS_KEYS changed meanwhile
    transport = Transport()

    assert Courier(engine, transport, None, DELAYS, SECRET_BOX).deliver_next()

    row = stored(engine, message_id)
    assert (row.status, row.last_error, row.sealed_secret, transport.sent) == ("failed", UNSEALABLE, None, [])


def test_a_sealed_secret_opens_only_for_its_own_message(engine):
    message_id = queue(engine, invitation())
    theirs = queue(engine, invitation(recipient="eve@example.com", source_event_id="event-2", secret="x"))
    with Session(engine) as session:  # someone with the database copies Ann's sealed link into Eve's message
        session.get(Message, theirs).sealed_secret = session.get(Message, message_id).sealed_secret
        session.get(Message, message_id).status = "failed"
        session.commit()
    transport = Transport()

    Courier(engine, transport, None, DELAYS, SECRET_BOX).deliver_next()

    assert transport.sent == [] and stored(engine, theirs).last_error == UNSEALABLE
