"""Chat threads in-process: who may start, read and reply in which thread, unread counts, polling, the setting."""
import pytest
from sqlalchemy import select

from portico_testing import inprocess
from portico_testing.inprocess import outbox_writer, service_worker
from shared.errors import InvalidInput, NotFound, PermissionDenied
from tickets.models import platform
from tickets.service import TicketsService

TENANT, ACCOUNT, OTHER_ACCOUNT, OTHER_BUSINESS_ACCOUNT = 1, 42, 43, 9_999  # conftest.Accounts: 9_999 is not ours


@pytest.fixture
def worker(db, accounts):
    def make(caller):
        return service_worker(TicketsService, db, caller, outbox=outbox_writer(platform, caller), accounts=accounts)
    return make


@pytest.fixture
def desk(worker):
    return worker(inprocess.staff(TENANT, 7))


@pytest.fixture
def client(worker):
    return worker(inprocess.client(TENANT, 5, ACCOUNT, "view"))


def events(db):
    rows = db.execute(select(platform.outbox.c.event_type, platform.outbox.c.body)
                      .order_by(platform.outbox.c.id)).all()
    return [(row.event_type, row.body["data"]) for row in rows if row.event_type == "chat_message_added"]


def test_a_client_starts_a_thread_and_staff_see_it_unread(client, desk, db):
    started = client.start_my_chat_thread({"subject": "Gate code", "body": "The gate code changed to 4411."})
    assert started["thread"]["account_id"] == ACCOUNT and started["thread"]["started_by"] == "client"
    assert [m["body"] for m in started["messages"]] == ["The gate code changed to 4411."]
    assert started["messages"][0]["author_kind"] == "client" and started["messages"][0]["author_id"] == 5
    assert client.count_my_unread_chat() == 0
    assert desk.count_unread_chat() == 1
    listing = desk.list_chat_threads({"unread_only": True})
    assert [(t["subject"], t["unread"]) for t in listing["threads"]] == [("Gate code", 1)]
    assert listing["unread"] == 1
    kind, data = events(db)[0]
    assert data["author_kind"] == "client" and data["new_thread"] and data["account_id"] == ACCOUNT
    assert data["excerpt"] == "The gate code changed to 4411."


def test_opening_a_thread_marks_it_read_for_that_side_only(client, desk):
    thread_id = client.start_my_chat_thread({"subject": "Hi", "body": "One"})["thread"]["id"]
    client.reply_my_chat_thread(thread_id, {"body": "Two"})
    assert desk.count_unread_chat() == 2
    opened = desk.get_chat_thread(thread_id)
    assert [m["body"] for m in opened["messages"]] == ["One", "Two"]
    assert desk.count_unread_chat() == 0 and desk.list_chat_threads({"unread_only": True})["threads"] == []
    desk.reply_chat_thread(thread_id, {"body": "Three"})
    desk.reply_chat_thread(thread_id, {"body": "Four"})
    assert client.count_my_unread_chat() == 2 and desk.count_unread_chat() == 0
    assert client.list_my_chat_threads()["threads"][0]["unread"] == 2
    client.get_my_chat_thread(thread_id)
    assert client.count_my_unread_chat() == 0


def test_new_messages_since_an_id_for_polling(client, desk):
    opened = client.start_my_chat_thread({"subject": "Hi", "body": "One"})
    thread_id, last = opened["thread"]["id"], opened["messages"][-1]["id"]
    assert client.my_chat_messages_since(thread_id, last)["messages"] == []
    desk.reply_chat_thread(thread_id, {"body": "Two"})
    assert client.count_my_unread_chat() == 1
    new = client.my_chat_messages_since(thread_id, last)["messages"]
    assert [(m["body"], m["author_kind"]) for m in new] == [("Two", "staff")]
    assert client.count_my_unread_chat() == 0
    assert desk.chat_messages_since(thread_id, 0)["messages"][0]["body"] == "One"
    with pytest.raises(InvalidInput):
        client.my_chat_messages_since(thread_id, -1)


def test_staff_start_a_thread_only_with_a_client_of_their_business(desk, client, accounts, db):
    with pytest.raises(NotFound):
        desk.start_chat_thread({"account_id": OTHER_BUSINESS_ACCOUNT, "subject": "Hi", "body": "Hello"})
    assert desk.list_chat_threads()["threads"] == [] and events(db) == []
    started = desk.start_chat_thread({"account_id": ACCOUNT, "subject": "Spring visit", "body": "Does May 3 suit?"})
    assert accounts.asked == [OTHER_BUSINESS_ACCOUNT, ACCOUNT]
    assert started["thread"]["started_by"] == "staff" and started["messages"][0]["author_id"] == 7
    assert client.count_my_unread_chat() == 1
    assert [t["subject"] for t in client.list_my_chat_threads()["threads"]] == ["Spring visit"]
    assert desk.list_chat_threads({"account_id": OTHER_ACCOUNT})["threads"] == []
    assert desk.list_chat_threads({"account_id": ACCOUNT})["total"] == 1


def test_a_client_sees_only_their_accounts_threads(desk, worker):
    thread_id = desk.start_chat_thread({"account_id": ACCOUNT, "subject": "Yours", "body": "Hello"})["thread"]["id"]
    neighbour = worker(inprocess.client(TENANT, 6, OTHER_ACCOUNT, "manage"))
    assert neighbour.list_my_chat_threads()["threads"] == [] and neighbour.count_my_unread_chat() == 0
    for call in (lambda: neighbour.get_my_chat_thread(thread_id),
                 lambda: neighbour.reply_my_chat_thread(thread_id, {"body": "Mine now"}),
                 lambda: neighbour.my_chat_messages_since(thread_id, 0)):
        with pytest.raises(NotFound):
            call()
    other_business = worker(inprocess.staff(TENANT + 1, 7))
    with pytest.raises(NotFound):
        other_business.get_chat_thread(thread_id)
    assert other_business.list_chat_threads()["threads"] == []


def test_clients_and_staff_use_only_their_own_side(client, desk, worker):
    with pytest.raises(PermissionDenied):
        client.list_chat_threads()
    with pytest.raises(PermissionDenied):
        desk.list_my_chat_threads()
    with pytest.raises(PermissionDenied):
        worker(inprocess.visitor(TENANT)).start_my_chat_thread({"subject": "Hi", "body": "Hello"})


def test_with_new_threads_off_clients_only_reply_in_threads_staff_started(client, desk, db):
    desk.update_settings("tickets", {"allow_new_chat_threads": False})
    assert client.list_my_chat_threads()["can_start"] is False
    with pytest.raises(PermissionDenied):
        client.start_my_chat_thread({"subject": "Hi", "body": "Hello"})
    assert desk.list_chat_threads()["threads"] == []
    thread_id = desk.start_chat_thread({"account_id": ACCOUNT, "subject": "Visit", "body": "Is May fine?"})["thread"]["id"]
    assert client.reply_my_chat_thread(thread_id, {"body": "Yes"})["body"] == "Yes"
    desk.update_settings("tickets", {"allow_new_chat_threads": True})
    assert client.list_my_chat_threads()["can_start"] is True


@pytest.mark.parametrize("message, field", [
    ({"body": ""}, "body"), ({"body": "   \n "}, "body"), ({"body": "x" * 4001}, "body"),
    ({"body": "bell\x07"}, "body"), ({}, "body"), ({"body": 5}, "body"), ({"body": "Hi", "file": "b_1"}, "file"),
], ids=["empty", "blank", "too long", "control character", "missing", "not text", "an attachment"])
def test_a_bad_message_is_refused_and_adds_nothing(client, desk, db, message, field):
    thread_id = client.start_my_chat_thread({"subject": "Hi", "body": "One"})["thread"]["id"]
    with pytest.raises(InvalidInput) as error:
        client.reply_my_chat_thread(thread_id, message)
    assert field in error.value.fields
    with pytest.raises(InvalidInput):
        desk.reply_chat_thread(thread_id, message)
    assert len(desk.get_chat_thread(thread_id)["messages"]) == 1 and len(events(db)) == 1


def test_lines_in_a_message_are_kept_and_a_subject_is_one_line(client):
    assert client.start_my_chat_thread({"subject": "Hi", "body": "Line one\nLine two\tend"})[
        "messages"][0]["body"] == "Line one\nLine two\tend"
    for subject in ("", "two\nlines", "x" * 201):
        with pytest.raises(InvalidInput) as error:
            client.start_my_chat_thread({"subject": subject, "body": "Hello"})
        assert "subject" in error.value.fields


@pytest.mark.parametrize("thread_id", [0, -1, "1", True, 10 ** 19, None])
def test_an_id_that_names_nothing_is_not_found(client, desk, thread_id):
    client.start_my_chat_thread({"subject": "Hi", "body": "One"})
    with pytest.raises(NotFound):
        desk.get_chat_thread(thread_id)
    with pytest.raises(NotFound):
        client.reply_my_chat_thread(thread_id, {"body": "Hi"})
