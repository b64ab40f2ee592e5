"""Event contracts: who publishes what, the payload's schema, and who subscribes.

Every service declares this whole topology at start-up, so a subscriber's queue exists
(and keeps events) before that subscriber has ever run. Payloads only ever gain fields.

A contract's ``secret_fields`` (one-time codes, link tokens) never travel or rest in plain text:
the outbox seals them when it writes the event (``shared.sealing``), and the subscriber opens them
with ``shared.messaging.open_secrets`` just before it uses them.
"""
from dataclasses import dataclass

from marshmallow import Schema, fields


@dataclass(frozen=True)
class EventContract:
    source: str
    name: str
    schema: type
    subscribers: tuple = ()
    secret_fields: tuple = ()


class PortalLinkIssuedSchema(Schema):
    """A single-use link (invitation or password reset) to deliver to a portal user by email."""

    portal_user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    tenant_slug = fields.String(required=True)
    token = fields.String(required=True)  # sealed on the bus and in the outbox (secret_fields)
    expires_at = fields.String(required=True)


class CodeIssuedSchema(Schema):
    """A short code to deliver: by SMS when ``channel`` is "sms", else by email."""

    portal_user_id = fields.Integer(required=True)
    channel = fields.String(required=True)
    to = fields.String(required=True)
    code = fields.String(required=True)  # sealed on the bus and in the outbox (secret_fields)
    expires_at = fields.String(required=True)


class StaffLinkIssuedSchema(Schema):
    """A single-use link (a staff password reset) to deliver to a staff member by email."""

    staff_user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True)
    expires_at = fields.String(required=True)


class TenantProfileSchema(Schema):
    tenant_id = fields.Integer(required=True)
    slug = fields.String(required=True)
    display_name = fields.String(required=True)
    contact_email = fields.String(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None)
    facebook_page = fields.String(allow_none=True, load_default=None)
    twitter_handle = fields.String(allow_none=True, load_default=None)
    linkedin_slug = fields.String(allow_none=True, load_default=None)
    has_logo = fields.Boolean(load_default=False)


TENANT_PROFILE_UPDATED = EventContract(
    "accounts", "tenant_profile_updated", TenantProfileSchema, subscribers=("notifications",))
PORTAL_INVITATION_ISSUED = EventContract(
    "accounts", "portal_invitation_issued", PortalLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
PASSWORD_RESET_ISSUED = EventContract(
    "accounts", "password_reset_issued", PortalLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
STAFF_PASSWORD_RESET_ISSUED = EventContract(
    "accounts", "staff_password_reset_issued", StaffLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
LOGIN_CODE_ISSUED = EventContract(
    "accounts", "login_code_issued", CodeIssuedSchema, subscribers=("notifications",), secret_fields=("code",))
EMAIL_CHANGE_CODE_ISSUED = EventContract(
    "accounts", "email_change_code_issued", CodeIssuedSchema, subscribers=("notifications",),
    secret_fields=("code",))



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


class PortalUserActivatedSchema(Schema):
    """A portal user set their first password (from an invitation or a reset link): their first sign-in."""

    portal_user_id = fields.Integer(required=True)
    account_ids = fields.List(fields.Integer(), required=True)  # the main accounts they are linked to
    via = fields.String(required=True)  # invitation, password_reset


class InvitationDocumentChangedSchema(Schema):
    """What the invitation email should say awaits a new client in Documents: the welcome document's title, or
    null for nothing (none attached, or documents off). The envelope's ``occurred_at`` orders the changes."""

    title = fields.String(allow_none=True, required=True)


PORTAL_USER_ACTIVATED = EventContract("accounts", "portal_user_activated", PortalUserActivatedSchema,
                                      subscribers=("tickets",))
INVITATION_DOCUMENT_CHANGED = EventContract("tickets", "invitation_document_changed",
                                            InvitationDocumentChangedSchema, subscribers=("notifications",))


class PaymentSchema(Schema):
    """A payment or prepayment that succeeded or failed; ``receipt_to`` gets the receipt."""

    payment_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    kind = fields.String(required=True)  # payment, prepayment
    source = fields.String(required=True)  # portal, autopay, staff
    amount = fields.Integer(required=True)
    method_kind = fields.String(required=True)
    method_label = fields.String(allow_none=True, load_default=None)
    invoices = fields.List(fields.Dict(), load_default=list)  # [{number, applied}]
    message = fields.String(allow_none=True, load_default=None)
    receipt_to = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class AutopaySchema(Schema):
    account_id = fields.Integer(required=True)
    scope = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class PaymentMethodRemovedSchema(Schema):
    account_id = fields.Integer(required=True)
    kind = fields.String(required=True)  # card, ach
    label = fields.String(required=True)
    actor = fields.Dict(allow_none=True, load_default=None)


class ChargeRequestedSchema(Schema):
    run_id = fields.Integer(required=True)
    invoice_id = fields.Integer(required=True)


class ServiceRequestSchema(Schema):
    """A client's request (move or cancel a visit, or a new service), for tickets to open a ticket about it, or
    its outcome (``status`` accepted or declined, with the staff's note) for tickets to add to that ticket."""

    request_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    kind = fields.String(required=True)  # reschedule, cancel, new_service
    status = fields.String(required=True)  # pending, accepted, declined
    subject = fields.String(required=True)  # "Reschedule: Weekly mowing on Tue 8 Dec, 9:00-11:00"
    body = fields.String(required=True)  # what the client asked, in words staff read as the ticket's message
    visit_id = fields.Integer(allow_none=True, load_default=None)
    decision_note = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class EstimateDecidedSchema(Schema):
    estimate_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    total = fields.Integer(required=True)
    decision = fields.String(required=True)  # approved, declined
    note = fields.String(allow_none=True, load_default=None)
    job_id = fields.Integer(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


PAYMENT_SUCCEEDED = EventContract("billing", "payment_succeeded", PaymentSchema, subscribers=("notifications",))
PAYMENT_FAILED = EventContract("billing", "payment_failed", PaymentSchema, subscribers=("notifications",))
PREPAYMENT_MADE = EventContract("billing", "prepayment_made", PaymentSchema, subscribers=("notifications",))
AUTOPAY_ENROLLED = EventContract("billing", "autopay_enrolled", AutopaySchema, subscribers=("notifications",))
AUTOPAY_CANCELLED = EventContract("billing", "autopay_cancelled", AutopaySchema, subscribers=("notifications",))
PAYMENT_METHOD_REMOVED = EventContract("billing", "payment_method_removed", PaymentMethodRemovedSchema,
                                       subscribers=("notifications",))
# Billing's own work queue: one message per invoice of a charge run, shared by every instance.
INVOICE_CHARGE_REQUESTED = EventContract("billing", "invoice_charge_requested", ChargeRequestedSchema,
                                         subscribers=("billing",))
# Field service: a client's request reaches staff as a ticket; its outcome is added to that ticket.
SERVICE_REQUEST_MADE = EventContract("billing", "service_request_made", ServiceRequestSchema,
                                     subscribers=("tickets", "notifications"))
SERVICE_REQUEST_DECIDED = EventContract("billing", "service_request_decided", ServiceRequestSchema,
                                        subscribers=("tickets",))
ESTIMATE_DECIDED = EventContract("billing", "estimate_decided", EstimateDecidedSchema, subscribers=("notifications",))

CONTRACTS = (TENANT_PROFILE_UPDATED, PORTAL_INVITATION_ISSUED, PASSWORD_RESET_ISSUED,
             LOGIN_CODE_ISSUED, EMAIL_CHANGE_CODE_ISSUED, PAYMENT_SUCCEEDED, PAYMENT_FAILED,
             PREPAYMENT_MADE, AUTOPAY_ENROLLED, AUTOPAY_CANCELLED, PAYMENT_METHOD_REMOVED,
             INVOICE_CHARGE_REQUESTED, STAFF_PASSWORD_RESET_ISSUED, TICKET_OPENED, TICKET_MESSAGE_ADDED,
             INBOUND_TICKET_MAIL, CHAT_MESSAGE_ADDED, DOCUMENT_UPLOADED, DONE_UPLOADING,
             PORTAL_USER_ACTIVATED, INVITATION_DOCUMENT_CHANGED, SERVICE_REQUEST_MADE, SERVICE_REQUEST_DECIDED,
             ESTIMATE_DECIDED)
SERVICES = ("accounts", "billing", "tickets", "notifications")


def subscriber_queue(source, event_type, service):
    """Name of ``service``'s queue for ``source``'s ``event_type`` (one handler per event per service)."""
    return f"evt-{source}-{event_type}--{service}"


def dead_letter_queue(service):
    return f"dead-letters.{service}"


def events_exchange(source):
    """Name of ``source``'s events exchange (nameko's own naming)."""
    return f"{source}.events"


def direct_exchange(service):
    """Name of the exchange that routes, by queue name, to ``service``'s own event and dead-letter queues."""
    return f"portico.direct.{service}"


def retry_tier(service, delay_ms):
    """Name of the exchange and queue where ``service``'s failed events wait ``delay_ms`` before redelivery."""
    return f"portico.retry.{service}.{delay_ms}ms"
