"""Staff API schemas: clients' service requests and the decision on one."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.portal.service_requests import ServiceRequestSchema
from shared.fields import Pattern, id_field

HH_MM = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM, such as 09:30.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class RequestDecisionSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why you decline (needed then; the client reads it)."})
    scheduled_on = fields.Date(allow_none=True, metadata={
        "description": "A reschedule's new date (YYYY-MM-DD); the client's first preferred date by default."})
    window_start = fields.String(allow_none=True, validate=HH_MM,
                                 metadata={"description": "HH:MM; the visit's window by default."})
    window_end = fields.String(allow_none=True, validate=HH_MM, metadata={"description": "HH:MM, after the start."})

    @validates_schema
    def window_in_order(self, data, **kwargs):
        start, end = data.get("window_start"), data.get("window_end")
        if (start is None) != (end is None):
            raise ValidationError("Give the time window's start and end, or neither.", "window_end")


class RequestListArgsSchema(Strict):
    status = fields.String(load_default="pending", validate=validate.OneOf(["pending", "accepted", "declined"]))
    account_id = id_field(strict=False, load_default=None)


class StaffServiceRequestSchema(ServiceRequestSchema):
    account_id = fields.Integer()


class RequestListSchema(Schema):
    items = fields.List(fields.Nested(StaffServiceRequestSchema))
