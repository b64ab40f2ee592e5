"""Notifications configured for Twilio (``SMS_PROVIDER=twilio``, TWILIO_*) sends a client's sign-in code through
Twilio's library, here to a local server speaking Twilio's Messages API (portico_testing/fake_twilio.py), and the
client signs in with the code that arrived there; Twilio's refusal of a number fails the text without a retry."""
import re

import pytest

from portico_testing import wait_for
from portico_testing.fake_twilio import SID, TOKEN, error, fake_twilio
from tests.portal_helpers import bearer, new_address, portal_api, registered_client
from tests.sms_inbox import mobile

pytestmark = pytest.mark.backends("postgresql")

SENDER = "+15550100100"


@pytest.fixture(scope="module")
def twilio(system):
    """A fake Twilio, with notifications configured to text through it; the server."""
    with fake_twilio() as server:
        system.restart("notifications", SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=TOKEN,
                       TWILIO_FROM=SENDER, TWILIO_API_URL=f"http://127.0.0.1:{server.server_address[1]}")
        try:
            yield server
        finally:
            system.restart("notifications")


def texts_to(server, number):
    return [request["form"] for request in server.requests if request["form"].get("To") == number]


def client_with_mobile(system, number):
    tenant, _ = system.new_tenant()
    client, session = registered_client(system, tenant)
    response = system.http.patch(f"{portal_api(tenant)}/account", json={"mobile_phone": number},
                                 headers=bearer(session["token"]))
    assert response.status_code == 200, response.get_json()
    return tenant, client, session


def test_a_sign_in_code_goes_through_twilio_and_signs_the_client_in(system, twilio):
    number = mobile()
    tenant, client, session = client_with_mobile(system, number)
    api = f"{portal_api(tenant)}/login-codes"
    attempt = system.http.post(api, json={"login": client["email"]}, environ_base=new_address()).get_json()["attempt"]

    [text] = wait_for(lambda: texts_to(twilio, number), timeout=30, message="the code to reach Twilio")
    code = re.search(r"sign-in code is ([0-9]{6})", text["Body"]).group(1)
    verified = system.http.post(f"{api}/verify", json={"attempt": attempt, "code": code}, environ_base=new_address())

    assert text["From"] == SENDER
    assert verified.status_code == 201 and verified.get_json()["portal_user"]["id"] == session["portal_user"]["id"]
    log = system.services["notifications"].log()
    assert TOKEN not in log and code not in log and number not in log


def test_a_number_twilio_refuses_fails_the_text_for_good(system, twilio):
    number = mobile()
    tenant, client, _ = client_with_mobile(system, number)
    twilio.script.append((400, error(21211, f"The 'To' number {number} is not a valid phone number.", 400), 0))
    system.http.post(f"{portal_api(tenant)}/login-codes", json={"login": client["email"]}, environ_base=new_address())

    outbox = wait_for(lambda: [item for item in system.rpc.call(
        "notifications", "list_outbox", per_page=100, context=system.context(tenant))["items"]
        if item["to"] == number and item["status"] == "failed"], timeout=30, message="the text to fail")
    assert outbox[0]["attempts"] == 1 and len(texts_to(twilio, number)) == 1
