"""Tickets: opening one, the conversation both ways, unread markers, the staff inbox, assignment and status."""
import pytest
from alembic import command
from sqlalchemy.orm import Session

from portico_testing import at_once
from shared.db import make_engine
from shared.errors import InvalidInput, NotFound, PermissionDenied, ServiceTimeout
from tickets import text, ticketing
from tickets.models import Ticket

ACCOUNT, OTHER_ACCOUNT, STAFF_ID, TENANT = 42, 43, 7, 1


def test_a_client_opens_a_ticket_numbered_for_the_business_and_assigned_as_the_tab_says(business):
    business.settings(ticket_assignee_id=8)
    first = business.open("The gate was left open.\nPlease close it next time.")
    second = business.open("Second question")
    assert (first["number"], second["number"]) == (1, 2)
    ticket = business.staff().get_ticket(first["id"])
    assert ticket["status"] == "open" and ticket["assignee_id"] == 8 and ticket["account_id"] == ACCOUNT
    assert ticket["subject"] == "The gate was left open." and ticket["opened_by"] == "client"
    assert [m["body"] for m in ticket["messages"]] == ["The gate was left open.\nPlease close it next time."]
    (kind, opened), _ = business.events()
    assert kind == "ticket_opened" and opened["number"] == 1 and opened["assignee_id"] == 8
    assert opened["category"] == "General" and opened["account_id"] == ACCOUNT


def test_numbers_are_per_business(business, other_business):
    business.open()
    assert other_business.open()["number"] == 1


def test_a_reference_says_what_the_ticket_is_about_as_billing_names_the_visit(business):
    opened = business.open(reference={"kind": "visit", "id": 31, "label": "My own words"})
    assert business.client().my_ticket(opened["id"])["reference"] == {
        "kind": "visit", "id": 31, "label": "Lawn mowing on Sun 3 May 2026, 09:00-11:00"}
    assert business.billing.asked == [31]


def test_a_visit_of_another_account_is_not_found_and_no_ticket_is_opened(business):
    with pytest.raises(NotFound):
        business.open(reference={"kind": "visit", "id": 32, "label": "Someone else's visit"})
    assert business.events("ticket_opened") == []
    with pytest.raises(InvalidInput) as error:
        business.open(reference={"kind": "estimate", "id": 1, "label": "x"})
    assert "reference.kind" in error.value.fields


@pytest.mark.parametrize("subject", ["👨‍👩‍👧" * 150, "Hedge " * 60])
def test_a_given_subject_is_cut_to_whole_characters_that_fit_its_column(subject):
    cut = ticketing.subject_of({"subject": subject, "body": "Hi"})
    assert len(cut) <= Ticket.subject.type.length and cut.endswith("…")
    kept = text.graphemes(cut[:-1])
    assert kept == text.graphemes(subject)[:len(kept)]  # whole characters: no family split into its members


@pytest.mark.parametrize("body, accepted", [
    ("a" * 499, True), ("a" * 500, False),
    ("👍🏽" * 499, True),  # one thumb with a skin tone is one character, though two code points
    ("👨‍👩‍👧" * 499, True),  # a family joined by zero-width joiners is one character
    ("🇫🇷" * 499, True), ("🇫🇷" * 500, False),
    ("é" * 499, True),  # e + combining accent
    ("   ", False), ("", False),
])
def test_the_opening_message_is_under_500_characters_as_a_reader_counts_them(business, body, accepted):
    if accepted:
        subject = business.client().my_ticket(business.open(body)["id"])["subject"]
        # the subject, cut from the first line, fits its column as PostgreSQL counts (code points)
        assert subject.endswith("…") and len(subject) <= Ticket.subject.type.length
    else:
        with pytest.raises(InvalidInput) as error:
            business.open(body)
        assert "body" in error.value.fields
        assert business.staff().list_tickets()["total"] == 0


def test_a_client_may_only_choose_a_category_offered_to_clients(business):
    with pytest.raises(InvalidInput) as error:
        business.client().open_my_ticket({"category_id": business.category("Cancel"), "body": "Hi"})
    assert "category_id" in error.value.fields
    with pytest.raises(InvalidInput):
        business.client().open_my_ticket({"category_id": 10 ** 18 - 1, "body": "Hi"})


def test_messages_go_both_ways_with_unread_markers_for_each_side(business):
    opened = business.open()
    assert business.staff().list_tickets()["items"][0]["unread"] is True
    business.staff().get_ticket(opened["id"])
    assert business.staff().list_tickets()["items"][0]["unread"] is False
    business.staff().reply_to_ticket(opened["id"], {"body": "We will close it."})
    assert business.client().my_tickets("open")["items"][0]["unread"] is True
    seen = business.client().my_ticket(opened["id"])
    assert [m["author_kind"] for m in seen["messages"]] == ["client", "staff"]
    assert business.client().my_tickets("open")["items"][0]["unread"] is False
    business.client().reply_to_my_ticket(opened["id"], {"body": "Thank you!"})
    assert business.staff().ticket_counts() == {"open": 1, "unread": 1, "mine": 0}


def test_a_staff_reply_carries_the_reply_token_and_a_client_reply_does_not(business, db):
    from tickets.models import Ticket
    opened = business.open()
    business.staff().reply_to_ticket(opened["id"], {"body": "On our way."})
    business.client().reply_to_my_ticket(opened["id"], {"body": "Great."})
    (_, staff_reply), (_, client_reply) = business.events("ticket_message_added")
    token = db.get(Ticket, opened["id"]).reply_token
    assert staff_reply["reply_token"] == token and len(token) >= 32
    assert staff_reply["author_kind"] == "staff" and staff_reply["author_id"] == STAFF_ID
    assert client_reply["reply_token"] is None and client_reply["excerpt"] == "Great."
    assert "reply_token" not in business.staff().get_ticket(opened["id"])
    assert "reply_token" not in business.client().my_ticket(opened["id"])


def test_a_staff_reply_says_where_the_client_is_emailed_and_is_kept_when_accounts_cannot_say(business):
    opened = business.open()
    business.staff().reply_to_ticket(opened["id"], {"body": "On our way."})
    business.accounts.get_client = lambda account_id: (_ for _ in ()).throw(ServiceTimeout("accounts is slow"))
    business.staff().reply_to_ticket(opened["id"], {"body": "Still on our way."})
    (_, told), (_, untold) = business.events("ticket_message_added")
    assert (told["notify_email"], told["client_name"]) == (f"client-{ACCOUNT}@example.com", f"Client {ACCOUNT}")
    assert untold["notify_email"] is None and untold["excerpt"] == "Still on our way."


def test_clients_see_open_pending_and_on_hold_as_open(business):
    opened = business.open()
    for status in ("pending", "on_hold"):
        business.staff().set_ticket_status(opened["id"], {"status": status})
        assert business.client().my_ticket(opened["id"])["status"] == "open"
        assert business.staff().get_ticket(opened["id"])["status"] == status


def test_a_closed_ticket_moves_to_the_closed_view_and_a_client_reply_reopens_it(business):
    opened = business.open()
    business.staff().set_ticket_status(opened["id"], {"status": "closed"})
    assert business.client().my_tickets("open")["items"] == []
    assert [t["id"] for t in business.client().my_tickets("closed")["items"]] == [opened["id"]]
    assert business.staff().get_ticket(opened["id"])["closed_at"] is not None
    business.client().reply_to_my_ticket(opened["id"], {"body": "It is open again."})
    assert business.staff().get_ticket(opened["id"])["status"] == "open"
    business.staff().set_ticket_status(opened["id"], {"status": "closed"})
    business.staff().set_ticket_status(opened["id"], {"status": "open"})  # staff reopen
    assert business.client().my_tickets("open")["items"][0]["id"] == opened["id"]


def test_a_client_sees_only_their_account_tickets(business):
    mine = business.open()
    theirs = business.open(client=business.client(OTHER_ACCOUNT))
    assert [t["id"] for t in business.client().my_tickets("open")["items"]] == [mine["id"]]
    for call in (lambda c: c.my_ticket(theirs["id"]),
                 lambda c: c.reply_to_my_ticket(theirs["id"], {"body": "Mine now"}),
                 lambda c: c.my_ticket_attachment(theirs["id"], 1)):
        with pytest.raises(NotFound):
            call(business.client())


def test_another_business_tickets_are_not_found_by_staff(business, other_business):
    theirs = other_business.open()
    with pytest.raises(NotFound):
        business.staff().get_ticket(theirs["id"])
    with pytest.raises(NotFound):
        business.staff().reply_to_ticket(theirs["id"], {"body": "x"})
    assert business.staff().list_tickets()["total"] == 0


def test_staff_entrypoints_refuse_clients(business):
    opened = business.open()
    for call in (lambda c: c.list_tickets(), lambda c: c.get_ticket(opened["id"]),
                 lambda c: c.set_ticket_status(opened["id"], {"status": "closed"}), lambda c: c.ticket_counts()):
        with pytest.raises(PermissionDenied):
            call(business.client())


def test_assignment_is_to_a_member_of_the_staff(business):
    opened = business.open()
    business.staff().assign_ticket(opened["id"], {"assignee_id": 8})
    assert business.staff(8).ticket_counts()["mine"] == 1
    with pytest.raises(InvalidInput) as error:
        business.staff().assign_ticket(opened["id"], {"assignee_id": 99})
    assert "assignee_id" in error.value.fields
    business.staff().assign_ticket(opened["id"], {"assignee_id": None})
    assert business.staff().get_ticket(opened["id"])["assignee_id"] is None


def test_a_status_must_be_one_of_the_four(business):
    opened = business.open()
    with pytest.raises(InvalidInput):
        business.staff().set_ticket_status(opened["id"], {"status": "resolved"})


def test_the_inbox_filters_and_pages(business):
    business.settings(ticket_categories=["General", "Lawn"])
    lawn = business.category("Lawn")
    first = business.open("Mower left tracks")
    business.client(OTHER_ACCOUNT).open_my_ticket({"category_id": lawn, "body": "Hedge question"})
    business.staff().set_ticket_status(first["id"], {"status": "pending"})
    business.staff().assign_ticket(first["id"], {"assignee_id": 8})
    business.staff().reply_to_ticket(first["id"], {"body": "About the sprinkler"})
    staff = business.staff()

    def subjects(**filters):
        return [item["subject"] for item in staff.list_tickets(filters)["items"]]

    assert subjects() == ["Mower left tracks", "Hedge question"]
    assert subjects(status="pending") == ["Mower left tracks"]
    assert subjects(status="active") == subjects()
    assert subjects(category_id=lawn) == ["Hedge question"]
    assert subjects(assignee_id=8) == ["Mower left tracks"] and subjects(unassigned=True) == ["Hedge question"]
    assert subjects(account_id=OTHER_ACCOUNT) == ["Hedge question"]
    assert subjects(text="SPRINKLER") == ["Mower left tracks"] and subjects(text="hedge") == ["Hedge question"]
    assert subjects(text="100%") == []
    assert subjects(unread=True) == ["Hedge question"]
    for _ in range(30):
        business.open("More")
    first = staff.list_tickets()
    page = staff.list_tickets({"cursor": first["next"]})
    assert (page["total"], len(page["items"]), page["next"]) == (32, 7, None)
    with pytest.raises(InvalidInput):
        staff.list_tickets({"status": "lost"})


def test_staff_open_a_ticket_for_their_own_client_only(business):
    opened = business.staff().open_ticket_for_client({"account_id": ACCOUNT, "category_id": business.category("Cancel"),
                                                      "body": "Client called to cancel Tuesday."})
    assert business.client().my_tickets("open")["items"][0]["unread"] is True
    assert business.client().my_ticket(opened["id"])["opened_by"] == "staff"
    staff_view = business.staff().get_ticket(opened["id"])
    assert staff_view["assignee_id"] == STAFF_ID and staff_view["opened_by_id"] == STAFF_ID
    assert business.accounts.asked == [ACCOUNT]
    business.staff().open_ticket_for_client({"account_id": ACCOUNT, "category_id": business.category(), "body": "x"})
    assert business.accounts.asked == [ACCOUNT]  # confirmed once, remembered
    with pytest.raises(NotFound):
        business.staff().open_ticket_for_client({"account_id": 9_999, "category_id": business.category(),
                                                 "body": "x"})
    with pytest.raises(NotFound):  # another business's category: refused before the account is asked about
        business.staff().open_ticket_for_client({"account_id": 8_888, "category_id": 987_654, "body": "x"})
    assert business.accounts.asked == [ACCOUNT, 9_999]
    assert business.staff().list_tickets()["total"] == 2


def test_a_long_conversation_is_sent_newest_first_within_the_message_cap(business):
    import json
    opened = business.open()
    for n in range(20):
        business.staff().reply_to_ticket(opened["id"], {"body": f"{n} " + "🌿" * 4_990})
    for answer in (business.staff().get_ticket(opened["id"]), business.client().my_ticket(opened["id"])):
        assert len(json.dumps(answer).encode()) < 64 * 1024
        assert answer["earlier_messages"] > 0
        assert answer["messages"][-1]["body"].startswith("19 ")
        assert len(answer["messages"]) + answer["earlier_messages"] == 21


def test_first_tickets_opened_at_once_are_numbered_one_each(tickets_database):
    """Eight instances, each with its own engine, number the first tickets of a business at the same moment: each
    gets a number of its own (on SQLite too, where each waits its turn for the file's write lock)."""
    config, engine = tickets_database
    command.upgrade(config, "head")

    def number_one(ready):
        own = make_engine(engine.url.render_as_string(hide_password=False))
        with Session(own) as session:
            ready()
            number = ticketing.next_number(session, TENANT)
            session.commit()
        own.dispose()
        return number

    numbers = at_once(8, number_one)
    assert sorted(numbers) == list(range(1, 9))
