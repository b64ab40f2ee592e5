"""The conversation of a ticket: messages both ways, their attachments, and who has read what.

Each side has an unread marker on the ticket: a staff message marks it unread for the client, a
client's (from the portal or by mail) for staff; the side that opens the ticket clears its own marker.
A staff reply announces TICKET_MESSAGE_ADDED with the ticket's reply token, so the client's email can be
answered; a client's reply announces it without (it alerts staff).
"""
from sqlalchemy import select

from shared.clock import utcnow
from shared.errors import NotFound
from shared.events import TICKET_MESSAGE_ADDED
from shared.i18n import _
from tickets import text
from tickets.models import Ticket, TicketAttachment, TicketMessage

EXCERPT_LENGTH = 300


def add(session, ticket, author_kind, author_id, body, files, via="portal", mail_id=None):
    """Add a message with its kept ``files`` ({blob_id, filename, content_type, size}) and return it."""
    now = utcnow()
    message = TicketMessage(tenant_id=ticket.tenant_id, ticket_id=ticket.id, author_kind=author_kind,
                            author_id=author_id, body=body, via=via, mail_id=mail_id, created_at=now)
    session.add(message)
    session.flush()
    for kept in files:
        session.add(TicketAttachment(tenant_id=ticket.tenant_id, ticket_id=ticket.id, message_id=message.id, **kept))
    ticket.updated_at = now
    if author_kind == "staff":
        ticket.client_unread = True
    else:
        ticket.staff_unread = True
    session.flush()
    return message


def announce(outbox, session, ticket, message, attachment_count, client=None):
    """Announce a message added after the opening one, naming the client as accounts last told tickets. A staff
    reply carries the reply token and, when accounts told who the client is (``client``: its name and email), where
    notifications emails it."""
    staff_reply = message.author_kind == "staff"
    outbox.add(session, TICKET_MESSAGE_ADDED, {
        "ticket_id": ticket.id, "number": ticket.number, "account_id": ticket.account_id,
        "subject": ticket.subject, "message_id": message.id, "author_kind": message.author_kind,
        "author_id": message.author_id, "assignee_id": ticket.assignee_id,
        "excerpt": text.shorten(message.body, EXCERPT_LENGTH), "attachments": attachment_count,
        "reply_token": ticket.reply_token if staff_reply else None,
        "client_name": ticket.client_name,
        "notify_email": (client or {}).get("email") if staff_reply else None},
        tenant_id=ticket.tenant_id)


# An answer must stay under the 64 KiB message cap: the newest messages that fit in this many bytes of text are
# sent (counted as JSON escapes them, up to three times their UTF-8 size), and how many earlier ones were left out.
CONVERSATION_BUDGET = 40_000
PER_MESSAGE_OVERHEAD = 400


def _cost(message):
    return len(message.body.encode("utf-8")) * 3 + PER_MESSAGE_OVERHEAD  # an emoji, escaped in JSON: 12 bytes


def conversation(session, ticket):
    """``(messages, earlier)``: the ticket's newest messages that fit the budget, oldest first, each with its
    attachments (by id: their blobs are fetched through ``attachment``); ``earlier`` counts those left out."""
    messages = session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                               .order_by(TicketMessage.id.desc())).all()
    kept, spent = [], 0
    for message in messages:
        spent += _cost(message)
        if kept and spent > CONVERSATION_BUDGET:
            break
        kept.append(message)
    kept.reverse()
    files = session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id)
                            .order_by(TicketAttachment.id)).all()
    by_message = {}
    for attachment in files:
        by_message.setdefault(attachment.message_id, []).append(
            {"id": attachment.id, "filename": attachment.filename, "content_type": attachment.content_type,
             "size": attachment.size})
    shown = [{"id": message.id, "author_kind": message.author_kind, "author_id": message.author_id,
              "body": message.body, "via": message.via, "created_at": message.created_at.isoformat(),
              "attachments": by_message.get(message.id, [])} for message in kept]
    return shown, len(messages) - len(kept)


def opener_id(session, ticket):
    """The staff member who opened ``ticket`` for the client (the author of its first message), else None."""
    if ticket.opened_by != "staff":
        return None
    return session.scalar(select(TicketMessage.author_id).where(TicketMessage.ticket_id == ticket.id)
                          .order_by(TicketMessage.id).limit(1))


def mark_read(ticket, audience):
    if audience == "client":
        ticket.client_unread = False
    else:
        ticket.staff_unread = False


def attachment(session, ticket, attachment_id):
    """The blob of one of the ticket's attachments: ``{blob_id, filename, content_type}``."""
    row = session.get(TicketAttachment, attachment_id) if isinstance(attachment_id, int) else None
    if row is None or row.ticket_id != ticket.id:
        raise NotFound(_("No such file."))
    return {"blob_id": row.blob_id, "filename": row.filename, "content_type": row.content_type}


def by_reply_token(session, token):
    if not isinstance(token, str) or not token:
        return None
    return session.scalar(select(Ticket).where(Ticket.reply_token == token))


def mail_seen(session, ticket, mail_id):
    return session.scalar(select(TicketMessage.id).where(TicketMessage.ticket_id == ticket.id,
                                                         TicketMessage.mail_id == mail_id)) is not None
