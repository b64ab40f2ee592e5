"""What the business tells a client becomes an item of the account's feed: receipts and refunds, staff replies on
tickets and in chats, shared documents and sent estimates (announcements: feed.catch_up_announcements; visit reminders: the
reminder's handler). Each item is added once per event, so a redelivered event adds nothing."""
from datetime import date

from notifications import feed, languages, messages
from notifications.client_rendering import money
from notifications.rendering import long_day
from shared.events import DOCUMENT_SHARED, ESTIMATE_SENT, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, PREPAYMENT_MADE
from shared.i18n import N_, _, ngettext
from shared.messaging import on_event

RECEIPTS = {PAYMENT_SUCCEEDED.name: N_("Payment received: %(amount)s"),
            PREPAYMENT_MADE.name: N_("Prepayment received: %(amount)s")}


def _excerpt(text):
    text = " ".join((text or "").split())
    return text if len(text) <= feed.EXCERPT else text[:feed.EXCERPT - 1] + "…"


def receipt(session, contract, event, data):
    """A payment or prepayment that went through: "Payment received: $120.00", linking to the Billing tab (in the
    language at hand: the account's)."""
    heading = RECEIPTS.get(contract.name)
    if heading is None:
        return None
    numbers = [f"#{item['number']}" for item in data["invoices"] if item.get("number") is not None]
    method = _("Paid with %(method)s", method=data["method_label"]) if data.get("method_label") else None
    towards = ngettext("for invoice %(numbers)s", "for invoices %(numbers)s", len(numbers),
                       numbers=", ".join(numbers)) if numbers else None
    body = " ".join(part for part in (method, towards) if part) or None
    return feed.add(session, event["tenant_id"], data["account_id"], "receipt",
                    _(heading, amount=money(data["amount"])), "billing", event["event_id"],
                    body=body + "." if body else None)


def ticket_reply(session, event, data):
    """A staff member's reply on a ticket, linking to the ticket (in the account's language)."""
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        return feed.add(session, event["tenant_id"], data["account_id"], "ticket_reply",
                        _("New reply on ticket #%(number)s: %(subject)s", number=data["number"],
                          subject=data["subject"]),
                        f"tickets/{int(data['ticket_id'])}", event["event_id"], body=_excerpt(data["excerpt"]))


def chat_reply(session, event, data):
    """A staff member's message in a chat thread, linking to the thread (in the account's language)."""
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        return feed.add(session, event["tenant_id"], data["account_id"], "chat_message",
                        _("New message in “%(subject)s”", subject=data["subject"]),
                        f"chat/{int(data['thread_id'])}", event["event_id"], body=_excerpt(data["excerpt"]))


def document_shared(session, event, data):
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        return feed.add(session, event["tenant_id"], data["account_id"], "document",
                        _("New document: %(title)s", title=data["title"]), "documents", event["event_id"])


def _valid_until(expires_on):
    """"It is valid until <day>.", or nothing without a day."""
    if not expires_on:
        return None
    try:
        day = long_day(date.fromisoformat(expires_on))
    except ValueError:
        day = expires_on
    return _("It is valid until %(day)s.", day=day)


def estimate_sent(session, event, data):
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        body = " ".join(part for part in (_("Total %(total)s; approve or decline it.", total=money(data["total"])),
                                          _valid_until(data.get("expires_on"))) if part)
        return feed.add(session, event["tenant_id"], data["account_id"], "estimate",
                        _("Estimate #%(number)s: %(title)s", number=data["number"], title=data["title"]),
                        f"estimates/{int(data['estimate_id'])}", event["event_id"], body=body)


def refund_given(session, event, data):
    """A refund staff gave: where the money went, linking to the Billing tab (in the account's language)."""
    with languages.to_account(session, event["tenant_id"], data["account_id"]):
        if data["destination"] == "credit":
            title = _("Credit added: %(amount)s", amount=money(data["amount"]))
            body = _("A refund on invoice #%(number)s, kept as credit for your next invoices.",
                     number=data["invoice_number"])
        else:
            title = _("Refund: %(amount)s", amount=money(data["amount"]))
            body = _("Sent back to %(method)s for invoice #%(number)s. It may take a few days to show.",
                     method=data["method_label"] or _("the method you paid with"), number=data["invoice_number"])
        return feed.add(session, event["tenant_id"], data["account_id"], "refund", title, "billing",
                        event["event_id"], body=body)


class FeedEventHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(DOCUMENT_SHARED)
    def handle_document_shared(self, event):
        document_shared(self.db, event, messages.load_event(DOCUMENT_SHARED, event))

    @on_event(ESTIMATE_SENT)
    def handle_estimate_sent(self, event):
        estimate_sent(self.db, event, messages.load_event(ESTIMATE_SENT, event))

    @on_event(PAYMENT_REFUNDED)
    def handle_payment_refunded(self, event):
        refund_given(self.db, event, messages.load_event(PAYMENT_REFUNDED, event))
