"""Marshmallow schemas for the notifications service's RPC inputs and outputs."""
import re

from marshmallow import Schema, ValidationError, fields, validate

from shared.clock import as_utc
from shared.fields import StrictBoolean

SUBJECT_MAX = 150
TEMPLATE_HTML_MAX = 20000
PER_PAGE_MAX = 100


def single_line(value):
    if not value.strip():
        raise ValidationError("Enter a subject.")
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValidationError("Use a single line without control characters.")


class InvitationTemplateSchema(Schema):
    subject = fields.String(required=True,
                            validate=[validate.Length(min=1, max=SUBJECT_MAX), single_line])
    html = fields.String(required=True, validate=validate.Length(max=TEMPLATE_HTML_MAX))


class SampleInvitationSchema(Schema):
    to_email = fields.Email(required=True, validate=validate.Length(max=254))


class OutboxPageSchema(Schema):
    page = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=1, max=PER_PAGE_MAX))


class UtcDateTime(fields.DateTime):
    """An ISO 8601 time with its UTC offset (SQLite returns naive datetimes stored in UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value), attr, obj, **kwargs)


class OutboxItemSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    to = fields.String(attribute="recipient")
    subject = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    created_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)


class OutboxMessageSchema(OutboxItemSchema):
    kind = fields.String()
    text = fields.String()
    html = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = UtcDateTime()


ALERTS_LIMIT_MAX = 200
ALERT_IDS_MAX = 500


class AlertListArgsSchema(Schema):
    unread_only = StrictBoolean(load_default=False)
    limit = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=1, max=ALERTS_LIMIT_MAX))


class MarkAlertsReadSchema(Schema):
    alert_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1)), required=True,
                            validate=validate.Length(max=ALERT_IDS_MAX))


class StaffAlertSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    text = fields.String()
    account_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    read = fields.Function(lambda alert: alert.read_at is not None)
