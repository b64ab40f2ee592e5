"""The mailbox: queue drafts as messages, and list a tenant's messages for its staff.

A draft's one-time secret is stored sealed (``sealed_secret``), bound to the message's kind,
recipient and event; the courier opens it as it sends and drops it once the message is sent or failed.
"""
from sqlalchemy import func, select

from notifications.models import Message
from shared.clock import utcnow
from shared.errors import NotFound, invalid
from shared.i18n import _


def secret_binding(message):
    """What a message's secret is sealed for (``message``: a draft or a stored message)."""
    return ["message", message.kind, message.recipient, message.source_event_id]


def queue(session, draft, box=None):
    """Add ``draft`` as a pending message due now; return it, or None if its event already queued one.

    A draft with a secret needs ``box``, which seals it.
    """
    if draft.source_event_id is not None and session.scalar(select(Message.id).where(
            Message.source_event_id == draft.source_event_id, Message.channel == draft.channel)):
        return None
    moment = utcnow()
    message = Message(
        tenant_id=draft.tenant_id, kind=draft.kind, channel=draft.channel, recipient=draft.recipient,
        sender_name=draft.sender_name, reply_to=draft.reply_to, subject=draft.subject,
        text=draft.text, html=draft.html, status="pending", attempts=0, next_attempt_at=moment,
        source_event_id=draft.source_event_id, created_at=moment, secret_label=draft.secret_label,
        sealed_secret=box.seal(draft.secret, secret_binding(draft)) if draft.secret is not None else None)
    session.add(message)
    session.flush()
    return message


def list_messages(session, tenant_id, page, per_page):
    """Return one page of the tenant's messages, newest first, and how many there are."""
    scope = Message.tenant_id == tenant_id
    total = session.scalar(select(func.count(Message.id)).where(scope))
    rows = session.scalars(select(Message).where(scope).order_by(Message.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total


def get_message(session, tenant_id, message_id):
    """Return one of the tenant's messages; another tenant's id is as unknown as a made-up one."""
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise invalid("message_id", _("Not a valid integer."))
    message = session.scalar(select(Message).where(Message.id == message_id,
                                                   Message.tenant_id == tenant_id))
    if message is None:
        raise NotFound(_("No such message."))
    return message
