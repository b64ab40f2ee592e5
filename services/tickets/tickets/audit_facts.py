"""Tickets' audit facts (shared.audit): tickets, chat and documents of a client's account, by the client or the
staff, in the transaction of the change. A fact names a ticket, a thread or a file; it never copies a message.
"""
from shared import audit

SERVICE = "tickets"
# A client's mail to a ticket's reply address: the client, though no portal user is known, and no origin.
BY_EMAIL = {"actor": {"kind": "client", "id": None}, "origin": {"ip": None, "device": "Email reply"}}


# A client's mail to the business's support address: the portal user the sender's address belongs to.
def by_mail(portal_user_id):
    return {"actor": {"kind": "client", "id": portal_user_id}, "origin": {"ip": None, "device": "Email"}}


def record(session, outbox, tenant_id, account_id, action, summary, by, link, changes=None):
    audit.record(outbox, session, SERVICE, tenant_id, account_id, action, summary, by, changes, link)


def _by_client(by):
    return (by.get("actor") or {}).get("kind") == "client"


def ticket_opened(session, outbox, ticket, by):
    action = "ticket_opened" if _by_client(by) else "staff_ticket_opened"
    record(session, outbox, ticket.tenant_id, ticket.account_id, action,
           f"Opened ticket #{ticket.number}: {ticket.subject}", by, f"/staff/tickets/{ticket.id}")


def ticket_changed(session, outbox, ticket, action, changes, by):
    """Staff moved a ticket on: ``ticket_status_set`` or ``ticket_assigned``, with before and after."""
    words = {"ticket_status_set": "Set the status of", "ticket_assigned": "Assigned"}[action]
    record(session, outbox, ticket.tenant_id, ticket.account_id, action,
           f"{words} ticket #{ticket.number}: {ticket.subject}", by, f"/staff/tickets/{ticket.id}", changes)


def ticket_replied(session, outbox, ticket, by, attachments=0):
    action = "ticket_replied" if _by_client(by) else "staff_ticket_replied"
    files = f" with {attachments} file{'s' if attachments != 1 else ''}" if attachments else ""
    record(session, outbox, ticket.tenant_id, ticket.account_id, action,
           f"Replied on ticket #{ticket.number}: {ticket.subject}{files}", by, f"/staff/tickets/{ticket.id}")


def chat_message(session, outbox, thread, new_thread, by):
    if _by_client(by):
        action = "chat_thread_started" if new_thread else "chat_message_sent"
    else:
        action = "staff_chat_thread_started" if new_thread else "staff_chat_message_sent"
    words = "Started the chat" if new_thread else "Wrote in the chat"
    record(session, outbox, thread.tenant_id, thread.account_id, action, f"{words} \"{thread.subject}\"", by,
           f"/staff/chat/{thread.id}")


def document(session, outbox, row, by, deleted=False):
    """A client uploaded, or staff shared (or ``deleted``), the document ``row``."""
    action, words = ("document_uploaded", "Uploaded") if _by_client(by) else ("document_shared", "Shared")
    if deleted:
        action, words = "document_deleted", "Deleted"
    record(session, outbox, row.tenant_id, row.account_id, action, f"{words} {row.title} ({row.filename})", by,
           f"/staff/clients/{row.account_id}/documents")


def upload_done(session, outbox, tenant_id, account_id, by):
    record(session, outbox, tenant_id, account_id, "upload_done", "Said they are done uploading", by,
           f"/staff/clients/{account_id}/documents")
