"""Mail to a business's support address, sent through the SMTP endpoint the test System runs: a known client's
mail opens a ticket in the staff inbox; an unknown sender, a business not taking tickets and another business's
client are refused in SMTP and open nothing; the same Message-ID twice opens one ticket."""
import smtplib
from email.message import EmailMessage

import pytest

from portico_testing import wait_for
from tests.conftest import INBOUND_DOMAIN
from tests.test_tickets_api import API, Business, jpeg

pytestmark = pytest.mark.backends("postgresql")


def support_address(business):
    return business.staff("GET", "/settings/tickets/support-address")["address"]


def send(business, sender, message_id="<support-1@client.example>", to=None):
    """Send a mail to ``business``'s support address; return the SMTP error, or None when it was accepted."""
    mail = EmailMessage()
    mail["From"], mail["To"] = sender, to or support_address(business)
    mail["Subject"], mail["Message-ID"] = "Sprinkler head broken", message_id
    mail.set_content("The sprinkler by the porch is broken.\n\nOn Monday the business wrote:\n> earlier news")
    mail.add_attachment(jpeg(), maintype="image", subtype="jpeg", filename="sprinkler.jpg")
    try:
        with smtplib.SMTP("127.0.0.1", business.system.inbound_smtp_port, timeout=30) as smtp:
            smtp.send_message(mail)
    except smtplib.SMTPDataError as error:
        return error
    return None


def inbox(business):
    return business.staff("GET", "/tickets")["items"]


@pytest.fixture
def business(system):
    return Business(system)


def test_a_client_s_mail_to_the_support_address_opens_a_ticket_in_the_staff_inbox(business):
    address = support_address(business)
    assert address == f"support+{business.tenant['slug']}@{INBOUND_DOMAIN}"
    page = business.system.http.get("/staff/settings/tickets", headers=business.staff_headers)
    assert address in page.get_data(as_text=True)
    owner_id = business.tenant["owner"]["id"]
    business.settings(ticket_assignee_id=owner_id)
    business.staff("PATCH", "/settings/alerts", json={"ticket_opened": [owner_id]})
    assert send(business, f"Casey <{business.client_record['email'].upper()}>") is None
    (item,) = wait_for(lambda: inbox(business) or None, timeout=20, message="the mailed ticket in the inbox")
    assert (item["subject"], item["opened_by"], item["unread"], item["category"], item["assignee_id"]) == (
        "Sprinkler head broken", "email", True, "General", owner_id)
    (alert,) = wait_for(lambda: business.staff("GET", "/alerts")["items"] or None, timeout=20,
                        message="the ticket-opened alert")
    assert alert["action"] == "ticket_opened" and f"#{item['number']} by email" in alert["text"]
    assert item["client_name"] == business.client_record["name"]
    ticket = business.staff("GET", f"/tickets/{item['id']}")
    (message,) = ticket["messages"]
    assert (message["body"], message["via"]) == ("The sprinkler by the porch is broken.", "email")
    (photo,) = message["attachments"]
    download = business.system.http.get(f"{API}/tickets/{item['id']}/attachments/{photo['id']}",
                                        headers=business.staff_headers)
    assert download.status_code == 200 and download.mimetype == "image/jpeg"
    assert [t["id"] for t in business.client("GET", "/tickets")["items"]] == [item["id"]]


def test_the_same_message_id_twice_opens_one_ticket(business):
    assert send(business, business.client_record["email"]) is None
    assert send(business, business.client_record["email"]) is None
    assert len(inbox(business)) == 1


def test_an_unknown_sender_is_refused_with_a_reason_and_opens_nothing(business):
    error = send(business, "stranger@example.com")
    assert error.smtp_code == 550 and b"clients only" in error.smtp_error
    assert inbox(business) == []


def test_while_clients_may_not_open_tickets_a_mail_is_refused_and_opens_nothing(business):
    business.settings(tickets_enabled=False)
    error = send(business, business.client_record["email"])
    assert error.smtp_code == 550 and b"does not take tickets by email" in error.smtp_error
    assert inbox(business) == []


def test_another_business_s_client_writing_to_this_business_opens_nothing_anywhere(business, system):
    other = Business(system)
    error = send(business, other.client_record["email"])
    assert error.smtp_code == 550
    assert inbox(business) == [] and inbox(other) == []


def test_anyone_on_the_bus_learns_ids_only_and_opens_nothing_for_another_business_s_client(business, system):
    other, slug = Business(system), business.tenant["slug"]
    found = system.rpc.call("accounts", "find_mail_sender", slug, business.client_record["email"])
    assert found == {"tenant_id": business.tenant["id"], "account_id": business.client_record["id"],
                     "portal_user_id": found["portal_user_id"]} and found["portal_user_id"] is not None
    assert system.rpc.call("accounts", "find_mail_sender", slug, other.client_record["email"])["account_id"] is None
    answer = system.rpc.call("tickets", "open_ticket_from_mail", {
        "slug": slug, "from_address": other.client_record["email"], "text": "Intruder", "mail_id": "<bus-1@x>"})
    assert answer == {"outcome": "unknown_sender"} and inbox(business) == [] and inbox(other) == []
