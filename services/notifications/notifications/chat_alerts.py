"""Staff alerts for chat: a client's new thread or message alerts the staff chosen on the Alerts tab
(chat_thread_started, chat_message_sent). A staff member's message alerts no one."""
from notifications import alerts, feed_events, languages, messages, names
from shared.clock import occurred_at
from shared.events import CHAT_MESSAGE_ADDED
from shared.i18n import _
from shared.messaging import on_event

EXCERPT = 200  # what of the message the alert quotes


def alert_text(data, who):
    excerpt = " ".join(data["excerpt"].split())
    if len(excerpt) > EXCERPT:
        excerpt = excerpt[:EXCERPT - 1] + "…"
    if data["new_thread"]:
        return _("%(who)s started a chat, “%(subject)s”: %(excerpt)s", who=who, subject=data["subject"],
                 excerpt=excerpt)
    return _("%(who)s wrote in the chat “%(subject)s”: %(excerpt)s", who=who, subject=data["subject"],
             excerpt=excerpt)


def raise_chat_alerts(session, event):
    data = messages.load_event(CHAT_MESSAGE_ADDED, event)
    if data["author_kind"] == "staff":
        feed_events.chat_reply(session, event, data)
    if data["author_kind"] != "client":
        return 0
    action = "chat_thread_started" if data["new_thread"] else "chat_message_sent"
    if data["client_name"]:
        names.remember_name(session, event["tenant_id"], data["account_id"], data["client_name"],
                            occurred_at(event))
    with languages.to_business(session, event["tenant_id"]):
        # an event from before names were sent has none: the account's name as notifications knows it
        who = data["client_name"] or names.account_name(session, event["tenant_id"], data["account_id"])
        return alerts.raise_alerts(session, event["tenant_id"], action, alert_text(data, who), data["account_id"],
                                   event["event_id"], link=f"/staff/chat/{data['thread_id']}")


class ChatAlertHandlers:
    """The handler notifications' service inherits, so its module stays small."""

    @on_event(CHAT_MESSAGE_ADDED)
    def handle_chat_message_added(self, event):
        raise_chat_alerts(self.db, event)
