"""Staff API schemas: the client email templates and emailing an invoice."""
from marshmallow import Schema, fields, validate

from shared.fields import NOT_BLANK_LINE


class MessageTemplateChangeSchema(Schema):
    subject = fields.String(required=True, validate=[validate.Length(min=1, max=150), NOT_BLANK_LINE],
                            metadata={"description": "May use the kind's placeholders, such as {client_name}."})
    html = fields.String(required=True, validate=validate.Length(max=20_000),
                         metadata={"description": "The email's message, with the kind's placeholders; what the kind "
                                                  "always shows (amounts, the pay button, the visit's time) is added "
                                                  "around it. Sanitised when stored. An unknown placeholder is a "
                                                  "field error."})


class PlaceholderSchema(Schema):
    name = fields.String(metadata={"description": "Used as {name}."})
    meaning = fields.String()


class MessageTemplateSchema(Schema):
    kind = fields.String(metadata={"description": "invitation, receipt, invoice or visit_reminder."})
    label = fields.String()
    subject = fields.String()
    html = fields.String(metadata={"description": "As stored (sanitised), or the default."})
    customised = fields.Boolean(metadata={"description": "False while the default is used."})
    placeholders = fields.List(fields.Nested(PlaceholderSchema))


class MessageTemplateItemSchema(Schema):
    kind = fields.String()
    label = fields.String()
    customised = fields.Boolean()


class MessageTemplateListSchema(Schema):
    items = fields.List(fields.Nested(MessageTemplateItemSchema))


class MessagePreviewSchema(Schema):
    subject = fields.String()
    html = fields.String(metadata={"description": "The whole email with made-up content."})
    text = fields.String()


class MessageSampleSentSchema(Schema):
    sent_to = fields.String(metadata={"description": "The signed-in staff member's own email address."})


class InvoiceEmailSchema(Schema):
    to = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254),
                      metadata={"description": "Where to send it; left out, the client's contact email."})


class InvoiceEmailedSchema(Schema):
    invoice_id = fields.Integer()
    to = fields.String(allow_none=True, metadata={"description": "null: the client's contact email."})
    queued = fields.Boolean()
