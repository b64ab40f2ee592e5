"""billing's events: payments, autopay, methods, the charge-run queue, service requests and estimates."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.events.contract import EventContract


class PaymentSchema(Schema):
    """A payment or prepayment that succeeded or failed; ``receipt_to`` gets the receipt."""

    payment_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    kind = fields.String(required=True)  # payment, prepayment
    source = fields.String(required=True)  # portal, autopay, staff
    amount = fields.Integer(required=True)
    method_kind = fields.String(required=True)
    method_label = fields.String(allow_none=True, load_default=None)
    invoices = fields.List(fields.Dict(), load_default=list)  # [{invoice_id, number, applied}]
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


class PaymentReturnedSchema(Schema):
    """A succeeded payment the processor took back (``reason``: bank_returned, dispute_lost); ``invoices`` are
    those it had paid, open again: [{invoice_id, number, reopened}]."""

    payment_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    amount = fields.Integer(required=True)
    method_kind = fields.String(required=True)
    method_label = fields.String(allow_none=True, load_default=None)
    reason = fields.String(required=True, validate=validate.OneOf(("bank_returned", "dispute_lost")))
    detail = fields.String(allow_none=True, load_default=None)
    invoices = fields.List(fields.Dict(), load_default=list)
    actor = fields.Dict(allow_none=True, load_default=None)


class PaymentDisputedSchema(Schema):
    """A client disputed a payment with their bank (``status`` opened), or the dispute ended (won, or lost for part
    of the payment only: a whole one lost is PAYMENT_RETURNED). ``respond_by``: the day evidence is due (ISO)."""

    payment_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    amount = fields.Integer(required=True)  # what is disputed, in minor units
    method_label = fields.String(allow_none=True, load_default=None)
    status = fields.String(required=True, validate=validate.OneOf(("opened", "won", "lost")))
    reason = fields.String(allow_none=True, load_default=None)  # the processor's code: fraudulent, duplicate, ...
    respond_by = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class PaymentRefundedSchema(Schema):
    """Staff gave back part of what a payment paid on an invoice: to the method it came from, or as credit."""

    refund_id = fields.Integer(required=True)
    payment_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    amount = fields.Integer(required=True)
    destination = fields.String(required=True, validate=validate.OneOf(("method", "credit")))
    invoice_id = fields.Integer(required=True)
    invoice_number = fields.Integer(required=True)
    method_label = fields.String(allow_none=True, load_default=None)
    reason = fields.String(allow_none=True, load_default=None)
    actor = fields.Dict(allow_none=True, load_default=None)


class ChargeRequestedSchema(Schema):
    """A group of a run's invoices to charge (``invoice_id``: one, as queued before runs were grouped)."""

    run_id = fields.Integer(required=True)
    invoice_ids = fields.List(fields.Integer(), allow_none=True, load_default=None, validate=validate.Length(min=1))
    invoice_id = fields.Integer(allow_none=True, load_default=None)

    @validates_schema
    def one_of_them(self, data, **kwargs):
        if (data.get("invoice_ids") is None) == (data.get("invoice_id") is None):
            raise ValidationError("Give invoice_ids, or invoice_id alone.", "invoice_ids")


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
PAYMENT_RETURNED = EventContract("billing", "payment_returned", PaymentReturnedSchema, subscribers=("notifications",))
PAYMENT_DISPUTED = EventContract("billing", "payment_disputed", PaymentDisputedSchema, subscribers=("notifications",))
PAYMENT_REFUNDED = EventContract("billing", "payment_refunded", PaymentRefundedSchema, subscribers=("notifications",))
# Billing's own work queue: one message per group of a charge run's invoices, shared by every instance.
INVOICE_CHARGE_REQUESTED = EventContract("billing", "invoice_charge_requested", ChargeRequestedSchema,
                                         subscribers=("billing",))
# Field service: a client's request reaches staff as a ticket; its outcome is added to that ticket.
SERVICE_REQUEST_MADE = EventContract("billing", "service_request_made", ServiceRequestSchema,
                                     subscribers=("tickets", "notifications"))
SERVICE_REQUEST_DECIDED = EventContract("billing", "service_request_decided", ServiceRequestSchema,
                                        subscribers=("tickets",))
ESTIMATE_DECIDED = EventContract("billing", "estimate_decided", EstimateDecidedSchema, subscribers=("notifications",))
