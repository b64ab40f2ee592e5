"""Keyset paging of tickets' lists: a page, the next one from its cursor, the edges, and cursors used elsewhere."""
import pytest

from shared.errors import InvalidInput
from tickets import paging

ACCOUNT, OTHER_ACCOUNT = 42, 43


def pages(fetch, key="items"):
    """Every page ``fetch(page)`` gives, following ``next``: [[ids of a page], ...]."""
    found, cursor = [], None
    while True:
        answer = fetch({"cursor": cursor} if cursor else {})
        found.append([item["id"] for item in answer[key]])
        cursor = answer["next"]
        if cursor is None:
            return found


def open_tickets(business, count, client=None):
    return [business.open(f"Question {n}", client=client)["id"] for n in range(count)]


@pytest.mark.parametrize("count, expected", [(0, [[]]), (3, [[2, 1, 0]]), (4, [[3, 2, 1], [0]]),
                                             (6, [[5, 4, 3], [2, 1, 0]])])
def test_a_client_pages_through_their_tickets_newest_first(business, count, expected):
    ids = open_tickets(business, count)
    got = pages(lambda page: business.client().my_tickets("open", {**page, "limit": 3}))
    assert got == [[ids[n] for n in page] for page in expected]


def test_a_ticket_active_again_leads_and_the_pages_never_repeat_a_ticket(business):
    ids = open_tickets(business, 5)
    business.client().reply_to_my_ticket(ids[0], {"body": "Any news?"})
    first = business.client().my_tickets("open", {"limit": 2})
    assert [item["id"] for item in first["items"]] == [ids[0], ids[4]]
    rest = business.client().my_tickets("open", {"cursor": first["next"], "limit": 10})
    assert [item["id"] for item in rest["items"]] == [ids[3], ids[2], ids[1]] and rest["next"] is None


def test_a_cursor_from_another_account_or_business_shows_only_the_callers_own(business, other_business):
    mine = open_tickets(business, 3)
    theirs = open_tickets(business, 3, client=business.client(account_id=OTHER_ACCOUNT))
    open_tickets(other_business, 3)
    their_cursor = business.client(account_id=OTHER_ACCOUNT).my_tickets("open", {"limit": 1})["next"]
    foreign = other_business.client().my_tickets("open", {"limit": 1})["next"]
    for cursor in (their_cursor, foreign):
        seen = business.client().my_tickets("open", {"cursor": cursor})["items"]
        assert {item["id"] for item in seen} <= set(mine)
    seen = business.staff().list_tickets({"cursor": foreign})["items"]
    assert {item["id"] for item in seen} <= set(mine + theirs)
    seen = other_business.staff().list_tickets({"cursor": their_cursor})["items"]
    assert not {item["id"] for item in seen} & set(mine + theirs)


@pytest.mark.parametrize("page, field", [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "5"}, "limit"),
                                         ({"cursor": "not a cursor"}, "cursor"), ({"cursor": ""}, "cursor"),
                                         ({"cursor": paging.encode([1])}, "cursor"),  # a chat message's cursor
                                         ({"cursor": paging.encode(["yesterday", 1])}, "cursor"),
                                         ({"cursor": "x" * 121}, "cursor"), ({"page": 2}, "page")])
def test_a_bad_cursor_or_limit_is_refused_on_its_field(business, page, field):
    open_tickets(business, 2)
    for call in (lambda: business.client().my_tickets("open", page), lambda: business.staff().list_tickets(page)):
        with pytest.raises(InvalidInput) as error:
            call()
        assert field in error.value.fields


def test_the_staff_inbox_keeps_its_filters_across_pages(business):
    ids = open_tickets(business, 5)
    open_tickets(business, 2, client=business.client(account_id=OTHER_ACCOUNT))
    business.staff().set_ticket_status(ids[2], {"status": "closed"})
    filters = {"account_id": ACCOUNT, "status": "active", "limit": 2}
    got = pages(lambda page: business.staff().list_tickets({**filters, **page}))
    assert got == [[ids[4], ids[3]], [ids[1], ids[0]]]
    assert business.staff().list_tickets(filters)["total"] == 4


def test_chat_threads_and_their_messages_page(business):
    client = business.client()
    threads = [client.start_my_chat_thread({"subject": f"Topic {n}", "body": "Hello"})["thread"]["id"]
               for n in range(3)]
    assert pages(lambda page: client.list_my_chat_threads({**page, "limit": 2}), "threads") == [
        [threads[2], threads[1]], [threads[0]]]
    assert pages(lambda page: business.staff().list_chat_threads({**page, "limit": 3}), "threads") == [
        [threads[2], threads[1], threads[0]]]
    for n in range(4):
        client.reply_my_chat_thread(threads[0], {"body": f"Line {n}"})
    newest = business.staff().get_chat_thread(threads[0], {"limit": 2})
    assert [m["body"] for m in newest["messages"]] == ["Line 2", "Line 3"]
    older = client.get_my_chat_thread(threads[0], {"cursor": newest["next"], "limit": 2})
    oldest = client.get_my_chat_thread(threads[0], {"cursor": older["next"], "limit": 2})
    assert [m["body"] for m in older["messages"] + oldest["messages"]] == ["Line 0", "Line 1", "Hello"]
    assert oldest["next"] is None
    with pytest.raises(InvalidInput) as error:
        client.get_my_chat_thread(threads[0], {"limit": 201})
    assert "limit" in error.value.fields


def test_documents_page_for_the_client_and_for_staff(documents):
    shared = [documents.share(title=f"Letter {n}")["id"] for n in range(5)]
    expected = [[shared[4], shared[3]], [shared[2], shared[1]], [shared[0]]]
    assert pages(lambda page: documents.client().my_documents({**page, "limit": 2}), "documents") == expected
    assert pages(lambda page: documents.staff().account_documents(ACCOUNT, {**page, "limit": 2}),
                 "documents") == expected
    exactly = documents.client().my_documents({"limit": 5})
    assert len(exactly["documents"]) == 5 and exactly["next"] is None and exactly["more"] is False
    documents.share(account_id=OTHER_ACCOUNT)
    documents.share(account_id=OTHER_ACCOUNT)
    cursor = documents.staff().account_documents(OTHER_ACCOUNT, {"limit": 1})["next"]
    seen = documents.client().my_documents({"cursor": cursor})["documents"]
    assert {d["id"] for d in seen} <= set(shared)
    empty = documents.staff().account_documents(OTHER_ACCOUNT + 1)
    assert (empty["documents"], empty["next"]) == ([], None)


def test_a_page_holds_only_what_fits_a_message_and_the_next_starts_after_it(business):
    client = business.client()
    thread = client.start_my_chat_thread({"subject": "Long", "body": "😀" * 4000})["thread"]["id"]
    for _ in range(3):
        client.reply_my_chat_thread(thread, {"body": "😀" * 4000})
    first = business.staff().get_chat_thread(thread)
    assert 0 < len(first["messages"]) < 4 and first["next"]
    rest = business.staff().get_chat_thread(thread, {"cursor": first["next"]})
    assert len(first["messages"]) + len(rest["messages"]) == 4 or rest["next"]
    assert not {m["id"] for m in first["messages"]} & {m["id"] for m in rest["messages"]}
