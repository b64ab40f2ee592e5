"""Marshmallow schemas of clients' service requests (move or cancel a visit, ask for a new service) and of the
staff's decision on one."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from billing.job_schemas import WindowMixin
from shared import keyset
from shared.fields import NOT_BLANK_LINE, id_field, integer_field
from shared.i18n import N_, _

KINDS = ("reschedule", "cancel")
MAX_PREFERRED = 3
NOTE_LIMIT = 1000
REASON_LIMIT = 500


class Strict(Schema):
    class Meta:
        unknown = RAISE


def preferred_dates(minimum=0, **options):
    return fields.List(fields.Date(), validate=validate.Length(min=minimum, max=MAX_PREFERRED,
                                                               error=N_("Give 1 to 3 dates.")), **options)


def note_field():
    return fields.String(load_default="", allow_none=True, validate=validate.Length(max=NOTE_LIMIT))


class DatesMixin(Strict):
    @validates_schema
    def distinct_dates(self, data, **kwargs):
        dates = data.get("preferred_dates") or []
        if len(set(dates)) != len(dates):
            raise ValidationError(_("Give each date once."), "preferred_dates")


class VisitRequestInput(DatesMixin):
    """Move a visit (1 to 3 preferred dates) or cancel it (no dates), with an optional note."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    preferred_dates = preferred_dates(load_default=list)
    note = note_field()

    @validates_schema
    def dates_fit_the_kind(self, data, **kwargs):
        dates = data.get("preferred_dates") or []
        if data.get("kind") == "reschedule" and not dates:
            raise ValidationError(_("Give at least one date that suits you."), "preferred_dates")
        if data.get("kind") == "cancel" and dates:
            raise ValidationError(_("A cancellation takes no dates."), "preferred_dates")


class ServiceRequestInput(DatesMixin):
    """A new service from the business's list, with 1 to 3 preferred dates and an optional note."""

    service_id = id_field(required=True)
    preferred_dates = preferred_dates(1, required=True)
    note = note_field()


class DecisionInput(WindowMixin):
    """Staff's answer: accept (a reschedule moves the visit to ``scheduled_on``, by default the client's first
    preferred date, in ``window_start``-``window_end``, by default its window) or decline with a reason."""

    outcome = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = fields.String(allow_none=True, load_default=None,
                           validate=[validate.Length(min=1, max=REASON_LIMIT), NOT_BLANK_LINE])
    scheduled_on = fields.Date(allow_none=True, load_default=None)

    @validates_schema
    def reason_to_decline(self, data, **kwargs):
        if data.get("outcome") == "decline" and not data.get("reason"):
            raise ValidationError(_("Say why you decline (the client reads it)."), "reason")


class RequestFiltersInput(Strict):
    status = fields.String(load_default="pending", validate=validate.OneOf(["pending", "accepted", "declined"]))
    account_id = id_field(allow_none=True, load_default=None)
    cursor = keyset.cursor_field()
    limit = integer_field(1, 200, load_default=100)
