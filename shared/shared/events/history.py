"""Events that feed notifications' history and feed: audit facts, the names it shows, what a client is told.

Audit facts: every service writes one to its own outbox in the transaction that made the change on a client's
account (``shared.audit``), so a fact is never lost while notifications is down and never tells of a change that
was rolled back; notifications keeps each once, by the envelope's event id.
"""
from marshmallow import Schema, fields

from shared.events.contract import EventContract


class AuditFactSchema(Schema):
    """Something done on a client's account: what (``action``, in words in ``summary``), by whom, from where."""

    account_id = fields.Integer(required=True)
    action = fields.String(required=True)  # e.g. signed_in, payment_made, card_added, account_details_updated
    summary = fields.String(required=True)  # one line for people: "Paid $120.00 with Visa ending 4242"
    actor = fields.Dict(allow_none=True, load_default=None)  # {kind: client|staff|system, id}
    origin = fields.Dict(allow_none=True, load_default=None)  # {ip, device}: what the gateway saw
    changes = fields.Dict(load_default=dict)  # {field: [before, after]}; never a secret or a card number
    link = fields.String(allow_none=True, load_default=None)  # the staff page of the object, e.g. /staff/invoices/5


class AccountSavedSchema(Schema):
    """A client account's name and contact details as they are now (created or edited, by staff or the client):
    notifications names clients in alerts and reaches them for reminders and invoices."""

    account_id = fields.Integer(required=True)
    name = fields.String(required=True)
    contact_email = fields.String(allow_none=True, load_default=None)
    mobile_phone = fields.String(allow_none=True, load_default=None)
    language = fields.String(allow_none=True, load_default=None)  # the client's choice; None: the business's default


class DocumentSharedSchema(Schema):
    """Staff shared a document with a client's account."""

    document_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    title = fields.String(required=True)
    actor = fields.Dict(allow_none=True, load_default=None)


class EstimateSentSchema(Schema):
    """Staff sent a client an estimate to approve or decline."""

    estimate_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    total = fields.Integer(required=True)
    expires_on = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class VisitReminderSchema(Schema):
    """A visit is tomorrow: remind the client (email or SMS, as they chose) and add it to their feed."""

    visit_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    service = fields.String(required=True)  # the job's name, "Weekly mowing"
    starts_at = fields.String(required=True)  # ISO 8601 with the business's offset
    ends_at = fields.String(allow_none=True, load_default=None)
    place = fields.String(allow_none=True, load_default=None)  # the property's address, one line


class InvoiceEmailSchema(Schema):
    """Email an invoice with a link to pay it: staff asked (``reason`` staff), or it was issued and the business
    emails new invoices (``reason`` issued)."""

    invoice_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    total = fields.Integer(required=True)
    balance = fields.Integer(required=True)
    due_on = fields.String(allow_none=True, load_default=None)
    to_email = fields.String(allow_none=True, load_default=None)  # none: the account's contact email
    reason = fields.String(required=True)  # staff, issued
    actor = fields.Dict(allow_none=True, load_default=None)


def _audit(source):
    return EventContract(source, "audit_fact", AuditFactSchema, subscribers=("notifications",))


ACCOUNTS_AUDIT = _audit("accounts")
BILLING_AUDIT = _audit("billing")
TICKETS_AUDIT = _audit("tickets")
ACCOUNT_SAVED = EventContract("accounts", "account_saved", AccountSavedSchema, subscribers=("notifications",))
DOCUMENT_SHARED = EventContract("tickets", "document_shared", DocumentSharedSchema, subscribers=("notifications",))
ESTIMATE_SENT = EventContract("billing", "estimate_sent", EstimateSentSchema, subscribers=("notifications",))
VISIT_REMINDER_DUE = EventContract("billing", "visit_reminder_due", VisitReminderSchema,
                                   subscribers=("notifications",))
INVOICE_EMAIL_REQUESTED = EventContract("billing", "invoice_email_requested", InvoiceEmailSchema,
                                        subscribers=("notifications",))
