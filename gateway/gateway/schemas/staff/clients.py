"""Staff API schemas: clients and their properties, custom fields and portal users."""
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.common import CUSTOM_FIELD_VALUE, CustomFieldValueSchema, json_scalar_or_null
from shared.fields import CUSTOM_FIELD_KEY, PHONE, MobileNumber, id_field, id_list, integer_field
from shared.i18n import _

# Shapes, sizes and formats (the rules in shared/fields.py that accounts applies too); accounts and
# notifications apply the rules that depend on their data (which keys exist, image checks, HTML sanitising).
CUSTOM_FIELD_TYPES = ("text", "number", "date", "choice")
PORTAL_RIGHTS = ("view", "pay", "manage")
SEARCH = validate.Length(max=100)


class ClientPropertySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ClientPortalUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    username = fields.String(allow_none=True)
    activated = fields.Boolean(metadata={"description": "The client has set a password."})
    rights = fields.String(metadata={"description": "`view`, `pay` or `manage`."})


class ClientRowSchema(Schema):
    """A client as lists show it: without custom field values."""

    id = fields.Integer()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile_phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True,
                               metadata={"description": "Set on a related property: its main account."})
    parent_name = fields.String(allow_none=True)
    properties = fields.List(fields.Nested(ClientPropertySchema))
    portal_user = fields.Nested(ClientPortalUserSchema, allow_none=True)


class ClientSchema(ClientRowSchema):
    custom_fields = fields.List(fields.Nested(CustomFieldValueSchema))


class ClientPageSchema(Schema):
    items = fields.List(fields.Nested(ClientRowSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ClientListArgsSchema(Schema):
    q = fields.String(load_default="", validate=SEARCH,
                      metadata={"description": "Part of a name, email address or phone number."})
    without_portal = fields.Boolean(load_default=False)
    page = integer_field(1, 100_000, strict=False, load_default=1)


class ClientChangesSchema(Schema):
    """A client's contact details: whichever are sent change, the others stay as they are."""

    name = fields.String(validate=validate.Length(min=1, max=120))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=PHONE)
    mobile_phone = MobileNumber(allow_none=True, metadata={"description": (
        "Where texts to the client go, sign-in codes included: + and the country code, spaces, dots, hyphens or "
        "brackets allowed; kept in E.164 form (`+15550100199`).")})
    address = fields.String(allow_none=True, validate=validate.Length(max=300))


class NewClientSchema(ClientChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    parent_id = id_field(allow_none=True,
                         metadata={"description": "Make the new client a related property of this account."})


class CustomFieldSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "`text`, `number`, `date` or `choice`."})
    choices = fields.List(fields.String(), allow_none=True)
    visible = fields.Boolean(metadata={"description": "Shown to clients (General tab setting)."})


class CustomFieldListSchema(Schema):
    items = fields.List(fields.Nested(CustomFieldSchema))


class NewCustomFieldSchema(Schema):
    key = fields.String(required=True, validate=CUSTOM_FIELD_KEY,
                        metadata={"description": "Lowercase letters, digits and underscores, starting with a letter."})
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=100)), allow_none=True,
                          validate=validate.Length(max=50),
                          metadata={"description": "The options of a `choice` field."})


# A `choice` field needs its choices: the document states it with anyOf, which a marshmallow schema cannot declare.
NEW_CUSTOM_FIELD_BODY = {"allOf": [NewCustomFieldSchema, {"anyOf": [
    {"properties": {"type": {"type": "string", "enum": [kind for kind in CUSTOM_FIELD_TYPES if kind != "choice"]}}},
    {"properties": {"type": {"type": "string", "enum": ["choice"]}, "choices": {"type": "array", "minItems": 1}},
     "required": ["choices"]}]}]}

class CustomFieldValuesSchema(Schema):
    """Field key to its new value: text, a number or null (accounts checks each against its field's type)."""

    class Meta:
        unknown = INCLUDE

    @validates_schema
    def scalar_values(self, data, **kwargs):
        errors = {}
        for key, value in data.items():
            try:
                if len(key) > 64:
                    raise ValidationError(_("There is no such field."))
                json_scalar_or_null(value)
            except ValidationError as error:
                errors[key[:64]] = error.messages
        if errors:
            raise ValidationError(errors)


# How the document shows that body: an object of field key -> value.
CUSTOM_FIELD_VALUES_BODY = {
    "type": "object",
    "description": "Field key to its new value (text, a number, a YYYY-MM-DD date or one of the choices); "
                   "null clears it. Keys not sent are left as they are.",
    "additionalProperties": {"nullable": True, **CUSTOM_FIELD_VALUE},
}


class PortalUserRowSchema(Schema):
    client_id = fields.Integer()
    client_name = fields.String()
    email = fields.String(allow_none=True)
    portal_user_id = fields.Integer(allow_none=True)
    has_account = fields.Boolean(metadata={"description": "A portal user is linked to this client."})
    activated = fields.Boolean()
    invited_at = fields.String(allow_none=True)


class PortalUserListSchema(Schema):
    items = fields.List(fields.Nested(PortalUserRowSchema))


class PortalUserListArgsSchema(Schema):
    q = fields.String(load_default="", validate=SEARCH)
    without_portal = fields.Boolean(load_default=False)


class ClientIdsSchema(Schema):
    client_ids = id_list(500, required=True)


class ClientResultSchema(Schema):
    client_id = fields.Integer()
    status = fields.String(metadata={"description": "`invited`, `resent` or `sent`; `error` with a `message`."})
    message = fields.String(allow_none=True)


class ClientResultsSchema(Schema):
    results = fields.List(fields.Nested(ClientResultSchema))


class PortalLinkSchema(Schema):
    portal_user_id = id_field(required=True)
    account_id = id_field(required=True)
    rights = fields.String(required=True, validate=validate.OneOf(PORTAL_RIGHTS))
