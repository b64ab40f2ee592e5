"""Staff API schemas: signing in and the signed-in staff member."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import BusinessSchema


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
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    csrf_token = fields.String()
    user = fields.Nested(StaffUserSchema)
    tenant = fields.Nested(TenantSchema)
