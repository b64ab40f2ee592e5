"""Shapes every part of the API shares: the error body, health, the business and custom field values."""
from marshmallow import Schema, ValidationError, fields, validate

from shared.fields import integer_field
from shared.i18n import N_, _
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
        raise ValidationError(_("Send text, a number or null."))
    if len(value) > 1000:
        raise ValidationError(_("Use at most %(max)s characters.", max=1000))


class AtMost(validate.Length):
    """``Length(max=maximum)`` saying "Use at most N characters." in the caller's language."""

    def __init__(self, maximum):
        super().__init__(max=maximum)

    def _format_error(self, value, message):
        return _("Use at most %(max)s characters.", max=self.max)


class BusinessSchema(Schema):
    """How a business presents itself to its clients."""

    slug = fields.String()
    display_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    brand_colour = fields.String(allow_none=True, metadata={
        "description": "The colour of the portal's buttons and links (#rrggbb); white text on it reads at 4.5:1 or "
                       "more. Null: the portal's own."})
    welcome_message = fields.String(allow_none=True, metadata={"description": "Shown on the portal's sign-in page."})
    currency = fields.String(metadata={"description": "The currency of every amount of the business (ISO 4217)."})
    default_language = fields.String(metadata={
        "description": "The language (`en` or `es`) of the portal and of messages for a client who has not chosen "
                       "one and whose browser asks for none of them."})


class CustomFieldValueSchema(Schema):
    key = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "`text`, `number`, `date` or `choice`."})
    choices = fields.List(fields.String(), allow_none=True)
    value = fields.Raw(allow_none=True)


# --- paging: the lists of tickets, chat threads and messages, documents -------------------------------

CURSOR_LENGTH = 120  # as tickets allows (tickets/paging.py)
CURSOR_TEXT = validate.Regexp(r"^[A-Za-z0-9_-]+$", error=N_("Send back the `next` of the page before."))
NEXT = {"description": "The cursor of the following (older) page: send it back as `cursor`; null on the last page."}


def cursor_field():
    """The ``cursor`` query parameter: the ``next`` of the page before (opaque), none for the newest page."""
    return fields.String(validate=[validate.Length(min=1, max=CURSOR_LENGTH), CURSOR_TEXT], load_default=None,
                         metadata={"description": "Where the page starts: the `next` of the page before. Leave it "
                                                  "out for the newest."})


def limit_field(default, maximum):
    return integer_field(1, maximum, strict=False, load_default=default,
                         metadata={"description": f"At most this many (1 to {maximum}; {default} unless asked)."})


def page_args(default, maximum):
    """The query of one page of a list: ``cursor`` and ``limit``."""
    return Schema.from_dict({"cursor": cursor_field(), "limit": limit_field(default, maximum)},
                            name=f"PageArgs{default}of{maximum}")


def page_of(args):
    """What tickets is asked for a page: the cursor only when one was sent."""
    return {"limit": args["limit"], **({"cursor": args["cursor"]} if args.get("cursor") else {})}
