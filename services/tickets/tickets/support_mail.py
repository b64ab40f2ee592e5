"""Mail to a business's support address opening a ticket for the client who wrote it.

Notifications' SMTP endpoint takes mail to ``support+<slug>@<INBOUND_MAIL_DOMAIN>`` and asks tickets
(``open_ticket_from_mail``) before it answers the sending server, so each outcome is an SMTP answer:
``opened`` and ``duplicate`` are accepted; ``no_business``, ``unknown_sender`` and ``not_taken`` (the
Tickets tab does not let clients open tickets, or offers them no category) are refused for good. The
sender is the mail's From address, which accounts matches to a client account; the ticket takes the
first category offered to clients (General when it is offered), the subject as its title and the whole
new text of the mail (up to the endpoint's 20,000 characters: the portal's 500 is a typing limit, not a
reason to lose what a client wrote) as its opening message, ``via`` email, opened by "email".
"""
import uuid

from marshmallow import fields, validate

from shared.i18n import _
from tickets import text
from tickets.ticket_schemas import Strict, attachment_list

CONSUMER = "tickets.support_mail"  # whose claims in processed_events make one Message-ID open one ticket
TEXT_MAX = 20_000
SUBJECT_MAX = 120


class SupportMailSchema(Strict):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=40))
    from_address = fields.String(required=True, validate=validate.Length(max=254))
    subject = fields.String(load_default="", validate=validate.Length(max=1000))
    text = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))
    attachments = attachment_list(10)
    mail_id = fields.String(required=True, validate=validate.Length(min=1, max=300))


def claim_key(tenant_id, mail_id):
    """The processed-events id of a mail to a business (any Message-ID, made 36 characters)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"support-mail:{tenant_id}:{mail_id}"))


def category_for_mail(offered):
    """The category a mailed ticket takes: General when clients are offered it, else the first offered."""
    by_name = {item["name"]: item["id"] for item in offered}
    return by_name.get("General", offered[0]["id"] if offered else None)


def opening(data):
    """The new ticket's subject and opening message, from the mail's Subject and text."""
    subject = text.shorten(" ".join(data["subject"].split()), SUBJECT_MAX) or None
    body = data["text"].strip() or _("(No text.)")
    return {"subject": subject, "body": body, "reference": None}
