"""Tickets' audit facts (shared.audit): tickets, chat and documents of a client's account, by the client or the
staff, in the transaction of the change. A fact names a ticket, a thread or a file; it never copies a message.
"""
from shared import audit
from shared.i18n import N_, _, ngettext

SERVICE = "tickets"
# A client's mail to a ticket's reply address: the client, though no portal user is known, and no origin.
BY_EMAIL = {"actor": {"kind": "client", "id": None}, "origin": {"ip": None, "device": "Email reply"}}
CHANGED_WORDS = {"ticket_status_set": N_("Set the status of ticket #%(number)s: %(subject)s"),
                 "ticket_assigned": N_("Assigned ticket #%(number)s: %(subject)s")}
DOCUMENT_WORDS = {"document_uploaded": N_("Uploaded %(title)s (%(filename)s)"),
                  "document_shared": N_("Shared %(title)s (%(filename)s)"),
                  "document_deleted": N_("Deleted %(title)s (%(filename)s)")}


# A client's mail to the business's support address: the portal user the sender's address belongs to.
@audit.in_english
def by_mail(portal_user_id):
    return {"actor": {"kind": "client", "id": portal_user_id}, "origin": {"ip": None, "device": "Email"}}


@audit.in_english
def record(session, outbox, tenant_id, account_id, action, summary, by, link, changes=None):
    audit.record(outbox, session, SERVICE, tenant_id, account_id, action, summary, by, changes, link)


def _by_client(by):
    return (by.get("actor") or {}).get("kind") == "client"


@audit.in_english
def ticket_opened(session, outbox, ticket, by):
    action = "ticket_opened" if _by_client(by) else "staff_ticket_opened"
    record(session, outbox, ticket.tenant_id, ticket.account_id, action,
           _("Opened ticket #%(number)s: %(subject)s", number=ticket.number, subject=ticket.subject), by,
           f"/staff/tickets/{ticket.id}")


@audit.in_english
def ticket_changed(session, outbox, ticket, action, changes, by):
    """Staff moved a ticket on: ``ticket_status_set`` or ``ticket_assigned``, with before and after."""
    record(session, outbox, ticket.tenant_id, ticket.account_id, action,
           _(CHANGED_WORDS[action], number=ticket.number, subject=ticket.subject), by, f"/staff/tickets/{ticket.id}",
           changes)


@audit.in_english
def ticket_replied(session, outbox, ticket, by, attachments=0):
    action = "ticket_replied" if _by_client(by) else "staff_ticket_replied"
    values = {"number": ticket.number, "subject": ticket.subject}
    summary = (ngettext("Replied on ticket #%(number)s: %(subject)s with %(num)d file",
                        "Replied on ticket #%(number)s: %(subject)s with %(num)d files", attachments, **values)
               if attachments else _("Replied on ticket #%(number)s: %(subject)s", **values))
    record(session, outbox, ticket.tenant_id, ticket.account_id, action, summary, by, f"/staff/tickets/{ticket.id}")


@audit.in_english
def chat_message(session, outbox, thread, new_thread, by):
    if _by_client(by):
        action = "chat_thread_started" if new_thread else "chat_message_sent"
    else:
        action = "staff_chat_thread_started" if new_thread else "staff_chat_message_sent"
    summary = (_("Started the chat \"%(subject)s\"", subject=thread.subject) if new_thread else
               _("Wrote in the chat \"%(subject)s\"", subject=thread.subject))
    record(session, outbox, thread.tenant_id, thread.account_id, action, summary, by, f"/staff/chat/{thread.id}")


@audit.in_english
def document(session, outbox, row, by, deleted=False):
    """A client uploaded, or staff shared (or ``deleted``), the document ``row``."""
    action = "document_uploaded" if _by_client(by) else "document_shared"
    if deleted:
        action = "document_deleted"
    record(session, outbox, row.tenant_id, row.account_id, action,
           _(DOCUMENT_WORDS[action], title=row.title, filename=row.filename), by,
           f"/staff/clients/{row.account_id}/documents")


@audit.in_english
def upload_done(session, outbox, tenant_id, account_id, by):
    record(session, outbox, tenant_id, account_id, "upload_done", _("Said they are done uploading"), by,
           f"/staff/clients/{account_id}/documents")
