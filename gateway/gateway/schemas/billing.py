"""Billing shapes both audiences share: invoices and their filters, payments, payment methods and autopay."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import NEXT, cursor_field, limit_field
from shared.fields import LAST4, PAYMENT_TOKEN, id_field, integer_field
from shared.money import MAX_MINOR_UNITS

INVOICE_STATUS_FILTERS = ("unpaid", "open", "past_due", "paid", "void", "all")


class InvoiceFilterArgsSchema(Schema):
    """The filters of both invoice lists, the staff's and the client's."""
    number = integer_field(1, 10 ** 12, strict=False, allow_none=True, load_default=None,
                           metadata={"description": "The invoice number."})
    date_from = fields.Date(allow_none=True, load_default=None, metadata={"description": "Issued on or after."})
    date_to = fields.Date(allow_none=True, load_default=None, metadata={"description": "Issued on or before."})
    amount_min = integer_field(0, MAX_MINOR_UNITS, strict=False, allow_none=True, load_default=None,
                               metadata={"description": "Smallest total, integer cents."})
    amount_max = integer_field(0, MAX_MINOR_UNITS, strict=False, allow_none=True, load_default=None,
                               metadata={"description": "Largest total, integer cents."})
    cursor = cursor_field()
    limit = limit_field(50, 200)


class PortalInvoiceSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    job_id = fields.Integer(allow_none=True)
    issue_date = fields.String(metadata={"description": "YYYY-MM-DD."})
    due_date = fields.String(metadata={"description": "YYYY-MM-DD."})
    total = fields.Integer(metadata={"description": "Integer cents."})
    balance = fields.Integer(metadata={"description": "Still due, integer cents."})
    paid = fields.Integer(metadata={"description": "What payments and credit put on it and it keeps, integer cents."})
    refunded = fields.Integer(metadata={"description": "Given back by the business since (to the card or bank "
                                                       "account, or as credit), integer cents: total = balance + "
                                                       "paid + refunded."})
    status = fields.String(metadata={"description": "`open`, `past_due`, `paid` or `void`."})
    autopay = fields.Boolean(metadata={"description": "Awaits an autopay charge while open."})
    voided_at = fields.String(allow_none=True, metadata={"description": "When the business cancelled (voided) it; "
                                                                        "null unless void. A void invoice has balance "
                                                                        "and paid 0."})


class StaffInvoiceSchema(PortalInvoiceSchema):
    account_id = fields.Integer(metadata={"description": "The client's id."})


def invoice_page(item_schema, name):
    """The shape of one page of an invoice list, newest first."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)), "limit": fields.Integer(),
                             "next": fields.String(allow_none=True, metadata=NEXT)}, name=name)


class PaymentMethodSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`card` or `ach`."})
    brand = fields.String()
    last4 = fields.String()
    exp_month = fields.Integer(allow_none=True)
    exp_year = fields.Integer(allow_none=True)
    label = fields.String()


class NewPaymentMethodSchema(Schema):
    """What the processor's hosted form posts to the page: a token and what may be shown."""

    token = fields.String(required=True, validate=PAYMENT_TOKEN)
    kind = fields.String(required=True, validate=validate.OneOf(["card", "ach"]))
    brand = fields.String(required=True, validate=validate.Length(min=1, max=30))
    last4 = fields.String(required=True, validate=LAST4)
    exp_month = integer_field(1, 12, allow_none=True, load_default=None)
    exp_year = integer_field(2000, 2100, allow_none=True, load_default=None)


class AppliedToSchema(Schema):
    invoice_number = fields.Integer()
    amount = fields.Integer(metadata={"description": "Integer cents."})


class ReleasedSchema(Schema):
    invoice_number = fields.Integer()
    amount = fields.Integer(metadata={"description": "Integer cents."})
    released_at = fields.String(metadata={"description": "When the invoice was voided."})


class PaymentSchema(Schema):
    """A payment, prepayment or credit: where it came from and when."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "`payment` or `prepayment`."})
    source = fields.String()
    method = fields.String(metadata={"description": "Such as \"Visa ending 4242\", or \"Account credit\"."})
    created_at = fields.String()


class PaymentTakenSchema(PaymentSchema):
    amount = fields.Integer(metadata={"description": "Charged to the method, integer cents."})
    amount_display = fields.String()
    status = fields.String()
    unapplied = fields.Integer(metadata={"description": "Credit not yet applied to any invoice, integer cents."})
    refunded = fields.Integer(metadata={"description": "Sent back to the method it came from by the business's "
                                                       "refunds, integer cents."})


class BillingPaymentSchema(PaymentTakenSchema):
    applied_to = fields.List(fields.Nested(AppliedToSchema))
    released = fields.List(fields.Nested(ReleasedSchema), metadata={
        "description": "Applied to invoices later voided, and given back as credit (counted in unapplied "
                       "unless applied again since)."})
    taken_back = fields.List(fields.Nested(AppliedToSchema), metadata={
        "description": "A payment the processor took back (status `returned`: a bank debit returned, a dispute "
                       "lost): what it had paid on each invoice, owed again."})
    returned_reason = fields.String(allow_none=True, metadata={"description": "Why it was taken back."})


class AutopayStatusSchema(Schema):
    available = fields.Boolean(metadata={"description": "The business offers autopay."})
    enrolled = fields.Boolean()
    locked = fields.Boolean(metadata={"description": "Staff locked autopay on: the client cannot cancel it."})
    scope = fields.String()
    payment_method = fields.Nested(PaymentMethodSchema, allow_none=True)
    consent_text = fields.String()
    enrolled_at = fields.String(allow_none=True)
