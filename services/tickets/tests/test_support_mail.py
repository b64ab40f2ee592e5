"""Mail to a business's support address (as notifications hands it over) opens a ticket for a known client."""
import pytest
from sqlalchemy import func, select

from shared.errors import InvalidInput
from tickets.models import Ticket

CLIENT_MAIL = "Client-42@Example.com"  # a client of business 1 (green-acres), as the stand-in accounts says


def support_mail(slug="green-acres", from_address=CLIENT_MAIL, mail_id="<s1@client.example>", **fields):
    return {"slug": slug, "from_address": from_address, "subject": "Gate  left\topen", "mail_id": mail_id,
            "text": "The gate was left open after the visit.", "attachments": [], **fields}


def tickets_count(db):
    return db.scalar(select(func.count(Ticket.id)))


def test_a_known_client_s_mail_opens_a_ticket_as_a_portal_ticket_would_be(business, files):
    business.settings(ticket_assignee_id=8)
    good, bad = business.upload(files["photo"]()), business.upload(b"<html>not a photo</html>")
    answer = business.system().open_ticket_from_mail(support_mail(attachments=[
        {"blob_id": good, "filename": "gate.jpg"}, {"blob_id": bad, "filename": "gate2.png"}]))
    assert answer["outcome"] == "opened"
    [listed] = business.staff().list_tickets({})["items"]
    assert (listed["id"], listed["unread"]) == (answer["ticket_id"], True)  # new in the staff inbox
    ticket = business.staff().get_ticket(answer["ticket_id"])
    assert (ticket["subject"], ticket["category"], ticket["account_id"]) == ("Gate left open", "General", 42)
    assert (ticket["opened_by"], ticket["assignee_id"], ticket["status"]) == ("email", 8, "open")
    [message] = ticket["messages"]
    assert (message["body"], message["via"], message["author_kind"]) == (
        "The gate was left open after the visit.", "email", "client")
    assert [item["filename"] for item in message["attachments"]] == ["gate.jpg"]
    (_, opened), = business.events("ticket_opened")
    assert (opened["opened_by"], opened["assignee_id"], opened["account_id"]) == ("email", 8, 42)
    assert [t["id"] for t in business.client().my_tickets("open")["items"]] == [answer["ticket_id"]]


def test_the_same_message_id_twice_opens_one_ticket(business, db):
    first = business.system().open_ticket_from_mail(support_mail())
    again = business.system().open_ticket_from_mail(support_mail(text="Sent twice by the server."))
    assert (first["outcome"], again) == ("opened", {"outcome": "duplicate"})
    assert tickets_count(db) == 1 and len(business.events("ticket_opened")) == 1


def test_the_whole_text_of_a_long_mail_is_the_opening_message(business):
    text = "Words about the hedge. " * 200  # far over the portal's 500 characters
    answer = business.system().open_ticket_from_mail(support_mail(text=text, subject=""))
    ticket = business.staff().get_ticket(answer["ticket_id"])
    assert ticket["messages"][0]["body"] == text.strip()
    assert ticket["subject"].startswith("Words about the hedge.")  # no subject: the first line, shortened


def test_an_unknown_sender_or_business_opens_nothing(business, db):
    assert business.system().open_ticket_from_mail(support_mail(from_address="stranger@example.com")) == {
        "outcome": "unknown_sender"}
    assert business.system().open_ticket_from_mail(support_mail(slug="no-such-business")) == {
        "outcome": "no_business"}
    assert tickets_count(db) == 0 and business.events("ticket_opened") == []


def test_another_business_s_client_writing_here_opens_nothing_in_either(business, other_business, db):
    answer = business.system().open_ticket_from_mail(support_mail(from_address="client-142@example.com"))
    assert answer == {"outcome": "unknown_sender"} and tickets_count(db) == 0
    theirs = business.system().open_ticket_from_mail(support_mail(slug="blue-sky", from_address="client-142@example.com"))
    assert db.get(Ticket, theirs["ticket_id"]).tenant_id == 2  # at their own business's address, it does


def test_nothing_is_opened_while_clients_may_not_open_tickets(business, db):
    business.settings(tickets_enabled=False)
    assert business.system().open_ticket_from_mail(support_mail()) == {"outcome": "not_taken"}
    assert tickets_count(db) == 0
    business.settings(tickets_enabled=True)  # and the same mail, sent again later, is taken
    assert business.system().open_ticket_from_mail(support_mail())["outcome"] == "opened"


def test_the_first_category_offered_is_taken_when_general_is_not(business):
    business.settings(ticket_categories=["Cancel", "Reschedule"])
    answer = business.system().open_ticket_from_mail(support_mail())
    assert business.staff().get_ticket(answer["ticket_id"])["category"] == "Reschedule"  # first in the table's order


@pytest.mark.parametrize("change", [{"mail_id": ""}, {"text": "x" * 20_001}, {"token": "extra"},
                                    {"attachments": [{"blob_id": "../etc/passwd", "filename": "x"}]}])
def test_a_malformed_request_is_refused_and_opens_nothing(business, db, change):
    with pytest.raises(InvalidInput):
        business.system().open_ticket_from_mail(support_mail(**change))
    assert tickets_count(db) == 0
