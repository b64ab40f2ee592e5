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
