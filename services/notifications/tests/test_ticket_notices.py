"""Tickets' events: a staff reply emails the client (its reply address hidden from staff), clients' tickets
and replies alert the staff chosen on the Alerts tab and the ticket's assignee."""
import pytest

from notifications.delivery import Courier, DeliverySettings, build_email
from notifications.models import Message
from notifications.ticket_notices import HIDDEN_REPLY_ADDRESS
from portico_testing.inprocess import SECRET_BOX
from shared.events import TENANT_PROFILE_UPDATED, TICKET_MESSAGE_ADDED, TICKET_OPENED

OWNER, COLLEAGUE, ASSIGNEE = 1, 2, 3
TOKEN = "tok-REPLY-0123456789abcdef"
SETTINGS = DeliverySettings(base_url="https://portal.example", inbound_domain="in.portal.example")


class Transport:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return "Sent through test."


@pytest.fixture
def tickets(notifications):
    notifications.settings = SETTINGS
    notifications.deliver(TENANT_PROFILE_UPDATED, {
        "tenant_id": 1, "slug": "green", "display_name": "Green Acres Lawn Care",
        "contact_email": "hello@green.example"})
    return notifications


def message(**fields):
    return {"ticket_id": 12, "number": 1007, "account_id": 7, "subject": "Gate code", "message_id": 40,
            "author_kind": "staff", "author_id": OWNER, "assignee_id": ASSIGNEE,
            "excerpt": "We will use the side gate on Tuesday.", "reply_token": TOKEN,
            "client_name": "Ann Lee", "notify_email": "ann@client.example", **fields}


def opened(**fields):
    return {"ticket_id": 12, "number": 1007, "account_id": 7, "category": "question", "subject": "Gate code",
            "assignee_id": ASSIGNEE, "opened_by": "client", "client_name": "Ann Lee", **fields}


def send_all(db):
    db.rollback()  # give the connection back: the courier works in sessions of its own
    transport = Transport()
    courier = Courier(db.get_bind(), transport, None, (5,), SECRET_BOX)
    while courier.deliver_next():
        pass
    return transport.sent


def test_a_staff_reply_emails_the_client_with_its_branding_excerpt_and_link(tickets):
    tickets.deliver(TICKET_MESSAGE_ADDED, message())
    [shown] = tickets.messages()
    assert shown["to"] == "ann@client.example"
    assert shown["subject"] == "Re: Gate code [ticket #1007]"
    assert "Green Acres Lawn Care" in shown["text"] and "side gate on Tuesday" in shown["text"]
    assert "https://portal.example/p/green/tickets/12" in shown["text"]
    assert "https://portal.example/p/green/tickets/12" in shown["html"]
    assert "— Reply above this line —" in shown["text"]


def test_the_reply_address_is_hidden_from_staff_and_only_in_the_copy_sent(tickets, db):
    tickets.deliver(TICKET_MESSAGE_ADDED, message())
    [shown] = tickets.messages()
    assert TOKEN not in str(shown)
    [row] = db.query(Message).all()
    assert row.reply_to == HIDDEN_REPLY_ADDRESS and TOKEN not in (row.sealed_secret or "")
    assert TOKEN not in row.text + row.html
    [sent] = send_all(db)
    email = build_email(sent, "no-reply@portal.example")
    assert email["Reply-To"] == f"reply+{TOKEN}@in.portal.example"
    db.expire_all()
    row = db.get(Message, row.id)
    assert row.status == "sent" and row.sealed_secret is None and row.reply_to == HIDDEN_REPLY_ADDRESS


def test_without_an_inbound_domain_the_email_answers_to_the_business(notifications, db):
    notifications.deliver(TICKET_MESSAGE_ADDED, message())
    [row] = db.query(Message).all()
    assert row.sealed_secret is None and TOKEN not in str(row.__dict__)
    assert "Reply above this line" not in row.text


def test_a_client_reply_or_a_reply_with_no_address_sends_no_email(tickets):
    tickets.deliver(TICKET_MESSAGE_ADDED, message(author_kind="client", author_id=None))
    tickets.deliver(TICKET_MESSAGE_ADDED, message(notify_email=None))
    assert tickets.messages() == []


def alerts_of(notifications, staff_id):
    return [(alert["action"], alert["text"], alert["link"])
            for alert in notifications.staff(staff_id).list_my_alerts()]


def test_a_client_reply_alerts_the_chosen_staff_and_the_assignee_once(tickets):
    tickets.staff().update_settings("alerts", {"ticket_replied": [OWNER]})
    body = tickets.deliver(TICKET_MESSAGE_ADDED, message(author_kind="client", author_id=None,
                                                         excerpt="Thanks, see you then."))
    tickets.deliver(TICKET_MESSAGE_ADDED, body["data"] | {"reply_token": TOKEN}, event_id=body["event_id"])
    expected = [("ticket_replied", "Ann Lee replied on ticket #1007 (Gate code): Thanks, see you then.",
                 "/staff/tickets/12")]
    assert alerts_of(tickets, OWNER) == alerts_of(tickets, ASSIGNEE) == expected
    assert alerts_of(tickets, COLLEAGUE) == []


def test_a_staff_reply_alerts_no_one(tickets):
    tickets.staff().update_settings("alerts", {"ticket_replied": [OWNER]})
    tickets.deliver(TICKET_MESSAGE_ADDED, message())
    assert alerts_of(tickets, OWNER) == alerts_of(tickets, ASSIGNEE) == []


def test_a_ticket_a_client_opened_alerts_the_staff_chosen_for_it(tickets):
    tickets.staff().update_settings("alerts", {"ticket_opened": [COLLEAGUE]})
    tickets.deliver(TICKET_OPENED, opened(ticket_id=11, number=1006, client_name=None))
    tickets.deliver(TICKET_OPENED, opened())
    tickets.deliver(TICKET_OPENED, opened(ticket_id=13, number=1008, opened_by="email", client_name=None))
    tickets.deliver(TICKET_OPENED, opened(ticket_id=14, number=1009, opened_by="staff"))
    # Without a name in the event: the one an earlier event gave, else the account's number.
    assert alerts_of(tickets, COLLEAGUE) == [
        ("ticket_opened", "Ann Lee opened ticket #1008 by email: Gate code", "/staff/tickets/13"),
        ("ticket_opened", "Ann Lee opened ticket #1007: Gate code", "/staff/tickets/12"),
        ("ticket_opened", "Account 7 opened ticket #1006: Gate code", "/staff/tickets/11")]
    assert alerts_of(tickets, ASSIGNEE) == []
