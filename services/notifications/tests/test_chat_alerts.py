"""Chat alerts: a client's new thread or message alerts the staff the Alerts tab names for it, once per event;
a staff member's message alerts no one."""
from shared.events import CHAT_MESSAGE_ADDED

OWNER, COLLEAGUE = 1, 2


def chat_message(**fields):
    return {"thread_id": 5, "message_id": 9, "account_id": 7, "subject": "Gate code", "author_kind": "client",
            "author_id": 3, "excerpt": "The gate code\nchanged to 4411.", "new_thread": False,
            "actor": {"kind": "client", "id": 3}, **fields}


def texts(notifications, staff_id):
    return [(alert["action"], alert["text"]) for alert in notifications.staff(staff_id).list_my_alerts()]


def test_a_clients_new_thread_and_message_alert_the_staff_chosen_for_each(notifications):
    notifications.staff().update_settings("alerts", {"chat_thread_started": [OWNER],
                                                     "chat_message_sent": [COLLEAGUE]})
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(new_thread=True))
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(excerpt="x" * 300))
    assert texts(notifications, OWNER) == [
        ("chat_thread_started", "Account 7 started a chat, \u201cGate code\u201d: The gate code changed to 4411.")]
    [(action, text)] = texts(notifications, COLLEAGUE)
    assert action == "chat_message_sent" and text.endswith("x" * 199 + "…")


def test_a_staff_message_or_a_redelivery_alerts_no_one_more(notifications):
    notifications.staff().update_settings("alerts", {"chat_message_sent": [OWNER]})
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(author_kind="staff", actor={"kind": "staff", "id": 1}))
    assert texts(notifications, OWNER) == []
    first = notifications.deliver(CHAT_MESSAGE_ADDED, chat_message())
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(), event_id=first["event_id"])
    assert len(texts(notifications, OWNER)) == 1


def test_an_alert_names_the_client_the_event_names_and_an_older_event_the_account(notifications):
    notifications.staff().update_settings("alerts", {"chat_message_sent": [OWNER]})
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(client_name=None), event_id="evt-unknown")
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(client_name="Ann's household"), event_id="evt-named")
    notifications.deliver(CHAT_MESSAGE_ADDED, chat_message(client_name=None), event_id="evt-unnamed")
    # An event with no name gives the name notifications knows from an earlier one, else the account's number.
    assert [text.split(" wrote")[0] for _, text in texts(notifications, OWNER)] == [
        "Ann's household", "Ann's household", "Account 7"]
