"""Marshmallow schemas for the billing service's RPC inputs and outputs."""
from marshmallow import Schema, fields, pre_load, validate, validates_schema, ValidationError

from shared.fields import money_field, unique


class InvoiceLineInput(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=100000))
    unit_price = money_field(required=True)


class NewInvoiceSchema(Schema):
    account_id = fields.Integer(strict=True, required=True)
    job_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    issue_date = fields.Date(load_default=None, allow_none=True)
    due_date = fields.Date(required=True)
    lines = fields.List(fields.Nested(InvoiceLineInput), required=True,
                        validate=validate.Length(min=1, max=200))

    @validates_schema
    def due_after_issue(self, data, **kwargs):
        if data.get("issue_date") and data["due_date"] < data["issue_date"]:
            raise ValidationError("The due date cannot be before the issue date.", "due_date")


class InvoiceFiltersSchema(Schema):
    number = fields.Integer(strict=True, allow_none=True, load_default=None)
    date_from = fields.Date(allow_none=True, load_default=None)
    date_to = fields.Date(allow_none=True, load_default=None)
    amount_min = money_field(allow_none=True, load_default=None)
    amount_max = money_field(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(["unpaid", "open", "past_due", "paid", "void", "all"]))
    account_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    autopay = fields.Boolean(allow_none=True, load_default=None)

    @validates_schema
    def ranges_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("The start date is after the end date.", "date_from")
        if data.get("amount_min") is not None and data.get("amount_max") is not None \
                and data["amount_min"] > data["amount_max"]:
            raise ValidationError("The smallest amount is above the largest.", "amount_min")


class NewJobSchema(Schema):
    account_id = fields.Integer(strict=True, required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="scheduled",
                           validate=validate.OneOf(["unscheduled", "scheduled", "completed", "paused"]))


class CardOnFileSchema(Schema):
    """What the processor's hosted form hands back: a token and what may be shown."""

    token = fields.String(required=True, validate=validate.Regexp(r"^tok_[A-Za-z0-9_]{6,90}$",
                                                                  error="Not a payment token."))
    kind = fields.String(required=True, validate=validate.OneOf(["card", "ach"]))
    brand = fields.String(required=True, validate=validate.Length(min=1, max=30))
    last4 = fields.String(required=True, validate=validate.Regexp(r"^\d{4}$", error="Four digits."))
    exp_month = fields.Integer(strict=True, allow_none=True, load_default=None,
                               validate=validate.Range(min=1, max=12))
    exp_year = fields.Integer(strict=True, allow_none=True, load_default=None,
                              validate=validate.Range(min=2000, max=2100))


class PayInvoicesSchema(Schema):
    invoice_ids = fields.List(fields.Integer(strict=True), required=True,
                              validate=[validate.Length(min=1, max=200), unique])
    payment_method_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    new_method = fields.Nested(CardOnFileSchema, allow_none=True, load_default=None)
    save_method = fields.Boolean(load_default=False)
    amount = money_field(allow_none=True, load_default=None)
    credit = money_field(load_default=0)
    confirm_over_limit = fields.Boolean(load_default=False)
    receipt_to = fields.Email(allow_none=True, load_default=None)

    @validates_schema
    def one_method(self, data, **kwargs):
        if (data.get("payment_method_id") is None) == (data.get("new_method") is None) and \
                data.get("credit", 0) < (data.get("amount") or 1):
            raise ValidationError("Choose a payment method on file or add a new one.", "payment_method_id")


class PrepaymentSchema(Schema):
    amount = money_field(minimum=1, required=True)
    payment_method_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    new_method = fields.Nested(CardOnFileSchema, allow_none=True, load_default=None)
    confirm_over_limit = fields.Boolean(load_default=False)
    receipt_to = fields.Email(allow_none=True, load_default=None)

    @validates_schema
    def one_method(self, data, **kwargs):
        if (data.get("payment_method_id") is None) == (data.get("new_method") is None):
            raise ValidationError("Choose a payment method on file or add a new one.", "payment_method_id")


class ApplyCreditSchema(Schema):
    payment_id = fields.Integer(strict=True, required=True)
    allocations = fields.List(fields.Nested(Schema.from_dict({
        "invoice_id": fields.Integer(strict=True, required=True),
        "amount": money_field(minimum=1, required=True),
    })), required=True, validate=validate.Length(min=1, max=200))


VOID_REASON_MAX = 200


def one_line_text(value):
    if not value.isprintable():
        raise ValidationError("Use one line of plain text, without line breaks or control characters.")


class VoidInvoiceSchema(Schema):
    """Why staff void an invoice: optional, one short line (blank means no reason)."""

    reason = fields.String(allow_none=True, load_default=None,
                           validate=[validate.Length(max=VOID_REASON_MAX), one_line_text])

    @pre_load
    def trim(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip() or None}
        return data
