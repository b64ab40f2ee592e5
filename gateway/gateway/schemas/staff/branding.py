"""Staff API schemas: the business's logo and the invitation email."""
from marshmallow import Schema, fields, validate

from shared.fields import NOT_BLANK_LINE


class LogoStateSchema(Schema):
    has_logo = fields.Boolean()
    content_type = fields.String(metadata={"description": "The image type found in the file itself."})


class InvitationTemplateSchema(Schema):
    subject = fields.String(required=True, validate=[validate.Length(min=1, max=150), NOT_BLANK_LINE])
    html = fields.String(required=True, validate=validate.Length(max=20_000),
                         metadata={"description": "The message between the greeting and the invitation "
                                                  "button. Sanitised when stored: only basic formatting "
                                                  "and http, https or mailto links are kept."})


class SampleSentSchema(Schema):
    sent_to = fields.String(metadata={"description": "The signed-in staff member's own email address."})


class InvitationDocumentSchema(Schema):
    title = fields.String()
    filename = fields.String(metadata={"description": "The name it downloads as."})
    content_type = fields.String(metadata={"description": "The type its content showed."})
    size = fields.Integer(metadata={"description": "Bytes."})
    uploaded_at = fields.String(metadata={"description": "ISO 8601, UTC."})
    uploaded_by_id = fields.Integer(allow_none=True, metadata={"description": "The staff member who attached it."})


class InvitationDocumentStateSchema(Schema):
    documents_enabled = fields.Boolean(metadata={"description": "The Documents setting: while off, nothing can be "
                                                                "attached and new clients get nothing."})
    document = fields.Nested(InvitationDocumentSchema, allow_none=True,
                             metadata={"description": "The welcome document, or null."})
