"""Marshmallow schemas for the notifications service's RPC inputs and outputs."""
from marshmallow import Schema, fields, validate

from shared.clock import as_utc
from shared.fields import NOT_BLANK_LINE, StrictBoolean, id_field, integer_field

SUBJECT_MAX = 150
TEMPLATE_HTML_MAX = 20000
PER_PAGE_MAX = 100


class InvitationTemplateSchema(Schema):
    subject = fields.String(required=True,
                            validate=[validate.Length(min=1, max=SUBJECT_MAX), NOT_BLANK_LINE])
    html = fields.String(required=True, validate=validate.Length(max=TEMPLATE_HTML_MAX))


class SampleInvitationSchema(Schema):
    to_email = fields.Email(required=True, validate=validate.Length(max=254))


class OutboxPageSchema(Schema):
    page = integer_field(1, 100_000, load_default=1)
    per_page = integer_field(1, PER_PAGE_MAX, load_default=50)


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
    limit = integer_field(1, ALERTS_LIMIT_MAX, load_default=50)


class MarkAlertsReadSchema(Schema):
    alert_ids = fields.List(id_field(), required=True, validate=validate.Length(max=ALERT_IDS_MAX))


class StaffAlertSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    text = fields.String()
    account_id = fields.Integer(allow_none=True)
    link = fields.String(allow_none=True)
    created_at = UtcDateTime()
    read = fields.Function(lambda alert: alert.read_at is not None)


AUDIT_ACTOR_KINDS = ("client", "staff", "system")
AUDIT_ACTIONS_MAX = 100  # more than the actions there are (gateway features/history.py)
AUDIT_LIMIT_MAX = 500


class AuditFiltersSchema(Schema):
    """Which entries of an account's history: actions, who acted, a date range (UTC days), and the page."""

    actions = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                          validate=validate.Length(max=AUDIT_ACTIONS_MAX))
    actor_kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(AUDIT_ACTOR_KINDS))
    since = fields.Date(allow_none=True, load_default=None)
    until = fields.Date(allow_none=True, load_default=None)
    cursor = id_field(allow_none=True, load_default=None)
    limit = integer_field(1, AUDIT_LIMIT_MAX, load_default=50)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    action = fields.String()
    summary = fields.String()
    actor = fields.Function(lambda entry: {"kind": entry.actor_kind, "id": entry.actor_id})
    origin = fields.Function(lambda entry: {"ip": entry.ip, "device": entry.device})
    changes = fields.Dict()
    link = fields.String(allow_none=True)
    source = fields.String()
    occurred_at = UtcDateTime()


class MessageTemplateSchema(InvitationTemplateSchema):
    """A template of one kind of client email (email_templates.KINDS): subject and HTML with placeholders."""


class SampleMessageSchema(SampleInvitationSchema):
    pass
