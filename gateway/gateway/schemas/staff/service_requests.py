"""Staff API schemas: clients' service requests and the decision on one."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.common import NEXT, cursor_field, limit_field
from gateway.schemas.portal.service_requests import ServiceRequestSchema
from gateway.schemas.staff.jobs import time_field
from shared.fields import id_field
from shared.i18n import _


class Strict(Schema):
    class Meta:
        unknown = RAISE


class RequestDecisionSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = fields.String(allow_none=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why you decline (needed then; the client reads it)."})
    scheduled_on = fields.Date(allow_none=True, metadata={
        "description": "A reschedule's new date (YYYY-MM-DD); the client's first preferred date by default."})
    window_start = time_field("start (the visit's own window by default)")
    window_end = time_field("end")

    @validates_schema
    def window_in_order(self, data, **kwargs):
        start, end = data.get("window_start"), data.get("window_end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give the time window's start and end, or neither."), "window_end")


class RequestListArgsSchema(Strict):
    status = fields.String(load_default="pending", validate=validate.OneOf(["pending", "accepted", "declined"]))
    account_id = id_field(strict=False, load_default=None)
    cursor = cursor_field()
    limit = limit_field(100, 200)


class StaffServiceRequestSchema(ServiceRequestSchema):
    account_id = fields.Integer()


class RequestListSchema(Schema):
    items = fields.List(fields.Nested(StaffServiceRequestSchema))
    limit = fields.Integer()
    next = fields.String(allow_none=True, metadata=NEXT)
