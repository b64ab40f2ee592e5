"""Issue 12's client messages: editable receipt, invoice and reminder emails; receipts of autopay charges to the
account's contact email; invoice emails with a pay link; visit reminders; each account's channel preferences."""
import pytest

from notifications.models import FeedItem
from portico_testing import inprocess
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.events import (ACCOUNT_SAVED, INVOICE_EMAIL_REQUESTED, PAYMENT_SUCCEEDED, TENANT_PROFILE_UPDATED,
                           TICKET_MESSAGE_ADDED, VISIT_REMINDER_DUE)

PROFILE = {"tenant_id": 1, "slug": "green", "display_name": "Green Acres", "contact_email": "office@green.example"}
ACCOUNT = 1  # the account of notifications.client()
CONTACT = {"account_id": ACCOUNT, "name": "Ann Lee", "contact_email": "ann@client.example",
           "mobile_phone": "+15550100199"}


def autopay_payment(**fields):
    return {"payment_id": 41, "account_id": ACCOUNT, "kind": "payment", "source": "autopay", "amount": 8_000,
            "method_kind": "card", "method_label": "Visa ending 4242", "invoices": [{"number": 1002, "applied": 8_000}],
            "receipt_to": None, **fields}


def invoice_request(**fields):
    return {"invoice_id": 55, "account_id": ACCOUNT, "number": 1007, "total": 15_000, "balance": 15_000,
            "due_on": "2026-07-01", "reason": "staff", **fields}


def reminder(**fields):
    return {"visit_id": 9, "account_id": ACCOUNT, "service": "Weekly mowing", "starts_at": "2026-06-04T09:00:00-05:00",
            "ends_at": "2026-06-04T11:30:00-05:00", "place": "12 Elm Street", **fields}


@pytest.fixture
def known(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, PROFILE)
    notifications.deliver(ACCOUNT_SAVED, CONTACT)
    return notifications


def choose(notifications, **prefs):
    return notifications.client().set_my_message_preferences(prefs)


# --- templates ------------------------------------------------------------------------------

def test_every_kind_starts_with_its_default_and_lists_its_placeholders(notifications):
    staff = notifications.staff()
    assert [item["kind"] for item in staff.list_message_templates()] == [
        "invitation", "receipt", "invoice", "visit_reminder"]
    invoice = staff.get_message_template("invoice")
    assert invoice["subject"] == "Invoice #{invoice_number} from {business_name}" and not invoice["customised"]
    assert "pay_link" in [item["name"] for item in invoice["placeholders"]]
    with pytest.raises(NotFound):
        staff.get_message_template("newsletter")


def test_a_custom_receipt_is_sanitised_filled_in_and_sent_for_an_autopay_charge(known):
    staff = known.staff()
    stored = staff.update_message_template("receipt", {
        "subject": "Thanks, {client_name}: {amount} received",
        "html": "<p>Dear {client_name}, we got {amount} for {invoice_numbers}.</p><script>x()</script>"})
    assert stored["customised"] and "script" not in stored["html"]
    known.deliver(PAYMENT_SUCCEEDED, autopay_payment())
    [receipt] = known.messages()
    assert (receipt["to"], receipt["kind"], receipt["subject"]) == (
        "ann@client.example", "payment_receipt", "Thanks, Ann Lee: $80.00 received")
    assert "Dear Ann Lee, we got $80.00 for #1002." in receipt["text"] and "Visa ending 4242" in receipt["text"]


def test_placeholder_values_are_escaped_in_the_html(known):
    known.deliver(ACCOUNT_SAVED, {**CONTACT, "name": "<b>Ann</b>"}, event_id="00000000-0000-0000-0000-00000000000b")
    known.staff().update_message_template("invoice", {"subject": "Invoice", "html": "<p>Hi {client_name}</p>"})
    known.deliver(INVOICE_EMAIL_REQUESTED, invoice_request())
    [email] = known.messages()
    assert "&lt;b&gt;Ann&lt;/b&gt;" in email["html"] and "<b>Ann</b>" not in email["html"]


@pytest.mark.parametrize("kind, template, field", [
    ("receipt", {"subject": "Hi {first_name}", "html": "<p>x</p>"}, "subject"),
    ("invoice", {"subject": "Invoice", "html": "<p>{visit_date}</p>"}, "html"),
    ("visit_reminder", {"subject": "Visit", "html": "<p>{pay_link}</p>"}, "html"),
    ("invitation", {"subject": "Welcome {amount}", "html": "<p>x</p>"}, "subject"),
])
def test_an_unknown_placeholder_is_a_field_error_and_changes_nothing(notifications, kind, template, field):
    staff = notifications.staff()
    before = staff.get_message_template(kind)
    with pytest.raises(InvalidInput) as refused:
        staff.update_message_template(kind, template)
    assert list(refused.value.fields) == [field] and "Unknown placeholder" in refused.value.fields[field][0]
    assert staff.get_message_template(kind) == before


def test_the_invitation_editor_and_the_generic_one_share_the_invitation(notifications):
    staff = notifications.staff()
    staff.update_invitation_template({"subject": "Welcome, {client_name}", "html": "<p>Hi</p>"})
    assert staff.get_message_template("invitation")["subject"] == "Welcome, {client_name}"
    staff.reset_message_template("invitation")
    assert staff.get_invitation_template()["subject"] == "Your client portal invitation"


@pytest.mark.parametrize("kind, subject", [("receipt", "[Sample] Receipt for your payment to Green Acres"),
                                           ("invoice", "[Sample] Invoice #1001 from Green Acres"),
                                           ("visit_reminder", "[Sample] Reminder: Weekly mowing on June 4, 2026")])
def test_a_sample_goes_to_the_staff_member_and_the_preview_shows_it(known, kind, subject):
    staff = known.staff()
    assert staff.preview_message_template(kind)["subject"] == subject
    staff.send_sample_message(kind, "owner@green.example")
    [sample] = known.messages()
    assert (sample["to"], sample["subject"], sample["kind"]) == ("owner@green.example", subject, f"sample_{kind}"
                                                                 if kind != "receipt" else "sample_payment_receipt")
    assert "[Client name]" in sample["text"] or kind == "receipt"


def test_the_templates_are_for_staff_only(notifications):
    for caller in (notifications.client(), notifications.called_by(inprocess.visitor(1))):
        for method, args in (("list_message_templates", ()), ("get_message_template", ("receipt",)),
                             ("update_message_template", ("receipt", {"subject": "x", "html": ""})),
                             ("reset_message_template", ("receipt",)), ("preview_message_template", ("receipt",)),
                             ("send_sample_message", ("receipt", "x@client.example"))):
            with pytest.raises(PermissionDenied):
                getattr(caller, method)(*args)


# --- receipts -------------------------------------------------------------------------------

def test_an_autopay_receipt_waits_for_nothing_but_needs_a_contact(notifications):
    notifications.deliver(TENANT_PROFILE_UPDATED, PROFILE)
    notifications.deliver(PAYMENT_SUCCEEDED, autopay_payment())
    assert notifications.messages() == []  # no address known: nothing to send to


def test_receipts_follow_the_accounts_channels(known):
    choose(known, receipts={"email": False, "sms": True})
    known.deliver(PAYMENT_SUCCEEDED, autopay_payment())
    known.deliver(PAYMENT_SUCCEEDED, autopay_payment(payment_id=42, source="portal", receipt_to="pay@client.example"))
    first, second = known.messages()
    assert {first["channel"], second["channel"]} == {"sms"}
    assert first["to"] == "+15550100199" and "$80.00" in first["text"]


def test_a_portal_payment_receipt_goes_to_the_payer_and_an_sms_too_when_chosen(known):
    choose(known, receipts={"email": True, "sms": True})
    known.deliver(PAYMENT_SUCCEEDED, autopay_payment(source="portal", receipt_to="pay@client.example"))
    email, sms = known.messages()
    assert (email["channel"], email["to"], sms["channel"], sms["to"]) == (
        "email", "pay@client.example", "sms", "+15550100199")


def test_receipts_go_to_the_contact_email_the_account_has_now(known):
    known.deliver(ACCOUNT_SAVED, {**CONTACT, "contact_email": "new@client.example"})
    known.deliver(PAYMENT_SUCCEEDED, autopay_payment())
    assert [message["to"] for message in known.messages()] == ["new@client.example"]


# --- invoices -------------------------------------------------------------------------------

def test_staff_email_an_invoice_with_a_link_to_pay_it(known):
    choose(known, invoices={"email": False, "sms": False})  # staff asked in so many words: it goes anyway
    known.deliver(INVOICE_EMAIL_REQUESTED, invoice_request(to_email="billing@client.example"))
    [email] = known.messages()
    assert (email["to"], email["subject"]) == ("billing@client.example", "Invoice #1007 from Green Acres")
    assert "http://127.0.0.1:8000/p/green/billing?select=55#pay-form" in email["text"]
    assert "July 1, 2026" in email["text"] and "$150.00" in email["text"]


def test_an_issued_invoice_follows_the_accounts_choice(known):
    choose(known, invoices={"email": False, "sms": True})
    known.deliver(INVOICE_EMAIL_REQUESTED, invoice_request(reason="issued"))
    [sms] = known.messages()
    assert sms["channel"] == "sms" and "/p/green/billing?select=55#pay-form" in sms["text"]


def test_an_invoice_email_goes_to_the_contact_email_once(known):
    body = known.deliver(INVOICE_EMAIL_REQUESTED, invoice_request(reason="issued"))
    known.deliver(INVOICE_EMAIL_REQUESTED, invoice_request(reason="issued"), event_id=body["event_id"])
    assert [message["to"] for message in known.messages()] == ["ann@client.example"]


# --- visit reminders ------------------------------------------------------------------------

def test_a_visit_reminder_emails_the_client_and_adds_a_feed_item(known):
    known.deliver(VISIT_REMINDER_DUE, reminder())
    [email] = known.messages()
    assert (email["to"], email["subject"]) == ("ann@client.example", "Reminder: Weekly mowing on June 4, 2026")
    assert "between 9:00 AM and 11:30 AM" in email["text"] and "12 Elm Street" in email["text"]
    [item] = known.db.query(FeedItem).all()
    assert (item.kind, item.link, item.account_id) == ("visit_reminder", "services", ACCOUNT)


def test_a_visit_reminder_by_sms_when_the_client_chose_it(known):
    choose(known, reminders={"email": False, "sms": True})
    known.deliver(VISIT_REMINDER_DUE, reminder(ends_at=None, starts_at="2026-06-04T00:00:00-05:00", place=None))
    [sms] = known.messages()
    assert (sms["channel"], sms["to"]) == ("sms", "+15550100199")
    assert sms["text"] == "Green Acres: a reminder of your visit for Weekly mowing on June 4, 2026, during the day."


# --- ticket replies -------------------------------------------------------------------------

def test_a_ticket_reply_follows_the_accounts_choice(known):
    choose(known, ticket_replies={"email": False, "sms": True})
    known.deliver(TICKET_MESSAGE_ADDED, {
        "ticket_id": 12, "number": 1007, "account_id": ACCOUNT, "subject": "Gate code", "message_id": 40,
        "author_kind": "staff", "author_id": 1, "assignee_id": 1, "excerpt": "Side gate.", "reply_token": None,
        "client_name": "Ann Lee", "notify_email": "ann@client.example"})
    [sms] = known.messages()
    assert sms["channel"] == "sms" and "/p/green/tickets/12" in sms["text"]


# --- preferences ----------------------------------------------------------------------------

def test_a_client_reads_and_sets_its_accounts_preferences(notifications):
    client = notifications.client()
    kinds = client.my_message_preferences()["kinds"]
    assert [item["kind"] for item in kinds] == ["receipts", "invoices", "reminders", "ticket_replies",
                                                "announcements"]
    assert all(item["email"] and not item["sms"] for item in kinds)
    changed = client.set_my_message_preferences({"reminders": {"email": False, "sms": True}})["kinds"]
    assert [(item["email"], item["sms"]) for item in changed if item["kind"] == "reminders"] == [(False, True)]
    other = notifications.called_by(inprocess.client(1, 2, 2)).my_message_preferences()["kinds"]
    assert all(item["email"] and not item["sms"] for item in other)  # another account keeps its own


@pytest.mark.parametrize("prefs, field", [
    ({"newsletter": {"email": True, "sms": False}}, "newsletter"),
    ({"receipts": {"email": "yes", "sms": False}}, "receipts.email"),
    ({"receipts": {"email": True}}, "receipts.sms"),
])
def test_bad_preferences_are_field_errors_and_change_nothing(notifications, prefs, field):
    client = notifications.client()
    before = client.my_message_preferences()
    with pytest.raises(InvalidInput) as refused:
        client.set_my_message_preferences(prefs)
    assert field in refused.value.fields
    assert client.my_message_preferences() == before


def test_preferences_are_a_signed_in_clients_own(notifications):
    for caller in (notifications.staff(), notifications.called_by(inprocess.visitor(1))):
        for method, args in (("my_message_preferences", ()), ("set_my_message_preferences", ({},))):
            with pytest.raises(PermissionDenied):
                getattr(caller, method)(*args)
