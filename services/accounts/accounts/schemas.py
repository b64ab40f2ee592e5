"""Marshmallow schemas for the accounts service's RPC inputs and outputs."""
from marshmallow import Schema, fields, validate

SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
                       error="Use 1-40 lowercase letters, digits or hyphens.")
PHONE = validate.Regexp(r"^\+?[0-9 ().-]{7,20}$", error="Enter a phone number such as +1 555 010 0199.")


class ProfileSchema(Schema):
    """The tenant's business profile shown on the General tab."""

    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120),
                                 metadata={"label": "Client portal display name",
                                           "help": "Your business name as clients see it."})
    contact_email = fields.Email(allow_none=True, load_default=None,
                                 validate=validate.Length(max=254),
                                 metadata={"label": "Contact email",
                                           "help": "Where clients can write to you."})
    contact_phone = fields.String(allow_none=True, load_default=None, validate=PHONE,
                                  metadata={"label": "Contact phone",
                                            "help": "The number clients can call."})


class TenantSchema(ProfileSchema):
    id = fields.Integer()
    slug = fields.String(required=True, validate=SLUG)


class StaffUserSchema(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(load_default="staff", validate=validate.OneOf(["owner", "staff"]))


class NewStaffUserSchema(StaffUserSchema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1000))


class NewTenantSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    contact_email = fields.Email(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None, validate=PHONE)
    owner = fields.Nested(NewStaffUserSchema, required=True)


class StaffSignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
