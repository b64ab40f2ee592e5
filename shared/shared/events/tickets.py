"""tickets' events (and the inbound mail notifications hands to tickets): tickets, chat, documents."""
from marshmallow import Schema, fields

from shared.events.contract import EventContract


class TicketOpenedSchema(Schema):
    """A ticket opened: by a client in the portal, by staff for a client, or by a client's mail."""

    ticket_id = fields.Integer(required=True)
    number = fields.Integer(required=True)  # the business's own ticket number, shown to people
    account_id = fields.Integer(required=True)
    category = fields.String(required=True)
    subject = fields.String(required=True)
    assignee_id = fields.Integer(allow_none=True, load_default=None)  # the staff member it went to
    opened_by = fields.String(required=True)  # client, staff, email
    reference = fields.Dict(allow_none=True, load_default=None)  # {kind, id, label}: what it is about
    actor = fields.Dict(allow_none=True, load_default=None)
    client_name = fields.String(allow_none=True, load_default=None)  # the account's name, for staff alerts


class TicketMessageSchema(Schema):
    """A message added to a ticket (not its opening one): a staff reply emails the client, a client's
    reply alerts the assigned staff member."""

    ticket_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    subject = fields.String(required=True)
    message_id = fields.Integer(required=True)
    author_kind = fields.String(required=True)  # client, staff
    author_id = fields.Integer(allow_none=True, load_default=None)
    assignee_id = fields.Integer(allow_none=True, load_default=None)
    excerpt = fields.String(required=True)  # the message's first few hundred characters
    attachments = fields.Integer(load_default=0)  # how many files came with it
    reply_token = fields.String(allow_none=True, load_default=None)  # the ticket's reply address; sealed
    actor = fields.Dict(allow_none=True, load_default=None)
    client_name = fields.String(allow_none=True, load_default=None)  # the account's name, for staff alerts
    # Where a staff reply is emailed (the client's contact email); none: no email is sent.
    notify_email = fields.String(allow_none=True, load_default=None)
    tenant_slug = fields.String(allow_none=True, load_default=None)  # for the portal link in that email


class InboundTicketMailSchema(Schema):
    """A client's email to a ticket's reply address, received by notifications' SMTP endpoint."""

    reply_token = fields.String(required=True)  # sealed on the bus and in the outbox (secret_fields)
    from_address = fields.String(required=True)
    text = fields.String(required=True)  # the new part of the mail, quoted history removed
    attachments = fields.List(fields.Dict(), load_default=list)  # [{blob_id, filename, content_type, size}]
    mail_id = fields.String(required=True)  # the mail's Message-ID: one mail adds one message


TICKET_OPENED = EventContract("tickets", "ticket_opened", TicketOpenedSchema, subscribers=("notifications",))
TICKET_MESSAGE_ADDED = EventContract("tickets", "ticket_message_added", TicketMessageSchema,
                                     subscribers=("notifications",), secret_fields=("reply_token",))
INBOUND_TICKET_MAIL = EventContract("notifications", "inbound_ticket_mail", InboundTicketMailSchema,
                                    subscribers=("tickets",), secret_fields=("reply_token",))


class ChatMessageSchema(Schema):
    """A message in a chat thread: a client's alerts the staff chosen on the Alerts tab, a staff member's
    may tell the client there is something new in their portal (never the text itself by email)."""

    thread_id = fields.Integer(required=True)
    message_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    subject = fields.String(required=True)
    author_kind = fields.String(required=True)  # client, staff
    author_id = fields.Integer(allow_none=True, load_default=None)
    excerpt = fields.String(required=True)  # the message's first few hundred characters
    new_thread = fields.Boolean(load_default=False)  # the thread's first message
    actor = fields.Dict(allow_none=True, load_default=None)
    client_name = fields.String(allow_none=True, load_default=None)  # the account's name, for staff alerts


CHAT_MESSAGE_ADDED = EventContract("tickets", "chat_message_added", ChatMessageSchema, subscribers=("notifications",))


class DocumentUploadedSchema(Schema):
    """A client uploaded a document to their account (never its bytes: staff download it from tickets)."""

    document_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    title = fields.String(required=True)
    filename = fields.String(required=True)
    portal_user_id = fields.Integer(allow_none=True, load_default=None)
    done = fields.Boolean(load_default=False)  # sent with the "I'm completely done uploading" box ticked
    actor = fields.Dict(allow_none=True, load_default=None)
    client_name = fields.String(allow_none=True, load_default=None)  # the account's name, for staff alerts
    portal_user_name = fields.String(allow_none=True, load_default=None)  # the client's own name (accounts')


class DoneUploadingSchema(Schema):
    """A client told the business they have sent every document asked for."""

    account_id = fields.Integer(required=True)
    portal_user_id = fields.Integer(allow_none=True, load_default=None)
    via = fields.String(required=True)  # button, checkbox
    documents = fields.Integer(load_default=0)  # how many documents the client has uploaded to the account
    actor = fields.Dict(allow_none=True, load_default=None)
    client_name = fields.String(allow_none=True, load_default=None)  # the account's name, for staff alerts
    portal_user_name = fields.String(allow_none=True, load_default=None)  # the client's own name (accounts')


DOCUMENT_UPLOADED = EventContract("tickets", "document_uploaded", DocumentUploadedSchema,
                                  subscribers=("notifications",))
DONE_UPLOADING = EventContract("tickets", "done_uploading", DoneUploadingSchema, subscribers=("notifications",))


class InvitationDocumentChangedSchema(Schema):
    """What the invitation email should say awaits a new client in Documents: the welcome document's title, or
    null for nothing (none attached, or documents off). The envelope's ``occurred_at`` orders the changes."""

    title = fields.String(allow_none=True, required=True)


INVITATION_DOCUMENT_CHANGED = EventContract("tickets", "invitation_document_changed",
                                            InvitationDocumentChangedSchema, subscribers=("notifications",))
