"""The client's notification feed: an item for each thing the business tells an account, once per event, newest
first in pages, unread until the account's client marks it read; never another account's."""
import pytest

from portico_testing import inprocess
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.events import (CHAT_MESSAGE_ADDED, DOCUMENT_SHARED, ESTIMATE_SENT, PAYMENT_FAILED, PAYMENT_SUCCEEDED,
                           PREPAYMENT_MADE, TICKET_MESSAGE_ADDED)

ACCOUNT = 7


def payment(**fields):
    return {"payment_id": 31, "account_id": ACCOUNT, "kind": "payment", "source": "portal", "amount": 17_345,
            "method_kind": "card", "method_label": "Visa ending 4242",
            "invoices": [{"number": 1001, "applied": 12_345}, {"number": 1002, "applied": 5_000}],
            "receipt_to": None, "actor": {"kind": "client", "id": 3}, **fields}


def ticket_message(**fields):
    return {"ticket_id": 12, "number": 1007, "account_id": ACCOUNT, "subject": "Gate code", "message_id": 40,
            "author_kind": "staff", "author_id": 1, "excerpt": "We will use the side gate on Tuesday.",
            "notify_email": None, "reply_token": None, **fields}


def chat_message(**fields):
    return {"thread_id": 5, "message_id": 9, "account_id": ACCOUNT, "subject": "Spring clean-up",
            "author_kind": "staff", "author_id": 1, "excerpt": "See you Monday.", **fields}


def feed_of(notifications, account_id=ACCOUNT, **args):
    return notifications.client(account_id=account_id).my_feed(**args)


def shown(notifications, account_id=ACCOUNT):
    return [(item["kind"], item["title"], item["link"]) for item in feed_of(notifications, account_id)["items"]]


def test_each_thing_the_business_tells_the_client_is_in_the_feed_newest_first(notifications):
    notifications.deliver(PAYMENT_SUCCEEDED, payment())
    notifications.deliver(PREPAYMENT_MADE, payment(kind="prepayment", amount=5_000, invoices=[]))
    notifications.deliver(TICKET_MESSAGE_ADDED, ticket_message())
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message())
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 4, "account_id": ACCOUNT, "title": "Engagement letter"})
    notifications.deliver(ESTIMATE_SENT, {"estimate_id": 9, "account_id": ACCOUNT, "number": 3, "title": "Aeration",
                                          "total": 9_900, "expires_on": "2031-05-01"})
    assert shown(notifications) == [
        ("estimate", "Estimate #3: Aeration", "estimates/9"),
        ("document", "New document: Engagement letter", "documents"),
        ("chat_message", "New message in \u201cSpring clean-up\u201d", "chat/5"),
        ("ticket_reply", "New reply on ticket #1007: Gate code", "tickets/12"),
        ("receipt", "Prepayment received: $50.00", "billing"),
        ("receipt", "Payment received: $173.45", "billing")]
    items = feed_of(notifications)["items"]
    assert items[-1]["body"] == "Paid with Visa ending 4242 for invoices #1001, #1002."
    assert items[0]["body"] == "Total $99.00; approve or decline it. It is valid until May 1, 2031."
    assert not any(item["read"] for item in items)


def test_what_the_client_did_or_what_failed_is_not_in_their_feed(notifications):
    notifications.deliver(PAYMENT_FAILED, payment())
    notifications.deliver(TICKET_MESSAGE_ADDED, ticket_message(author_kind="client", author_id=None))
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(author_kind="client", author_id=None))
    assert shown(notifications) == []


def test_a_redelivered_event_adds_nothing(notifications):
    first = notifications.deliver(PAYMENT_SUCCEEDED, payment())
    notifications.deliver(PAYMENT_SUCCEEDED, payment(), event_id=first["event_id"])
    first = notifications.deliver(DOCUMENT_SHARED, {"document_id": 4, "account_id": ACCOUNT, "title": "Letter"})
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 4, "account_id": ACCOUNT, "title": "Letter"},
                          event_id=first["event_id"])
    assert len(shown(notifications)) == 2


def test_pages_follow_each_other_without_repeats_while_items_arrive(notifications):
    for number in range(5):
        notifications.deliver(DOCUMENT_SHARED, {"document_id": number, "account_id": ACCOUNT, "title": f"Doc {number}"})
    first = feed_of(notifications, limit=2)
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 9, "account_id": ACCOUNT, "title": "Doc late"})
    second = feed_of(notifications, limit=2, before_id=first["next"])
    third = feed_of(notifications, limit=2, before_id=second["next"])
    titles = [item["title"] for page in (first, second, third) for item in page["items"]]
    assert titles == [f"New document: Doc {number}" for number in (4, 3, 2, 1, 0)] and third["next"] is None


def test_unread_count_and_marking_read(notifications):
    for number in range(3):
        notifications.deliver(DOCUMENT_SHARED, {"document_id": number, "account_id": ACCOUNT, "title": f"Doc {number}"})
    client = notifications.client(account_id=ACCOUNT)
    assert client.my_feed_unread_count() == 3
    newest = client.my_feed()["items"][0]
    assert client.mark_feed_read([newest["id"]]) == {"marked": 1, "unread": 2}
    assert client.mark_feed_read([newest["id"]]) == {"marked": 0, "unread": 2}
    assert client.my_feed()["items"][0]["read"] is True
    assert client.mark_all_feed_read() == {"marked": 2, "unread": 0}
    assert client.my_feed_unread_count() == 0


def test_each_page_says_how_many_of_all_the_accounts_items_are_unread(notifications):
    for number in range(3):
        notifications.deliver(DOCUMENT_SHARED, {"document_id": number, "account_id": ACCOUNT, "title": f"Doc {number}"})
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 9, "account_id": 8, "title": "Theirs"})
    client = notifications.client(account_id=ACCOUNT)
    client.mark_feed_read([client.my_feed()["items"][0]["id"]])
    first = client.my_feed(limit=1)
    second = client.my_feed(limit=2, before_id=first["next"])
    past_the_last = client.my_feed(limit=2, before_id=second["items"][-1]["id"])
    assert [first["unread"], second["unread"], second["next"]] == [2, 2, None]
    assert past_the_last == {"items": [], "next": None, "unread": 2}


def test_another_accounts_items_are_never_seen_nor_marked(notifications):
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 1, "account_id": 8, "title": "Theirs"})
    notifications.deliver(DOCUMENT_SHARED, {"document_id": 2, "account_id": ACCOUNT, "title": "Mine"})
    theirs = feed_of(notifications, account_id=8)["items"][0]["id"]
    mine = feed_of(notifications)["items"][0]["id"]
    assert shown(notifications) == [("document", "New document: Mine", "documents")]
    client = notifications.client(account_id=ACCOUNT)
    with pytest.raises(NotFound):
        client.mark_feed_read([mine, theirs])
    assert client.my_feed_unread_count() == 1
    other_business = notifications.client(tenant_id=2, account_id=8)
    assert other_business.my_feed()["items"] == []
    with pytest.raises(NotFound):
        other_business.mark_feed_read([theirs])
    other_business.mark_all_feed_read()
    assert notifications.client(account_id=8).my_feed_unread_count() == 1


@pytest.mark.parametrize("args", [{"limit": 0}, {"limit": 101}, {"limit": "5"}, {"before_id": 0},
                                  {"before_id": "x"}])
def test_bad_paging_is_refused(notifications, args):
    with pytest.raises(InvalidInput):
        feed_of(notifications, **args)


@pytest.mark.parametrize("ids", [[], ["1"], [0], None, list(range(1, 202))])
def test_bad_ids_are_refused(notifications, ids):
    with pytest.raises(InvalidInput):
        notifications.client().mark_feed_read(ids)


def test_only_a_client_has_a_feed(notifications):
    for caller in (notifications.staff(), notifications.called_by(inprocess.visitor(1))):
        for call in (caller.my_feed, caller.my_feed_unread_count, caller.mark_all_feed_read,
                     lambda: caller.mark_feed_read([1])):
            with pytest.raises(PermissionDenied):
                call()
