"""Shapes every part of the API shares: the error body, health, the business and custom field values."""
from marshmallow import Schema, ValidationError, fields

from shared.schema_description import NO_NUL


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class ServiceHealthSchema(Schema):
    ok = fields.Boolean()
    version = fields.String(allow_none=True)
    database = fields.Boolean()
    error = fields.String(allow_none=True)


class HealthSchema(Schema):
    status = fields.String()
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceHealthSchema))


# How the document shows one custom field value (null too: ``nullable`` comes from ``allow_none``).
CUSTOM_FIELD_VALUE = {"oneOf": [{"type": "string", "maxLength": 1000, "pattern": NO_NUL}, {"type": "number"}]}


def json_scalar_or_null(value):
    """Accept a custom field value: text, a number or null (accounts checks it against the field's type)."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return
    if not isinstance(value, str):
        raise ValidationError("Send text, a number or null.")
    if len(value) > 1000:
        raise ValidationError("Use at most 1000 characters.")


class BusinessSchema(Schema):
    """How a business presents itself to its clients."""

    slug = fields.String()
    display_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)


class CustomFieldValueSchema(Schema):
    key = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "`text`, `number`, `date` or `choice`."})
    choices = fields.List(fields.String(), allow_none=True)
    value = fields.Raw(allow_none=True)
