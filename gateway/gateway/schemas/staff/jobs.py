"""Staff API schemas: the service list, jobs (the waiting list, dispatching, pausing, the status clients read) and
their visits. Billing checks every value again; these say what the OpenAPI document promises."""
from marshmallow import RAISE, Schema, fields, validate

from gateway.schemas.common import NEXT, cursor_field, limit_field
from gateway.schemas.portal.service_requests import OfferedServiceSchema
from shared.fields import NOT_BLANK_LINE, Pattern, StrictBoolean, id_field, integer_field, money_field
from shared.i18n import N_

RECURRENCES = ["once", "weekly", "every_n_weeks", "monthly"]
JOB_STATUSES = ["unscheduled", "scheduled", "paused", "completed", "cancelled"]
VISIT_STATUSES = ["scheduled", "completed", "skipped", "cancelled"]
PRESET_STATUSES = ["Scheduled", "Work in progress", "Completed"]
CLOCK_TIME = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error=N_("Enter a time of day as HH:MM, such as 09:30."))
DAY_RANGE = "Within a year before and two years after the business's today (its Services-tab time zone)."


class Strict(Schema):
    class Meta:
        unknown = RAISE


def title_field(maximum, **options):
    return fields.String(validate=[validate.Length(min=1, max=maximum), NOT_BLANK_LINE], **options)


def recurrence_field(**options):
    return fields.String(validate=validate.OneOf(RECURRENCES), metadata={
        "description": "`once` (one-off), `weekly`, `every_n_weeks` (with `interval_weeks`) or `monthly`."},
        **options)


def interval_field(**options):
    return integer_field(2, 52, allow_none=True, metadata={
        "description": "Every how many weeks, for `every_n_weeks` only."}, **options)


def time_field(what):
    return fields.String(allow_none=True, load_default=None, validate=CLOCK_TIME,
                         metadata={"description": f"The time window's {what}, HH:MM local time; give both or "
                                                  "neither, the end after the start."})


def notes_field(maximum, description, **options):
    return fields.String(allow_none=True, validate=validate.Length(max=maximum),
                         metadata={"description": description}, **options)


# --- the service list -------------------------------------------------------------------------------

class NewServiceSchema(Strict):
    name = title_field(120, required=True)
    description = fields.String(validate=validate.Length(max=500))
    price = money_field(required=True, metadata={"description": "Per visit, integer cents (4500 is $45.00)."})
    recurrence = recurrence_field()
    interval_weeks = interval_field()
    requestable = StrictBoolean(metadata={"description": "Offered to clients under Request a service (default "
                                                         "true)."})


class ServiceChangeSchema(Strict):
    name = title_field(120)
    description = fields.String(validate=validate.Length(max=500))
    price = money_field(metadata={"description": "Per visit, integer cents."})
    recurrence = recurrence_field()
    interval_weeks = interval_field()
    requestable = StrictBoolean()
    active = StrictBoolean(metadata={"description": "false retires the service: no new jobs or requests; jobs "
                                                    "made from it stay."})


class ServiceSchema(OfferedServiceSchema):
    """An entry of the service list as staff see it: what clients are offered, and whether it is."""

    requestable = fields.Boolean()
    active = fields.Boolean()


class ServiceListSchema(Schema):
    items = fields.List(fields.Nested(ServiceSchema))


# --- jobs ---------------------------------------------------------------------------------------------

class ScheduleSchema(Strict):
    start_on = fields.Date(required=True, metadata={"description": "The first visit's date, YYYY-MM-DD. "
                                                                   + DAY_RANGE})
    window_start = time_field("start")
    window_end = time_field("end")


class StaffNewJobSchema(Strict):
    account_id = id_field(required=True, metadata={"description": "The client's id."})
    service_id = id_field(allow_none=True, metadata={"description": "From the service list: its name, price and "
                                                                    "recurrence unless given here."})
    title = title_field(200, metadata={"description": "Required without `service_id`."})
    price = money_field(metadata={"description": "Per visit, integer cents; the service's price, else 0."})
    recurrence = recurrence_field()
    interval_weeks = interval_field()
    bills_per_visit = StrictBoolean(metadata={"description": "Each completed visit raises its invoice (default "
                                                             "true)."})
    notes = notes_field(1000, "For staff: access, gate codes, what to bring.")
    schedule = fields.Nested(ScheduleSchema, allow_none=True, metadata={
        "description": "When the first visit happens; without it the job waits on the list (`unscheduled`)."})


class JobListArgsSchema(Strict):
    account_id = id_field(strict=False, metadata={"description": "One client's jobs (404 for no such client)."})
    status = fields.String(validate=validate.OneOf(JOB_STATUSES),
                           metadata={"description": "`unscheduled` is the waiting list."})
    cursor = cursor_field()
    limit = limit_field(100, 200)


class PauseSchema(Strict):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), NOT_BLANK_LINE],
                           metadata={"description": "Why, in the business's words (clients may be shown it)."})


class ResumeSchema(Strict):
    resume_on = fields.Date(allow_none=True, metadata={"description": "The first visit back, today or later; "
                                                                      "today when left out. " + DAY_RANGE})


class ClientStatusSchema(Strict):
    client_status = title_field(100, required=True, allow_none=True, metadata={
        "description": "What the client reads as the job's progress: " + ", ".join(f"`{status}`" for status in
                                                                                   PRESET_STATUSES)
        + " or words of the business's own; null clears it."})


class StaffVisitSchema(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    account_id = fields.Integer()
    title = fields.String()
    scheduled_on = fields.String(metadata={"description": "YYYY-MM-DD, the business's local date."})
    window_start = fields.String(allow_none=True, metadata={"description": "HH:MM local time."})
    window_end = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "`" + "`, `".join(VISIT_STATUSES) + "`."})
    notes = fields.String(allow_none=True, metadata={"description": "Service notes written for the client."})
    invoice_id = fields.Integer(allow_none=True, metadata={"description": "The invoice its completion raised."})
    completed_at = fields.String(allow_none=True)
    label = fields.String(metadata={"description": "Such as \"Weekly mowing on Tue 8 Dec 2026, 09:00-11:00\"."})


class StaffJobSchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    service_id = fields.Integer(allow_none=True)
    title = fields.String()
    price = fields.Integer(metadata={"description": "Per visit, integer cents."})
    recurrence = fields.String()
    interval_weeks = fields.Integer(allow_none=True)
    bills_per_visit = fields.Boolean()
    status = fields.String(metadata={"description": "`unscheduled` (on the waiting list), `scheduled`, `paused`, "
                                                    "`completed` or `cancelled`."})
    client_status = fields.String(allow_none=True)
    pause_reason = fields.String(allow_none=True)
    paused_at = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    origin = fields.String(metadata={"description": "`staff`, `estimate` or `request`."})
    autopay = fields.Boolean(metadata={"description": "Fixed when the job is created: on when the account "
                                                      "is enrolled in autopay."})
    created_at = fields.String()
    next_visit = fields.Nested(StaffVisitSchema, allow_none=True)


class StaffJobListSchema(Schema):
    items = fields.List(fields.Nested(StaffJobSchema))
    limit = fields.Integer()
    next = fields.String(allow_none=True, metadata=NEXT)


class StaffJobDetailSchema(StaffJobSchema):
    visits = fields.List(fields.Nested(StaffVisitSchema), metadata={"description": "The past year's and every one "
                                                                              "to come, by date."})


# --- visits -------------------------------------------------------------------------------------------

class CompleteVisitSchema(Strict):
    notes = notes_field(4000, "Service notes for the client: what was done, what to expect next.")


class VisitDateSchema(Strict):
    scheduled_on = fields.Date(required=True, metadata={"description": "YYYY-MM-DD. " + DAY_RANGE})
    window_start = time_field("start")
    window_end = time_field("end")


class VisitNotesSchema(Strict):
    notes = notes_field(4000, "Service notes for the client; null or empty clears them.", required=True)

