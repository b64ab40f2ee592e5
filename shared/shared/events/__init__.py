"""Event contracts: who publishes what, the payload's schema, and who subscribes.

Every service declares this whole topology at start-up, so a subscriber's queue exists
(and keeps events) before that subscriber has ever run. Payloads only ever gain fields.
One module per publisher; this one names them all.

A contract's ``secret_fields`` (one-time codes, link tokens) never travel or rest in plain text:
the outbox seals them when it writes the event (``shared.sealing``), and the subscriber opens them
with ``shared.messaging.open_secrets`` just before it uses them.
"""
from shared.events.contract import EventContract  # noqa: F401 (re-exported)
from shared.events.accounts import (  # noqa: F401 (re-exported)
    PortalLinkIssuedSchema, CodeIssuedSchema, StaffLinkIssuedSchema, TenantProfileSchema,
    TENANT_PROFILE_UPDATED, PORTAL_INVITATION_ISSUED, PASSWORD_RESET_ISSUED, STAFF_PASSWORD_RESET_ISSUED,
    LOGIN_CODE_ISSUED, EMAIL_CHANGE_CODE_ISSUED, PortalUserActivatedSchema, PORTAL_USER_ACTIVATED,
    StaffUserSavedSchema, STAFF_USER_SAVED, AccessChangedSchema, ACCESS_CHANGED)
from shared.events.tickets import (  # noqa: F401 (re-exported)
    TicketOpenedSchema, TicketMessageSchema, InboundTicketMailSchema, TICKET_OPENED, TICKET_MESSAGE_ADDED,
    INBOUND_TICKET_MAIL, ChatMessageSchema, CHAT_MESSAGE_ADDED, DocumentUploadedSchema, DoneUploadingSchema,
    DOCUMENT_UPLOADED, DONE_UPLOADING, InvitationDocumentChangedSchema, INVITATION_DOCUMENT_CHANGED)
from shared.events.billing import (  # noqa: F401 (re-exported)
    PaymentSchema, AutopaySchema, PaymentMethodRemovedSchema, PaymentReturnedSchema, PaymentDisputedSchema,
    PaymentRefundedSchema, ChargeRequestedSchema, ServiceRequestSchema,
    EstimateDecidedSchema, PAYMENT_SUCCEEDED, PAYMENT_FAILED, PREPAYMENT_MADE, AUTOPAY_ENROLLED,
    AUTOPAY_CANCELLED, PAYMENT_METHOD_REMOVED, INVOICE_CHARGE_REQUESTED, SERVICE_REQUEST_MADE,
    SERVICE_REQUEST_DECIDED, ESTIMATE_DECIDED, PAYMENT_RETURNED, PAYMENT_DISPUTED, PAYMENT_REFUNDED)
from shared.events.settings import SERVICES, SettingsUpdatedSchema, SETTINGS_UPDATED  # noqa: F401 (re-exported)
from shared.events.history import (  # noqa: F401 (re-exported)
    AuditFactSchema, AccountSavedSchema, DocumentSharedSchema, EstimateSentSchema, VisitReminderSchema,
    InvoiceEmailSchema, ACCOUNT_SAVED, DOCUMENT_SHARED, ESTIMATE_SENT, VISIT_REMINDER_DUE,
    INVOICE_EMAIL_REQUESTED, ACCOUNTS_AUDIT, BILLING_AUDIT, TICKETS_AUDIT)

CONTRACTS = (TENANT_PROFILE_UPDATED, PORTAL_INVITATION_ISSUED, PASSWORD_RESET_ISSUED,
             LOGIN_CODE_ISSUED, EMAIL_CHANGE_CODE_ISSUED, PAYMENT_SUCCEEDED, PAYMENT_FAILED,
             PREPAYMENT_MADE, AUTOPAY_ENROLLED, AUTOPAY_CANCELLED, PAYMENT_METHOD_REMOVED, PAYMENT_RETURNED,
             PAYMENT_DISPUTED, PAYMENT_REFUNDED,
             INVOICE_CHARGE_REQUESTED, STAFF_PASSWORD_RESET_ISSUED, TICKET_OPENED, TICKET_MESSAGE_ADDED,
             INBOUND_TICKET_MAIL, CHAT_MESSAGE_ADDED, DOCUMENT_UPLOADED, DONE_UPLOADING,
             PORTAL_USER_ACTIVATED, INVITATION_DOCUMENT_CHANGED, SERVICE_REQUEST_MADE, SERVICE_REQUEST_DECIDED,
             ESTIMATE_DECIDED, ACCOUNTS_AUDIT, BILLING_AUDIT, TICKETS_AUDIT, ACCOUNT_SAVED, DOCUMENT_SHARED,
             ESTIMATE_SENT, VISIT_REMINDER_DUE, INVOICE_EMAIL_REQUESTED, STAFF_USER_SAVED, ACCESS_CHANGED,
             *SETTINGS_UPDATED.values())


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
