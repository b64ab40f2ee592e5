"""Estimate shapes of both audiences: a new estimate and a draft's changes (staff), the list filters, an estimate
as shown, and the client's decision. Billing checks the same again (and that a date is not already past)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.common import NEXT, AtMost, cursor_field, limit_field
from shared.fields import NOT_BLANK_LINE, id_field, integer_field, money_field
from shared.i18n import _
from shared.money import MAX_MINOR_UNITS, format_money

STATUSES = ("draft", "sent", "approved", "declined", "expired")
CLIENT_STATUSES = ("sent", "approved", "declined", "expired")
NOTE_MAX = 1000


class EstimateLineInputSchema(Schema):
    description = fields.String(required=True, validate=[validate.Length(min=1, max=300), NOT_BLANK_LINE])
    quantity = integer_field(1, 100_000, load_default=1)
    unit_price = money_field(required=True,
                             metadata={"description": "Price of one unit in integer cents (1250 is $12.50)."})


def total_fits(data):
    if sum(line["quantity"] * line["unit_price"] for line in data.get("lines") or []) > MAX_MINOR_UNITS:
        raise ValidationError(_("The estimate total cannot be above %(amount)s.",
                                amount=format_money(MAX_MINOR_UNITS)), "lines")


class EstimateChangesSchema(Schema):
    """A draft's changes: only the fields sent change (lines replace all of its lines)."""

    title = fields.String(validate=[validate.Length(min=1, max=200), NOT_BLANK_LINE],
                          metadata={"description": "What the work is, one line."})
    message = fields.String(validate=validate.Length(max=2000),
                            metadata={"description": "The business's words to the client, shown above the lines."})
    valid_until = fields.Date(allow_none=True, metadata={
        "description": "YYYY-MM-DD, today or later (the business's date); after it a sent estimate expires. "
                       "null: no expiry."})
    lines = fields.List(fields.Nested(EstimateLineInputSchema), validate=validate.Length(min=1, max=100))

    @validates_schema
    def check_total(self, data, **kwargs):
        total_fits(data)


class StaffNewEstimateSchema(EstimateChangesSchema):
    account_id = id_field(required=True, metadata={"description": "The client's id."})
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), NOT_BLANK_LINE],
                          metadata={"description": "What the work is, one line."})
    lines = fields.List(fields.Nested(EstimateLineInputSchema), required=True,
                        validate=validate.Length(min=1, max=100))


class StaffEstimateListArgsSchema(Schema):
    account_id = id_field(strict=False, allow_none=True, load_default=None,
                          metadata={"description": "Only this client's estimates."})
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(STATUSES))
    cursor = cursor_field()
    limit = limit_field(50, 100)


class PortalEstimateListArgsSchema(Schema):
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(CLIENT_STATUSES))
    cursor = cursor_field()
    limit = limit_field(50, 100)


class EstimateLineSchema(Schema):
    description = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Integer(metadata={"description": "Integer cents."})
    amount = fields.Integer(metadata={"description": "quantity × unit_price, integer cents."})


class EstimateSchema(Schema):
    id = fields.Integer()
    number = fields.Integer(metadata={"description": "Numbered per business from 1001."})
    account_id = fields.Integer(metadata={"description": "The client's id."})
    title = fields.String()
    status = fields.String(metadata={"description": "`draft` (staff only), `sent`, `approved`, `declined` or "
                                                    "`expired` (sent, and past valid_until)."})
    total = fields.Integer(metadata={"description": "Integer cents."})
    valid_until = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, or null: no expiry."})
    sent_at = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    job_id = fields.Integer(allow_none=True, metadata={"description": "The job on the waiting list an approval "
                                                                      "made."})
    created_at = fields.String()


class EstimateDetailSchema(EstimateSchema):
    message = fields.String(metadata={"description": "The business's words to the client."})
    decision_note = fields.String(allow_none=True, metadata={"description": "The client's note with the decision."})
    lines = fields.List(fields.Nested(EstimateLineSchema))


class StaffEstimateListSchema(Schema):
    items = fields.List(fields.Nested(EstimateSchema))
    limit = fields.Integer()
    next = fields.String(allow_none=True, metadata=NEXT)


class PortalEstimateSchema(EstimateDetailSchema):
    can_decide = fields.Boolean(metadata={"description": "Whether the client may approve or decline it now."})


class PortalEstimateListSchema(Schema):
    items = fields.List(fields.Nested(EstimateSchema))
    limit = fields.Integer()
    next = fields.String(allow_none=True, metadata=NEXT)
    can_decide = fields.Boolean(metadata={"description": "Whether the business lets clients approve or decline."})


class EstimateDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approved", "declined"]))
    note = fields.String(allow_none=True, load_default=None,
                         validate=AtMost(NOTE_MAX),
                         metadata={"description": f"Optional, at most {NOTE_MAX} characters."})
