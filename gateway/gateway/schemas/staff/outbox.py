"""Staff API schemas: the outbox of emails and text messages."""
from marshmallow import Schema, fields

from shared.fields import integer_field


class OutboxArgsSchema(Schema):
    page = integer_field(1, 100_000, strict=False, load_default=1)


class OutboxMessageSchema(Schema):
    id = fields.Integer()
    channel = fields.String(metadata={"description": "`email` or `sms`."})
    to = fields.String()
    subject = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    created_at = fields.String()
    sent_at = fields.String(allow_none=True)


class OutboxMessageDetailSchema(OutboxMessageSchema):
    kind = fields.String(metadata={"description": "What the message is, such as `invitation` or `receipt`."})
    text = fields.String(allow_none=True)
    html = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True, metadata={"description": "Why the last attempt failed."})
    next_attempt_at = fields.String(allow_none=True, metadata={"description": "When delivery is tried again."})


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxMessageSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
