"""Marshmallow schemas for the billing service's RPC inputs and outputs."""
from marshmallow import Schema, fields, pre_load, validate, validates_schema, ValidationError

from shared import keyset
from shared.fields import LAST4, ONE_LINE, PAYMENT_TOKEN, id_field, id_list, integer_field, money_field
from shared.i18n import _


class InvoiceLineInput(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = integer_field(1, 100_000, load_default=1)
    unit_price = money_field(required=True)


class NewInvoiceSchema(Schema):
    account_id = id_field(required=True)
    job_id = id_field(allow_none=True, load_default=None)
    issue_date = fields.Date(load_default=None, allow_none=True)
    due_date = fields.Date(required=True)
    lines = fields.List(fields.Nested(InvoiceLineInput), required=True,
                        validate=validate.Length(min=1, max=200))

    @validates_schema
    def due_after_issue(self, data, **kwargs):
        if data.get("issue_date") and data["due_date"] < data["issue_date"]:
            raise ValidationError(_("The due date cannot be before the issue date."), "due_date")


class InvoiceFiltersSchema(Schema):
    number = id_field(allow_none=True, load_default=None)
    date_from = fields.Date(allow_none=True, load_default=None)
    date_to = fields.Date(allow_none=True, load_default=None)
    amount_min = money_field(allow_none=True, load_default=None)
    amount_max = money_field(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(["unpaid", "open", "past_due", "paid", "void", "all"]))
    account_id = id_field(allow_none=True, load_default=None)
    autopay = fields.Boolean(allow_none=True, load_default=None)
    cursor = keyset.cursor_field()
    limit = integer_field(1, 200, load_default=50)

    @validates_schema
    def ranges_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start date is after the end date."), "date_from")
        if data.get("amount_min") is not None and data.get("amount_max") is not None \
                and data["amount_min"] > data["amount_max"]:
            raise ValidationError(_("The smallest amount is above the largest."), "amount_min")


class CardOnFileSchema(Schema):
    """What the processor's hosted form hands back: a token and what may be shown."""

    token = fields.String(required=True, validate=PAYMENT_TOKEN)
    kind = fields.String(required=True, validate=validate.OneOf(["card", "ach"]))
    brand = fields.String(required=True, validate=validate.Length(min=1, max=30))
    last4 = fields.String(required=True, validate=LAST4)
    exp_month = fields.Integer(strict=True, allow_none=True, load_default=None,
                               validate=validate.Range(min=1, max=12))
    exp_year = fields.Integer(strict=True, allow_none=True, load_default=None,
                              validate=validate.Range(min=2000, max=2100))


class PayInvoicesSchema(Schema):
    invoice_ids = id_list(200, distinct=True, required=True)
    payment_method_id = id_field(allow_none=True, load_default=None)
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
            raise ValidationError(_("Choose a payment method on file or add a new one."), "payment_method_id")


class PrepaymentSchema(Schema):
    amount = money_field(minimum=1, required=True)
    payment_method_id = id_field(allow_none=True, load_default=None)
    new_method = fields.Nested(CardOnFileSchema, allow_none=True, load_default=None)
    confirm_over_limit = fields.Boolean(load_default=False)
    receipt_to = fields.Email(allow_none=True, load_default=None)

    @validates_schema
    def one_method(self, data, **kwargs):
        if (data.get("payment_method_id") is None) == (data.get("new_method") is None):
            raise ValidationError(_("Choose a payment method on file or add a new one."), "payment_method_id")


class ApplyCreditSchema(Schema):
    payment_id = id_field(required=True)
    allocations = fields.List(fields.Nested(Schema.from_dict({
        "invoice_id": id_field(required=True),
        "amount": money_field(minimum=1, required=True),
    })), required=True, validate=validate.Length(min=1, max=200))


VOID_REASON_MAX = 200


class VoidInvoiceSchema(Schema):
    """Why staff void an invoice: optional, one short line (blank means no reason)."""

    reason = fields.String(allow_none=True, load_default=None,
                           validate=[validate.Length(max=VOID_REASON_MAX), ONE_LINE])

    @pre_load
    def trim(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip() or None}
        return data
