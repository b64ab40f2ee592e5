"""Client portal API schemas: asking to move or cancel a visit, the services offered, asking for a new service."""
from marshmallow import RAISE, Schema, fields, validate

from shared.fields import id_field

DATES_HELP = ("Dates that suit you (YYYY-MM-DD), today or later, 1 to 3 (none for a cancellation); each date "
              "once.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


def note_field():
    return fields.String(allow_none=True, validate=validate.Length(max=1000),
                         metadata={"description": "Anything the business should know (optional)."})


class VisitRequestSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["reschedule", "cancel"]))
    preferred_dates = fields.List(fields.Date(), validate=validate.Length(max=3),
                                  metadata={"description": DATES_HELP})
    note = note_field()


class NewServiceRequestSchema(Strict):
    service_id = id_field(required=True, metadata={"description": "One of the services offered."})
    preferred_dates = fields.List(fields.Date(), required=True, validate=validate.Length(min=1, max=3),
                                  metadata={"description": DATES_HELP})
    note = note_field()


class RequestVisitSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    scheduled_on = fields.String()
    window_start = fields.String(allow_none=True)
    window_end = fields.String(allow_none=True)
    status = fields.String()
    label = fields.String()


class ServiceRequestSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "reschedule, cancel or new_service."})
    status = fields.String(metadata={"description": "pending, accepted or declined."})
    about = fields.String(metadata={"description": "The visit or the service asked about."})
    visit_id = fields.Integer(allow_none=True)
    service_id = fields.Integer(allow_none=True)
    visit = fields.Nested(RequestVisitSchema, allow_none=True)
    preferred_dates = fields.List(fields.String())
    note = fields.String()
    decision_note = fields.String(allow_none=True)
    job_id = fields.Integer(allow_none=True)
    created_at = fields.String()
    decided_at = fields.String(allow_none=True)


class OfferedServiceSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    price = fields.Integer(metadata={"description": "Per visit, in minor units (cents)."})
    recurrence = fields.String()
    interval_weeks = fields.Integer(allow_none=True)


class OfferedServicesSchema(Schema):
    items = fields.List(fields.Nested(OfferedServiceSchema))
