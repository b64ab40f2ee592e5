"""Staff API: the signed-in staff member's own alerts about client actions (chosen on the Alerts tab)."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from gateway.auth import staff_required
from gateway.openapi import documented
from gateway.requests import load_json, load_query
from gateway.services import first_error, rpc

blueprint = Blueprint("staff_alerts", __name__, url_prefix="/api/v1/staff")

LIMIT_MAX = 200  # as notifications allows
ALERT_IDS_MAX = 500


class StaffAlertListArgsSchema(Schema):
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=LIMIT_MAX))


class StaffAlertSchema(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": "The client action, as named on the Alerts tab."})
    text = fields.String(metadata={"description": "What happened, in plain words."})
    account_id = fields.Integer(allow_none=True)
    created_at = fields.String(metadata={"description": "ISO 8601 with its UTC offset."})
    read = fields.Boolean()


class StaffAlertListSchema(Schema):
    items = fields.List(fields.Nested(StaffAlertSchema))
    unread = fields.Integer(metadata={"description": "How many of your alerts are unread in all."})


class StaffAlertsReadSchema(Schema):
    alert_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1)), required=True,
                            validate=validate.Length(min=1, max=ALERT_IDS_MAX))


class StaffAlertsReadResultSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many were unread until now."})
    unread = fields.Integer()


# --- calls shared with the alerts page --------------------------------------------------------------

def my_alerts(unread_only=False, limit=50):
    """The signed-in staff member's alerts, newest first, and their unread count."""
    return first_error(rpc().call_parallel({
        "items": ("notifications", "list_my_alerts", (unread_only, limit)),
        "unread": ("notifications", "count_my_unread_alerts", ()),
    }))


def mark_read(alert_ids):
    return rpc().call("notifications", "mark_alerts_read", list(alert_ids))


# --- routes -----------------------------------------------------------------------------------------

@blueprint.get("/alerts")
@staff_required
@documented("Your alerts about client actions, newest first; query: unread_only (true/false), limit (1-200, "
            "default 50)", response=StaffAlertListSchema)
def list_alerts():
    args = load_query(StaffAlertListArgsSchema)
    return jsonify(my_alerts(args["unread_only"], args["limit"]))


@blueprint.post("/alerts/read")
@staff_required
@documented("Mark some of your alerts read; an id that is not one of your alerts is 404 and changes nothing",
            body=StaffAlertsReadSchema, response=StaffAlertsReadResultSchema)
def post_alerts_read():
    return jsonify(mark_read(load_json(StaffAlertsReadSchema)["alert_ids"]))
