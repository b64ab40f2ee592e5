"""What the business tells a client becomes an item of the account's feed: receipts, staff replies on tickets and
in chats, shared documents and sent estimates (announcements: feed.catch_up_announcements; visit reminders: the
reminder's handler). Each item is added once per event, so a redelivered event adds nothing."""
from notifications import feed, messages
from shared.events import DOCUMENT_SHARED, ESTIMATE_SENT, PAYMENT_SUCCEEDED, PREPAYMENT_MADE
from shared.messaging import on_event
from shared.money import format_money

RECEIPTS = {PAYMENT_SUCCEEDED.name: "Payment received", PREPAYMENT_MADE.name: "Prepayment received"}


def _excerpt(text):
    text = " ".join((text or "").split())
    return text if len(text) <= feed.EXCERPT else text[:feed.EXCERPT - 1] + "…"


def receipt(session, contract, event, data):
    """A payment or prepayment that went through: "Payment received: $120.00", linking to the Billing tab."""
    heading = RECEIPTS.get(contract.name)
    if heading is None:
        return None
    numbers = [f"#{item['number']}" for item in data["invoices"] if item.get("number") is not None]
    method = f"Paid with {data['method_label']}" if data.get("method_label") else None
    towards = f"for invoice{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}" if numbers else None
    body = " ".join(part for part in (method, towards) if part) or None
    return feed.add(session, event["tenant_id"], data["account_id"], "receipt",
                    f"{heading}: {format_money(data['amount'])}", "billing", event["event_id"],
                    body=body + "." if body else None)


def ticket_reply(session, event, data):
    """A staff member's reply on a ticket, linking to the ticket."""
    return feed.add(session, event["tenant_id"], data["account_id"], "ticket_reply",
                    f"New reply on ticket #{data['number']}: {data['subject']}", f"tickets/{int(data['ticket_id'])}",
                    event["event_id"], body=_excerpt(data["excerpt"]))


def chat_reply(session, event, data):
    """A staff member's message in a chat thread, linking to the thread."""
    return feed.add(session, event["tenant_id"], data["account_id"], "chat_message",
                    f"New message in \u201c{data['subject']}\u201d", f"chat/{int(data['thread_id'])}",
                    event["event_id"], body=_excerpt(data["excerpt"]))


def document_shared(session, event, data):
    return feed.add(session, event["tenant_id"], data["account_id"], "document",
                    f"New document: {data['title']}", "documents", event["event_id"])


def estimate_sent(session, event, data):
    expires = f" It is valid until {data['expires_on']}." if data.get("expires_on") else ""
    return feed.add(session, event["tenant_id"], data["account_id"], "estimate",
                    f"Estimate #{data['number']}: {data['title']}", f"estimates/{int(data['estimate_id'])}",
                    event["event_id"], body=f"Total {format_money(data['total'])}; approve or decline it.{expires}")


class FeedEventHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(DOCUMENT_SHARED)
    def handle_document_shared(self, event):
        document_shared(self.db, event, messages.load_event(DOCUMENT_SHARED, event))

    @on_event(ESTIMATE_SENT)
    def handle_estimate_sent(self, event):
        estimate_sent(self.db, event, messages.load_event(ESTIMATE_SENT, event))
