"""Message delivery with the real system: events in, email out through a real SMTP server.

Which message an event queues, the invitation editor's checks and the outbox's paging are checked
in-process (services/notifications/tests); here the messages travel over the broker and SMTP.
"""
import secrets
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from nameko.standalone.events import get_event_exchange

from shared.events import (EMAIL_CHANGE_CODE_ISSUED, LOGIN_CODE_ISSUED, PASSWORD_RESET_ISSUED,
                           PORTAL_INVITATION_ISSUED)
from shared.messaging import broker_connection, envelope, publish_confirmed
from shared.sealing import seal_secrets
from portico_testing import free_port, wait_for
from tests.mail import MailServer

BASE_URL = "http://127.0.0.1:8000"  # PORTICO_BASE_URL's default


# --- helpers --------------------------------------------------------------------------

def call(system, tenant, method, *args, **kwargs):
    return system.rpc.call("notifications", method, *args, context=system.context(tenant), **kwargs)


def new_address():
    return f"client-{uuid.uuid4().hex[:10]}@client.example"


def publish(system, contract, tenant, data, event_id=None):
    """Publish an event straight to the accounts exchange, as accounts' relay would (secrets sealed); return its id."""
    body = envelope(contract, tenant["id"], data)
    body["event_id"] = event_id or body["event_id"]
    body = seal_secrets(system.secret_box, contract, body)
    with broker_connection(system.amqp_uri) as connection:
        publish_confirmed(connection, body, get_event_exchange("accounts", {}), contract.name,
                          {"nameko.tenant_id": tenant["id"]}, message_id=body["event_id"])
    return body["event_id"]


def expires_in(delta):
    return (datetime.now(timezone.utc) + delta).isoformat()


def link_event(tenant, email, token, lifetime):
    return {"portal_user_id": 7, "email": email, "name": "Ann Client", "tenant_slug": tenant["slug"],
            "token": token, "expires_at": expires_in(lifetime)}


def code_event(channel, to, code):
    return {"portal_user_id": 7, "channel": channel, "to": to, "code": code,
            "expires_at": expires_in(timedelta(minutes=10))}


def branded_tenant(system, display_name, **profile):
    """A new tenant whose branding (with ``profile``) has reached notifications."""
    tenant, _ = system.new_tenant(slug=f"t-{uuid.uuid4().hex[:8]}", display_name=display_name)
    if profile:
        system.rpc.call("accounts", "update_settings", "general", profile, context=system.context(tenant))
    wait_for(lambda: all(
        call(system, tenant, "get_branding").get(key) == value
        for key, value in {"display_name": display_name, **profile}.items()),
        message=f"notifications to know the branding of {display_name!r}")
    return tenant


def outbox(system, tenant, **paging):
    return call(system, tenant, "list_outbox", **{"per_page": 100, **paging})


def wait_for_outbox_item(system, tenant, to, predicate=lambda item: True, message="a message"):
    return wait_for(lambda: next((item for item in outbox(system, tenant)["items"]
                                  if item["to"] == to and predicate(item)), None),
                    timeout=30, message=message)


@pytest.fixture
def branded(system):
    return branded_tenant(system, "Green Acres Lawn Care", contact_email="office@greenacres.example")


# --- sign-in messages -----------------------------------------------------------------

def test_invitation_is_emailed_through_smtp_with_the_tenants_branding(system, branded):
    address, token = new_address(), secrets.token_urlsafe(24)

    publish(system, PORTAL_INVITATION_ISSUED, branded, link_event(branded, address, token, timedelta(days=7)))

    mail = system.mail.wait_for_message(address)
    link = f"{BASE_URL}/p/{branded['slug']}/invitation/{token}"
    assert mail.subject == "Your client portal invitation"
    assert mail.message["From"].addresses[0].display_name == "Green Acres Lawn Care"
    assert mail.message["Reply-To"] == "office@greenacres.example"
    assert mail.link("/invitation/") == link
    assert "Hello Ann Client," in mail.text and "expires in 7 days" in mail.text
    assert f'href="{link}"' in mail.html and "office@greenacres.example" in mail.html

    item = wait_for_outbox_item(system, branded, address, lambda item: item["status"] == "sent",
                                "the invitation to show as sent")
    assert item["channel"] == "email" and item["attempts"] == 1 and item["sent_at"]
    detail = call(system, branded, "get_outbox_message", item["id"])  # as staff see it: the link hidden
    hidden = "•••• (hidden: invitation link)"
    assert detail["text"] == mail.text.replace("\r\n", "\n").replace(link, hidden)
    assert token not in detail["text"] + detail["html"] and f'href="{hidden}"' in detail["html"]


def test_password_reset_and_email_change_code_are_emailed(system, branded):
    address, new_email, token = new_address(), new_address(), secrets.token_urlsafe(24)

    publish(system, PASSWORD_RESET_ISSUED, branded, link_event(branded, address, token, timedelta(hours=1)))
    publish(system, EMAIL_CHANGE_CODE_ISSUED, branded, code_event("email", new_email, "482913"))

    reset = system.mail.wait_for_message(address)
    assert reset.link("/reset/") == f"{BASE_URL}/p/{branded['slug']}/reset/{token}"
    assert "expires in 1 hour" in reset.text
    change = system.mail.wait_for_message(new_email)
    assert change.code() == "482913"
    assert "expires in 10 minutes" in change.text


def test_login_code_goes_by_email_unless_the_channel_is_sms(system, branded):
    address, phone = new_address(), "+1 555 010 " + str(secrets.randbelow(9000) + 1000)
    sms_code = f"{secrets.randbelow(900000) + 100000}"

    publish(system, LOGIN_CODE_ISSUED, branded, code_event("email", address, "135790"))
    publish(system, LOGIN_CODE_ISSUED, branded, code_event("sms", phone, sms_code))

    mail = system.mail.wait_for_message(address)
    assert mail.subject == "Your Green Acres Lawn Care sign-in code" and mail.code() == "135790"
    sms = wait_for_outbox_item(system, branded, phone, lambda item: item["status"] == "sent",
                               "the SMS to be kept in the outbox")
    assert sms["channel"] == "sms" and sms["subject"] is None
    detail = call(system, branded, "get_outbox_message", sms["id"])
    assert detail["text"] == ("Your Green Acres Lawn Care sign-in code is •••• (hidden: one-time code). "
                              "It expires in 10 minutes.")
    assert detail["html"] is None and "outbox" in detail["note"]
    assert not [mail for mail in system.mail.received if sms_code in mail.text]


def test_the_same_event_delivered_twice_sends_one_message(system, branded):
    address = new_address()
    data = link_event(branded, address, secrets.token_urlsafe(24), timedelta(days=7))
    event_id = publish(system, PORTAL_INVITATION_ISSUED, branded, data)
    system.mail.wait_for_message(address)

    publish(system, PORTAL_INVITATION_ISSUED, branded, data, event_id=event_id)
    wait_for(lambda: f"event {event_id} already handled" in system.services["notifications"].log(),
             message="notifications to recognise the duplicate")

    assert [item["to"] for item in outbox(system, branded)["items"]].count(address) == 1
    assert system.mail.messages_to(address) == []


def test_a_message_waits_while_smtp_is_down_and_is_sent_once_it_is_up(system, branded):
    port = free_port()  # nothing listens here yet
    system.restart("notifications", SMTP_URL=f"smtp://127.0.0.1:{port}")
    late_server = None
    try:
        address = new_address()
        publish(system, PORTAL_INVITATION_ISSUED, branded,
                link_event(branded, address, secrets.token_urlsafe(24), timedelta(days=7)))
        item = wait_for_outbox_item(system, branded, address, lambda item: item["attempts"] > 0,
                                    "a first, failed attempt")
        assert item["status"] == "pending" and item["sent_at"] is None
        # An attempt is counted when it is claimed, its error recorded once the connection fails.
        wait_for(lambda: call(system, branded, "get_outbox_message", item["id"])["last_error"],
                 message="the first attempt's error")

        late_server = MailServer(port).start()
        mail = late_server.wait_for_message(address, timeout=40)  # the first retry comes after 5 s
        assert mail.link("/invitation/")
        item = wait_for_outbox_item(system, branded, address, lambda item: item["status"] == "sent",
                                    "the message to show as sent")
        assert item["attempts"] >= 2
    finally:
        if late_server is not None:
            late_server.stop()
        system.restart("notifications")


# --- the invitation editor ------------------------------------------------------------

def test_staff_html_is_sanitised_and_the_sample_has_no_working_link(system, branded):
    stored = call(system, branded, "update_invitation_template", {
        "subject": "Welcome to Green Acres",
        "html": ('<p><strong>Welcome!</strong> Questions? <a href="https://greenacres.example/faq">'
                 'Read our FAQ</a>.</p><script>alert("owned")</script>'
                 '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a>')})

    assert stored == call(system, branded, "get_invitation_template")
    assert stored["subject"] == "Welcome to Green Acres"
    assert "<strong>Welcome!</strong>" in stored["html"]
    assert not any(bad in stored["html"] for bad in ("script", "alert", "onerror", "<img", "javascript"))

    address = new_address()
    assert call(system, branded, "send_sample_invitation", address) == {}
    sample = system.mail.wait_for_message(address)
    assert sample.subject == "[Sample] Welcome to Green Acres"
    assert sample.html.index("Hello [Client name],") < sample.html.index("<strong>Welcome!</strong>") \
        < sample.html.index('href="#"')
    assert "script" not in sample.html and "alert" not in sample.html
    assert not [link for link in sample.links() + [sample.html] if "/invitation/" in link or "/p/" in link]
    assert "Read our FAQ (https://greenacres.example/faq)" in sample.text

    # Clients get the same text, with their own working link.
    client_address, token = new_address(), secrets.token_urlsafe(24)
    publish(system, PORTAL_INVITATION_ISSUED, branded, link_event(branded, client_address, token, timedelta(days=7)))
    invitation = system.mail.wait_for_message(client_address)
    assert invitation.subject == "Welcome to Green Acres"
    assert "<strong>Welcome!</strong>" in invitation.html
    assert invitation.link("/invitation/").endswith(token)
