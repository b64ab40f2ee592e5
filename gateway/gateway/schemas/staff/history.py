"""Staff API schemas: a client account's audit history (notifications keeps it) and its filters."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.features.history import ACTOR_KINDS, CSV_PAGE
from shared.fields import id_field, integer_field
from shared.i18n import _

ACTIONS_MAX = 100  # as notifications allows (AuditFiltersSchema)


class HistoryFilterArgsSchema(Schema):
    """Which entries: the filters of the history page and of its CSV file."""

    action = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                         validate=validate.Length(max=ACTIONS_MAX),
                         metadata={"description": "Only these actions (repeat the parameter for several)."})
    actor_kind = fields.String(load_default=None, validate=validate.OneOf(ACTOR_KINDS),
                               metadata={"description": "Only what `client`, `staff` or the `system` did."})
    since = fields.Date(load_default=None, metadata={"description": "From this day (UTC) on."})
    until = fields.Date(load_default=None, metadata={"description": "Up to and including this day (UTC)."})
    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError(_("Choose an end date on or after the start date."), "until")


class HistoryArgsSchema(HistoryFilterArgsSchema):
    cursor = id_field(strict=False, load_default=None,
                      metadata={"description": "The `next_cursor` of the page before: the entries older than it."})
    limit = integer_field(1, CSV_PAGE, strict=False, load_default=50)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "`csv` answers the whole history (as filtered) as a CSV file."})


class HistoryActorSchema(Schema):
    kind = fields.String(allow_none=True, metadata={"description": "`client`, `staff` or `system`."})
    id = fields.Integer(allow_none=True, metadata={"description": "The portal user's or staff member's id."})


class HistoryOriginSchema(Schema):
    ip = fields.String(allow_none=True)
    device = fields.String(allow_none=True, metadata={"description": "The browser or app, as it named itself."})


class HistoryEntrySchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    action = fields.String()
    label = fields.String(metadata={"description": "The action in words."})
    summary = fields.String(metadata={"description": "What was done, in one line."})
    actor = fields.Nested(HistoryActorSchema)
    who = fields.String(metadata={"description": "Who acted, by name: a staff member, the client, or System."})
    origin = fields.Nested(HistoryOriginSchema)
    changes = fields.Dict(metadata={"description": "Each field changed: [before, after]."})
    link = fields.String(allow_none=True, metadata={"description": "The staff page of the object (a path)."})
    source = fields.String(metadata={"description": "The service that recorded it."})
    occurred_at = fields.String(metadata={"description": "ISO 8601, UTC."})
    occurred_at_local = fields.String(metadata={"description": "ISO 8601, in the business's time zone."})
    when = fields.String(metadata={"description": "The time for people, in the business's time zone."})


class HistoryPageSchema(Schema):
    items = fields.List(fields.Nested(HistoryEntrySchema))
    next_cursor = fields.Integer(allow_none=True, metadata={"description": "Pass as `cursor` for older entries."})
    time_zone = fields.String()
