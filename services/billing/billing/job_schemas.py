"""Marshmallow schemas of the field-service RPC inputs: the service list, jobs, their schedule and visits."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared import keyset
from shared.fields import NOT_BLANK_LINE, id_field, integer_field, money_field
from shared.i18n import _

RECURRENCES = ("once", "weekly", "every_n_weeks", "monthly")
PRESET_STATUSES = ("Scheduled", "Work in progress", "Completed")
MAX_INTERVAL_WEEKS = 52


class Strict(Schema):
    class Meta:
        unknown = RAISE


def title_field(maximum, **options):
    return fields.String(validate=[validate.Length(min=1, max=maximum), NOT_BLANK_LINE], **options)


class RecurrenceMixin(Strict):
    recurrence = fields.String(validate=validate.OneOf(RECURRENCES))
    interval_weeks = integer_field(2, MAX_INTERVAL_WEEKS, allow_none=True)

    @validates_schema
    def interval_only_every_n_weeks(self, data, **kwargs):
        every_n = data.get("recurrence") == "every_n_weeks"
        if every_n and not data.get("interval_weeks"):
            raise ValidationError(_("Say every how many weeks (2 to 52)."), "interval_weeks")
        if data.get("interval_weeks") and data.get("recurrence") not in (None, "every_n_weeks"):
            raise ValidationError(_("Only a job every N weeks has an interval."), "interval_weeks")


class ServiceInput(RecurrenceMixin):
    """One entry of the business's service list."""

    name = title_field(120, required=True)
    description = fields.String(load_default="", validate=validate.Length(max=500))
    price = money_field(required=True)
    recurrence = fields.String(load_default="once", validate=validate.OneOf(RECURRENCES))
    interval_weeks = integer_field(2, MAX_INTERVAL_WEEKS, allow_none=True, load_default=None)
    requestable = fields.Boolean(load_default=True)


class ServiceChanges(RecurrenceMixin):
    name = title_field(120)
    description = fields.String(validate=validate.Length(max=500))
    price = money_field()
    requestable = fields.Boolean()
    active = fields.Boolean()


class WindowMixin(Strict):
    window_start = fields.Time(allow_none=True, load_default=None)
    window_end = fields.Time(allow_none=True, load_default=None)

    @validates_schema
    def window_in_order(self, data, **kwargs):
        start, end = data.get("window_start"), data.get("window_end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give the time window's start and end, or neither."), "window_end")
        if start is not None and end <= start:
            raise ValidationError(_("The time window must end after it starts."), "window_end")


class ScheduleInput(WindowMixin):
    """When a job's first visit happens; a recurring job's next visits follow its recurrence."""

    start_on = fields.Date(required=True)


class NewJobInput(RecurrenceMixin):
    """A job for an account, from the service list (``service_id``) or by hand (``title`` and ``price``).
    Without ``schedule`` it waits on the list until staff dispatch it."""

    account_id = id_field(required=True)
    service_id = id_field(allow_none=True, load_default=None)
    title = title_field(200)
    price = money_field()
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=1000))
    bills_per_visit = fields.Boolean(load_default=True)
    schedule = fields.Nested(ScheduleInput, allow_none=True, load_default=None)

    @validates_schema
    def named(self, data, **kwargs):
        if data.get("service_id") is None and not data.get("title"):
            raise ValidationError(_("Choose a service from the list or give the job a title."), "title")


class PauseInput(Strict):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), NOT_BLANK_LINE])


class ResumeInput(Strict):
    resume_on = fields.Date(allow_none=True, load_default=None)


class ClientStatusInput(Strict):
    """What the client reads as the job's progress: a preset or the business's own words; None clears it."""

    client_status = title_field(100, required=True, allow_none=True)


class VisitMoveInput(WindowMixin):
    scheduled_on = fields.Date(required=True)


class VisitNotesInput(Strict):
    notes = fields.String(required=True, allow_none=True, validate=validate.Length(max=4000))


class CompleteVisitInput(Strict):
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))


class JobFiltersInput(Strict):
    account_id = id_field(allow_none=True, load_default=None)
    status = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(["unscheduled", "scheduled", "paused", "completed", "cancelled"]))
    cursor = keyset.cursor_field()
    limit = integer_field(1, 200, load_default=100)
