"""The development SMS inbox in system tests: the mailbox ``make up`` runs, with notifications texting it.

A module gets the fixture with ``from tests.sms_inbox import sms_inbox``; it restarts notifications with
``SMS_PROVIDER=http`` pointed at the inbox, and restarts it as it was afterwards.
"""
import re
import secrets

import pytest
import requests

from portico_testing import wait_for
from sandbox_mailbox.app import create_app as create_mailbox_app
from sandbox_processor.testing import serving

CODE = re.compile(r"sign-in code is ([0-9]{6})")


@pytest.fixture(scope="module")
def sms_inbox(system, tmp_path_factory):
    """The development mailbox, with notifications sending texts to it as under ``make up``; its base URL."""
    app = create_mailbox_app(tmp_path_factory.mktemp("mailbox"))
    with serving(app) as url:
        system.restart("notifications", SMS_PROVIDER="http", SMS_URL=f"{url}/sms")
        try:
            yield url
        finally:
            system.restart("notifications")


def mobile():
    """A fresh mobile number, so no other test's texts are read."""
    return f"+1555{secrets.randbelow(10 ** 7):07d}"


def texts_to(inbox_url, number):
    """The texts the inbox holds for ``number``, newest first, from its JSON view."""
    response = requests.get(f"{inbox_url}/sms.json", params={"to": number}, timeout=5)
    response.raise_for_status()
    return response.json()


def next_code(inbox_url, number, seen=0):
    """Wait for a text beyond the ``seen`` ones to reach ``number``; return the code it carries."""
    texts = wait_for(lambda: (found := texts_to(inbox_url, number)) and len(found) > seen and found, timeout=30,
                     message=f"a sign-in code to reach {number} in the SMS inbox")
    return CODE.search(texts[0]["text"]).group(1)
