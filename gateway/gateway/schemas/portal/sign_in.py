"""Client portal API schemas: the business's portal details, signing in in all its forms, and the session."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import BusinessSchema
from shared.fields import NEW_PASSWORD_LENGTH, SIX_DIGITS, USERNAME, id_field

# Limits here only bound what reaches the services; accounts applies the tenant's own rules.
LOGIN = validate.Length(min=1, max=254)
PASSWORD = validate.Length(min=1, max=1000)  # a password tried; a new one is NEW_PASSWORD_LENGTH
SECRET = validate.Length(min=1, max=200)


class PortalConfigSchema(BusinessSchema):
    facebook_page = fields.String(allow_none=True)
    twitter_handle = fields.String(allow_none=True)
    linkedin_slug = fields.String(allow_none=True)
    has_logo = fields.Boolean()
    enable_logins = fields.Boolean()
    login_methods = fields.List(fields.String())
    use_usernames = fields.Boolean()
    min_password_length = fields.Integer()
    security_questions_enabled = fields.Boolean()


class PortalSignInSchema(Schema):
    login = fields.String(required=True, validate=LOGIN,
                          metadata={"description": "Email address, or username where the business uses them."})
    password = fields.String(required=True, validate=PASSWORD)


class PortalLoginSchema(Schema):
    login = fields.String(required=True, validate=LOGIN,
                          metadata={"description": "Email address, or username where the business uses them."})


class LoginCodeAttemptSchema(Schema):
    attempt = fields.String(metadata={"description": "Send back with the code; the code works only with it."})


class LoginCodeVerifySchema(Schema):
    attempt = fields.String(required=True, validate=SECRET)
    code = fields.String(required=True, validate=SIX_DIGITS)


class InvitationSchema(Schema):
    email = fields.String()
    name = fields.String()
    needs_username = fields.Boolean()
    min_password_length = fields.Integer()


class InvitationAcceptSchema(Schema):
    password = fields.String(required=True, validate=NEW_PASSWORD_LENGTH)
    username = fields.String(validate=USERNAME)


class ResetCheckSchema(Schema):
    security_questions = fields.List(fields.String(), metadata={
        "description": "Questions to answer, in order, when resetting; empty when none apply."})


class PasswordResetSchema(Schema):
    password = fields.String(required=True, validate=NEW_PASSWORD_LENGTH)
    answers = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(max=3),
                          metadata={"description": "Answers to `security_questions`, in the same order."})


class PortalUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    username = fields.String(allow_none=True)


class LinkedAccountSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    rights = fields.String(metadata={"description": "`view`, `pay` or `manage`."})


class PortalMeSchema(Schema):
    portal_user = fields.Nested(PortalUserSchema)
    account = fields.Nested(LinkedAccountSchema, metadata={"description": "The account being viewed."})
    accounts = fields.List(fields.Nested(LinkedAccountSchema))


class PortalSessionSchema(PortalMeSchema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    csrf_token = fields.String()


class SwitchAccountSchema(Schema):
    account_id = id_field(required=True)
