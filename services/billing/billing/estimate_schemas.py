"""Marshmallow schemas of the estimate RPCs' inputs: a new estimate, a draft's changes, list filters, a decision."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from shared import keyset
from shared.fields import NOT_BLANK_LINE, id_field, integer_field, money_field
from shared.i18n import N_, _
from shared.money import MAX_MINOR_UNITS, format_money

TITLE_MAX, MESSAGE_MAX, NOTE_MAX, LINES_MAX = 200, 2000, 1000, 100
STATUSES = ("draft", "sent", "approved", "declined", "expired")
CLIENT_STATUSES = ("sent", "approved", "declined", "expired")  # a draft is the business's, never the client's
DECISIONS = ("approved", "declined")
NOTE_TOO_LONG = N_("Use at most 1000 characters.")  # NOTE_MAX


def stripped(data, *names):
    """``data`` with the text fields ``names`` trimmed of surrounding spaces (blank becomes empty)."""
    if not isinstance(data, dict):
        return data
    return {**data, **{name: data[name].strip() for name in names if isinstance(data.get(name), str)}}


class EstimateLineInput(Schema):
    description = fields.String(required=True, validate=[validate.Length(min=1, max=300), NOT_BLANK_LINE])
    quantity = integer_field(1, 100_000, load_default=1)
    unit_price = money_field(required=True)


class EstimateChangesSchema(Schema):
    """What staff may set on a draft: everything but its account."""

    title = fields.String(required=True, validate=[validate.Length(min=1, max=TITLE_MAX), NOT_BLANK_LINE])
    message = fields.String(load_default="", validate=validate.Length(max=MESSAGE_MAX))
    valid_until = fields.Date(allow_none=True, load_default=None)
    lines = fields.List(fields.Nested(EstimateLineInput), required=True,
                        validate=validate.Length(min=1, max=LINES_MAX))

    @pre_load
    def trim(self, data, **kwargs):
        return stripped(data, "title", "message")

    @validates_schema
    def total_fits(self, data, **kwargs):
        if sum(line["quantity"] * line["unit_price"] for line in data.get("lines") or []) > MAX_MINOR_UNITS:
            raise ValidationError(_("The estimate total cannot be above %(most)s.",
                                    most=format_money(MAX_MINOR_UNITS)), "lines")


class NewEstimateSchema(EstimateChangesSchema):
    account_id = id_field(required=True)


class EstimateFiltersSchema(Schema):
    account_id = id_field(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(STATUSES))
    cursor = keyset.cursor_field()
    limit = integer_field(1, 100, load_default=50)


class ClientEstimateFiltersSchema(Schema):
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(CLIENT_STATUSES))
    cursor = keyset.cursor_field()
    limit = integer_field(1, 100, load_default=50)


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(allow_none=True, load_default=None,
                         validate=validate.Length(max=NOTE_MAX, error=NOTE_TOO_LONG))

    @pre_load
    def trim(self, data, **kwargs):
        data = stripped(data, "note")
        if isinstance(data, dict) and data.get("note") == "":
            data = {**data, "note": None}
        return data
