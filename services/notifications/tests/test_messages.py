"""Which events queue which messages, branded as the tenant's profile says; the invitation editor; the outbox."""
from datetime import datetime, timedelta, timezone

import pytest

from notifications.delivery import as_sent
from notifications.models import Message
from portico_testing import inprocess
from portico_testing.inprocess import SECRET_BOX
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.events import (EMAIL_CHANGE_CODE_ISSUED, INVITATION_DOCUMENT_CHANGED, LOGIN_CODE_ISSUED,
                           PASSWORD_RESET_ISSUED,
                           PAYMENT_FAILED, PAYMENT_SUCCEEDED, PORTAL_INVITATION_ISSUED, TENANT_PROFILE_UPDATED)

PROFILE = {"tenant_id": 1, "slug": "green", "display_name": "Green Acres", "contact_email": "office@green.example",
           "twitter_handle": "greenacres"}
BASE_URL = "http://127.0.0.1:8000"  # PORTICO_BASE_URL's default


def expires_in(delta):
    return (datetime.now(timezone.utc) + delta).isoformat()


def link(token, lifetime=timedelta(days=7)):
    return {"portal_user_id": 7, "email": "ann@client.example", "name": "Ann Client", "tenant_slug": "green",
            "token": token, "expires_at": expires_in(lifetime)}


def code(channel, to, value="135790"):
    return {"portal_user_id": 7, "channel": channel, "to": to, "code": value,
            "expires_at": expires_in(timedelta(minutes=10))}


def payment(**fields):
    return {"payment_id": 31, "account_id": 7, "kind": "payment", "source": "portal", "amount": 12_345,
            "method_kind": "card", "method_label": "Visa ending 4242", "invoices": [{"number": 1001, "applied": 12_345}],
            "receipt_to": "ann@client.example", **fields}


@pytest.fixture
def branded(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, PROFILE)


def test_the_branding_copy_follows_the_profile_events(notifications):
    with pytest.raises(NotFound):
        notifications.staff().get_branding()
    notifications.deliver(TENANT_PROFILE_UPDATED, PROFILE)
    branding = notifications.client().get_branding()
    assert (branding["display_name"], branding["twitter_handle"], branding["has_logo"]) == (
        "Green Acres", "greenacres", False)


def as_the_client_gets_it(notifications, message_id):
    """The message as the courier sends it: its sealed secret opened and put in place."""
    return as_sent(notifications.db.get(Message, message_id), SECRET_BOX)


def test_an_invitation_is_queued_with_the_tenants_branding_and_link(notifications, branded):
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-1"))
    [message] = notifications.messages()
    assert (message["kind"], message["channel"], message["to"], message["status"]) == (
        "invitation", "email", "ann@client.example", "pending")
    assert "tok-1" not in message["text"] + message["html"]
    assert "Set up your account: •••• (hidden: invitation link)" in message["text"]
    assert "Hello Ann Client," in message["text"] and "expires in 7 days" in message["text"]
    assert "office@green.example" in message["html"] and "x.com/greenacres" in message["html"]
    sent = as_the_client_gets_it(notifications, message["id"])
    assert f"{BASE_URL}/p/green/invitation/tok-1" in sent.text and "hidden" not in sent.text
    assert f'href="{BASE_URL}/p/green/invitation/tok-1"' in sent.html and "hidden" not in sent.html


def test_an_invitation_mentions_the_welcome_document_awaiting_in_documents(notifications, branded):
    notifications.deliver(INVITATION_DOCUMENT_CHANGED, {"title": "Welcome <pack>"}, event_id="evt-doc-1")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-1"))
    notifications.staff().send_sample_invitation("staff@green.example")
    notifications.deliver(INVITATION_DOCUMENT_CHANGED, {"title": None}, event_id="evt-doc-2")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-2"))
    mentioned, sample, plain = notifications.messages()
    for message in (mentioned, sample):
        assert "A document awaits you in Documents once you sign in: Welcome <pack>" in message["text"]
        assert "<strong>Welcome &lt;pack&gt;</strong>" in message["html"]
    assert "awaits" not in plain["text"] + plain["html"]


def test_sign_in_messages_go_out_before_the_branding_arrives(notifications):
    notifications.deliver(PASSWORD_RESET_ISSUED, link("tok-2", timedelta(hours=1)))
    notifications.deliver(EMAIL_CHANGE_CODE_ISSUED, code("email", "new@client.example", "482913"))
    reset, change = notifications.messages()
    assert reset["kind"] == "password_reset" and "•••• (hidden: password reset link)" in reset["text"]
    assert "expires in 1 hour" in reset["text"] and "tok-2" not in reset["text"] + reset["html"]
    assert f"{BASE_URL}/p/green/reset/tok-2" in as_the_client_gets_it(notifications, reset["id"]).text
    assert (change["kind"], change["to"]) == ("email_change_code", "new@client.example")
    assert "•••• (hidden: one-time code)" in change["text"] and "expires in 10 minutes" in change["text"]
    assert "482913" not in change["text"] + change["html"]
    assert "482913" in as_the_client_gets_it(notifications, change["id"]).html


def test_a_login_code_goes_by_email_unless_the_channel_is_sms(notifications, branded):
    notifications.deliver(LOGIN_CODE_ISSUED, code("email", "ann@client.example"))
    notifications.deliver(LOGIN_CODE_ISSUED, code("sms", "+1 555 010 0199", "246810"))
    email, sms = notifications.messages()
    assert (email["channel"], email["subject"]) == ("email", "Your Green Acres sign-in code")
    assert (sms["channel"], sms["to"], sms["subject"], sms["html"]) == ("sms", "+1 555 010 0199", None, None)
    assert sms["text"] == "Your Green Acres sign-in code is •••• (hidden: one-time code). It expires in 10 minutes."
    assert as_the_client_gets_it(notifications, sms["id"]).text == (
        "Your Green Acres sign-in code is 246810. It expires in 10 minutes.")
    assert "135790" not in email["text"] + email["html"]


def test_the_same_event_delivered_twice_queues_one_message(notifications, branded):
    first = notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-3"))
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-3"), event_id=first["event_id"])
    assert len(notifications.messages()) == 1


def test_a_payment_emails_a_receipt_only_where_billing_names_an_address(notifications, branded):
    notifications.deliver(PAYMENT_SUCCEEDED, payment(receipt_to=None))
    notifications.deliver(PAYMENT_SUCCEEDED, payment(payment_id=32))
    notifications.deliver(PAYMENT_FAILED, payment(payment_id=33, amount=9_900))
    receipt, failed = notifications.messages()
    assert (receipt["kind"], receipt["subject"]) == ("payment_receipt", "Receipt for your payment to Green Acres")
    assert "$123.45" in receipt["text"] and "#1001" in receipt["text"]
    assert (failed["kind"], failed["subject"]) == ("payment_failed", "Your payment to Green Acres did not go through")
    assert "$99.00" in failed["text"] and "Nothing was charged" in failed["text"]


def test_a_tenant_starts_with_the_default_invitation(notifications):
    template = notifications.staff().get_invitation_template()
    assert template["subject"] == "Your client portal invitation"
    assert template["html"].startswith("<p>We have set up a client portal for you.")


def test_the_staff_html_is_stored_sanitised_and_the_sample_has_no_working_link(notifications, branded):
    staff = notifications.staff()
    stored = staff.update_invitation_template({
        "subject": "Welcome to Green Acres",
        "html": '<p><strong>Welcome!</strong></p><script>alert("owned")</script><a href="javascript:x()">x</a>'})
    assert stored == staff.get_invitation_template()
    assert "<strong>Welcome!</strong>" in stored["html"] and "script" not in stored["html"]
    assert "javascript" not in stored["html"]
    assert staff.send_sample_invitation("staff@green.example") == {}
    [sample] = notifications.messages()
    assert (sample["kind"], sample["subject"]) == ("sample_invitation", "[Sample] Welcome to Green Acres")
    assert "/invitation/" not in sample["text"] + sample["html"] and "Hello [Client name]," in sample["text"]


def test_the_template_the_sample_and_the_outbox_are_for_staff_only(notifications):
    for caller in (notifications.client(), notifications.called_by(inprocess.visitor(1))):
        for method, args in (("get_invitation_template", ()), ("list_outbox", ()), ("get_outbox_message", (1,)),
                             ("update_invitation_template", ({"subject": "x", "html": ""},)),
                             ("send_sample_invitation", ("someone@client.example",))):
            with pytest.raises(PermissionDenied):
                getattr(caller, method)(*args)


@pytest.mark.parametrize("template, field", [
    ({"subject": "", "html": "<p>Hi</p>"}, "subject"),
    ({"subject": "x" * 151, "html": "<p>Hi</p>"}, "subject"),
    ({"subject": "Two\nlines", "html": "<p>Hi</p>"}, "subject"),
    ({"subject": "Hi", "html": "x" * 20001}, "html"),
    ({"subject": "Hi"}, "html"),
])
def test_invalid_templates_are_refused_field_by_field(notifications, template, field):
    staff = notifications.staff()
    before = staff.get_invitation_template()
    with pytest.raises(InvalidInput) as refused:
        staff.update_invitation_template(template)
    assert list(refused.value.fields) == [field]
    assert staff.get_invitation_template() == before


def test_a_sample_needs_a_valid_address(notifications):
    with pytest.raises(InvalidInput) as refused:
        notifications.staff().send_sample_invitation("not an address")
    assert list(refused.value.fields) == ["to_email"]


def test_the_outbox_is_tenant_scoped_newest_first_and_paged(notifications):
    first, second = notifications.staff(tenant_id=1), notifications.staff(tenant_id=2)
    addresses = [f"client{number}@client.example" for number in range(3)]
    for address in addresses:
        first.send_sample_invitation(address)
    second.send_sample_invitation("theirs@client.example")

    listing = first.list_outbox()
    assert [item["to"] for item in listing["items"]] == list(reversed(addresses)) and listing["total"] == 3
    assert set(listing["items"][0]) == {"id", "channel", "to", "subject", "status", "attempts", "created_at",
                                        "sent_at"}
    assert listing["items"][0]["created_at"].endswith("+00:00")
    page = first.list_outbox(page=2, per_page=2)
    assert ([item["to"] for item in page["items"]], page["total"], page["page"], page["per_page"]) == (
        [addresses[0]], 3, 2, 2)
    [theirs] = second.list_outbox()["items"]
    with pytest.raises(NotFound):
        first.get_outbox_message(theirs["id"])
    assert second.get_outbox_message(theirs["id"])["to"] == "theirs@client.example"
    for bad in ({"per_page": 1000}, {"page": 0}):
        with pytest.raises(InvalidInput):
            first.list_outbox(**bad)
    with pytest.raises(InvalidInput):
        first.get_outbox_message("1")


def test_messages_wear_the_brand_colour_once_the_profile_carries_one(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, PROFILE, event_id="evt-plain")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-1"), event_id="evt-invite-1")
    notifications.deliver(TENANT_PROFILE_UPDATED, {**PROFILE, "brand_colour": "#6a1b9a"}, event_id="evt-brand")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-2"), event_id="evt-invite-2")

    plain, branded = (message["html"] for message in notifications.messages())

    assert "#1d5e3a" in plain and "#6a1b9a" not in plain
    assert "background:#6a1b9a" in branded and "border-top:6px solid #6a1b9a" in branded and "#1d5e3a" not in branded


def test_messages_show_the_logo_from_the_portal_once_the_business_has_one(notifications, monkeypatch):
    notifications.deliver(TENANT_PROFILE_UPDATED, {**PROFILE, "has_logo": True}, event_id="evt-logo")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-1"), event_id="evt-invite-1")
    monkeypatch.setenv("PORTICO_BASE_URL", "https://portal.example")
    notifications.deliver(PORTAL_INVITATION_ISSUED, link("tok-2"), event_id="evt-invite-2")

    over_http, over_https = (message["html"] for message in notifications.messages())

    assert "<img" not in over_http  # a local run's portal: images over plain HTTP are not loaded anyway
    assert '<img src="https://portal.example/p/green/logo" alt="Green Acres"' in over_https
