"""A real SMTP server for tests: an aiosmtpd Controller on 127.0.0.1 that keeps what it receives.

``mail_server`` (session-scoped) is started before the ``system`` fixture, whose notifications
service sends to it (``SMTP_URL``); tests reach it as ``system.mail``:

    mail = system.mail.wait_for_message("client@example.com")
    link = mail.link("/invitation/")
    code = mail.code()

``wait_for_message`` takes the message it returns, so use an address of the test's own.
"""
import email
import re
import threading
import time
from dataclasses import dataclass
from email import policy

import pytest
from aiosmtpd.controller import Controller

from portico_testing import free_port

LINK = re.compile(r"https?://[^\s<>\"')]+")
CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it, parsed by the email package."""

    envelope_to: list
    message: email.message.EmailMessage

    @property
    def to(self):
        return self.message["To"]

    @property
    def subject(self):
        return self.message["Subject"]

    @property
    def text(self):
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self):
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""

    def links(self):
        """Every http(s) address in the plain-text part, in order."""
        return LINK.findall(self.text)

    def link(self, containing=""):
        """The first address in the plain-text part that contains ``containing``."""
        found = [link for link in self.links() if containing in link]
        assert found, f"no link containing {containing!r} in {self.subject!r}"
        return found[0]

    def code(self):
        """The first 6-digit code in the plain-text part."""
        match = CODE.search(self.text)
        assert match, f"no 6-digit code in {self.subject!r}"
        return match.group()


class MailServer:
    """An SMTP server on a free port of 127.0.0.1 that collects every message it accepts."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.received = []
        self.changed = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        """Keep the message (aiosmtpd's hook for a complete message)."""
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.changed:
            self.received.append(ReceivedMail([address.lower() for address in envelope.rcpt_tos], message))
            self.changed.notify_all()
        return "250 Message accepted for delivery"

    def messages_to(self, address):
        """Messages received for ``address`` and not yet taken, oldest first."""
        with self.changed:
            return [mail for mail in self.received if address.lower() in mail.envelope_to]

    def wait_for_message(self, address, timeout=20.0, matching=None):
        """Take and return the first message for ``address`` (that ``matching`` accepts)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for mail in self.received:
                    if address.lower() in mail.envelope_to and (matching is None or matching(mail)):
                        self.received.remove(mail)
                        return mail
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no email to {address} within {timeout} s")
                self.changed.wait(remaining)


@pytest.fixture(scope="session")
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()
