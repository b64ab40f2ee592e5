"""Staff API schemas: the outbox of emails and text messages."""
from marshmallow import Schema, fields, validate


class OutboxArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


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
    text = fields.String(allow_none=True)
    html = fields.String(allow_none=True)


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxMessageSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
