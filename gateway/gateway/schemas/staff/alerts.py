"""Staff API schemas: the signed-in staff member's alerts about client actions."""
from marshmallow import Schema, fields

from gateway.features.alerts import LIMIT_MAX
from shared.fields import id_list, integer_field

ALERT_IDS_MAX = 500


class StaffAlertListArgsSchema(Schema):
    unread_only = fields.Boolean(load_default=False)
    limit = integer_field(1, LIMIT_MAX, strict=False, load_default=50)


class StaffAlertSchema(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": "The client action, as named on the Alerts tab."})
    text = fields.String(metadata={"description": "What happened, in plain words."})
    account_id = fields.Integer(allow_none=True)
    link = fields.String(allow_none=True, metadata={"description": "The staff page about it (a path), if any."})
    created_at = fields.String(metadata={"description": "ISO 8601 with its UTC offset."})
    read = fields.Boolean()


class StaffAlertListSchema(Schema):
    items = fields.List(fields.Nested(StaffAlertSchema))
    unread = fields.Integer(metadata={"description": "How many of your alerts are unread in all."})


class StaffAlertsReadSchema(Schema):
    alert_ids = id_list(ALERT_IDS_MAX, required=True)


class StaffAlertsReadResultSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many were unread until now."})
    unread = fields.Integer()
