"""Staff API schemas: signing in and the signed-in staff member."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import BusinessSchema
from shared.fields import NEW_PASSWORD_LENGTH


class StaffSignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class StaffUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()


class TenantSchema(BusinessSchema):
    id = fields.Integer()
    facebook_page = fields.String(allow_none=True)
    twitter_handle = fields.String(allow_none=True)
    linkedin_slug = fields.String(allow_none=True)
    has_logo = fields.Boolean()


class StaffSessionSchema(Schema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`; when `second_step` is "
                                                   "set, a pending token good only for that step, for 10 minutes."})
    second_step = fields.String(metadata={"description": "Set when the password alone does not sign in: `code` "
                                                         "(send a code to /sessions/second-step) or `enrol` (set "
                                                         "two-step sign-in up from the staff pages first)."},
                                validate=validate.OneOf(["code", "enrol"]))
    csrf_token = fields.String()
    user = fields.Nested(StaffUserSchema)
    tenant = fields.Nested(TenantSchema)


class SecondStepSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=100),
                          metadata={"description": "The pending token that signing in answered."})
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "The 6-digit code of the authenticator app, or a recovery code."})


class StaffPasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    new_password = fields.String(required=True, validate=NEW_PASSWORD_LENGTH, metadata={
        "description": "At least 12 characters, and not a common or predictable password."})


class StaffResetRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class TwoStepStatusSchema(Schema):
    two_step = fields.Boolean(required=True)
    required = fields.Boolean(required=True, metadata={"description": "The business requires it for staff."})
    recovery_codes_left = fields.Integer(required=True, validate=validate.Range(min=0, max=10))
