"""Client portal API schemas: the Services tab and the calendar address. A part of the tab the business does not
show is absent from the answer (not empty); so are the job status and the service notes when not shown."""
from marshmallow import Schema, fields

WHEN = "ISO 8601 moment in UTC."


class VisitCardSchema(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    title = fields.String(metadata={"description": "The job's title."})
    scheduled_on = fields.String(metadata={"description": "The visit's date (ISO), in the business's time zone."})
    window_start = fields.String(allow_none=True, metadata={"description": "HH:MM, or null without a time window."})
    window_end = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "`scheduled`, `completed` or `skipped`."})
    completed_at = fields.String(allow_none=True, metadata={"description": WHEN})
    job_status = fields.String(metadata={"description": "The job's status for the client (only when shown)."})
    notes = fields.String(allow_none=True, metadata={"description": "Service notes (only when shown); in the tab's "
                                                                    "lists the first 300 characters."})
    notes_truncated = fields.Boolean(metadata={"description": "The notes go on: the visit's own card has them all."})
    can_reschedule = fields.Boolean(metadata={"description": "Upcoming only: a reschedule request is possible."})
    can_cancel = fields.Boolean(metadata={"description": "Upcoming only: a cancel request is possible."})
    can_ask = fields.Boolean(metadata={"description": "Upcoming only: a ticket about the visit may be opened when "
                                                      "the business takes tickets."})
    requests_until = fields.String(allow_none=True, metadata={
        "description": "Upcoming only: until when reschedule and cancel requests are taken (" + WHEN + "), or null "
                       "without a cut-off."})


class VisitSchema(VisitCardSchema):
    label = fields.String(metadata={"description": "The visit in words: title, date and window."})
    part = fields.String(metadata={"description": "`upcoming` or `history`."})
    time_zone = fields.String()


class JobCardSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    recurrence = fields.String(metadata={"description": "`once`, `weekly`, `every_n_weeks` or `monthly`."})
    interval_weeks = fields.Integer(allow_none=True)
    created_at = fields.String(allow_none=True)
    pause_reason = fields.String(allow_none=True, metadata={"description": "Paused jobs: the business's words."})
    paused_at = fields.String(allow_none=True)
    job_status = fields.String(metadata={"description": "Only when shown."})


class CalendarStateSchema(Schema):
    active = fields.Boolean(metadata={"description": "Whether the account has a live calendar address."})
    created_at = fields.String(allow_none=True)


class ServicesSchema(Schema):
    time_zone = fields.String(metadata={"description": "The business's time zone (IANA name)."})
    today = fields.String(metadata={"description": "The business's date today."})
    shown = fields.Dict(keys=fields.String(), values=fields.Boolean(),
                        metadata={"description": "Which parts and details the business shows."})
    allow_service_requests = fields.Boolean(metadata={"description": "Whether the client may request a service."})
    upcoming = fields.List(fields.Nested(VisitCardSchema), metadata={"description": "Soonest first."})
    history = fields.List(fields.Nested(VisitCardSchema), metadata={"description": "Completed and skipped visits, "
                                                                                   "newest first."})
    waiting_list = fields.List(fields.Nested(JobCardSchema), metadata={"description": "Jobs not scheduled yet."})
    paused = fields.List(fields.Nested(JobCardSchema))
    calendar = fields.Nested(CalendarStateSchema, metadata={"description": "With upcoming visits only."})


class CalendarMadeSchema(Schema):
    url = fields.String(metadata={"description": "The secret address to subscribe to; shown this once."})
    calendar = fields.Nested(CalendarStateSchema)


class CalendarRevokedSchema(Schema):
    calendar = fields.Nested(CalendarStateSchema)
