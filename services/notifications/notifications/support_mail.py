"""Mail to a business's support address (``support+<slug>@<INBOUND_MAIL_DOMAIN>``), handed to tickets.

The SMTP endpoint answers the sending server only once tickets has decided (``open_ticket_from_mail``: opened,
duplicate, or refused with a reason), so a mail is never accepted and then lost: what tickets refuses is
refused in SMTP, and the sender's server tells the sender. The mail's files go to the blob store, tickets is
given their ids (never the bytes) and keeps checked copies of its own; the uploads are deleted once it answered.
"""
from notifications import inbound, tenants
from shared.errors import NotFound


def open_ticket(tickets, blobs, mail):
    """Ask tickets to open a ticket for ``mail``; return its outcome (opened, duplicate, unknown_sender, ...)."""
    uploads = [{"blob_id": blobs.put(item.data, item.content_type), "filename": item.filename}
               for item in mail.attachments]
    try:
        answer = tickets.open_ticket_from_mail({
            "slug": mail.support_slug, "from_address": mail.from_address, "subject": mail.subject,
            "text": mail.text, "attachments": uploads, "mail_id": mail.mail_id})
    finally:
        for upload in uploads:
            blobs.delete(upload["blob_id"])
    return answer["outcome"]


def address_of(session, tenant_id, domain):
    """Return ``{address}``: the business's support address, or None without an inbound domain or its slug."""
    if not domain:
        return {"address": None}
    try:
        slug = tenants.describe_branding(session, tenant_id)["slug"]
    except NotFound:  # the business's profile has not arrived yet
        return {"address": None}
    return {"address": inbound.support_address(slug, domain) if slug else None}
