"""Schemas of the gateway's own API bodies (inputs validated here; outputs documented)."""
from marshmallow import Schema, fields, validate


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class StaffSignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class StaffUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()


class TenantSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    display_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)


class StaffSessionSchema(Schema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    csrf_token = fields.String()
    user = fields.Nested(StaffUserSchema)
    tenant = fields.Nested(TenantSchema)


class ServiceHealthSchema(Schema):
    ok = fields.Boolean()
    version = fields.String(allow_none=True)
    database = fields.Boolean()
    error = fields.String(allow_none=True)


class HealthSchema(Schema):
    status = fields.String()
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceHealthSchema))
