"""Marshmallow schemas for the accounts service's RPC inputs and outputs."""
from marshmallow import Schema, fields, post_load, validate

from accounts.brand import COLOUR_FORM, readable_colour
from shared.fields import CUSTOM_FIELD_KEY, PHONE, MobileNumber, SIX_DIGITS, USERNAME, Pattern, id_field, id_list
from shared.i18n import LANGUAGES, N_
from shared.money import CURRENCIES, DEFAULT_CURRENCY

SLUG = Pattern(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
               error=N_("Use 1-40 lowercase letters, digits or hyphens."))


class ProfileSchema(Schema):
    """The tenant's business profile shown on the General tab."""

    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120),
                                 metadata={"label": N_("Client portal display name"),
                                           "help": N_("Your business name as clients see it.")})
    contact_email = fields.Email(allow_none=True, load_default=None,
                                 validate=validate.Length(max=254),
                                 metadata={"label": N_("Contact email"),
                                           "help": N_("Where clients can write to you.")})
    contact_phone = fields.String(allow_none=True, load_default=None, validate=PHONE,
                                  metadata={"label": N_("Contact phone"),
                                            "help": N_("The number clients can call.")})
    facebook_page = fields.String(
        allow_none=True, load_default=None,
        validate=Pattern(r"^[A-Za-z0-9.\-]{1,100}$",
                         error=N_("Use the part of your page's address after facebook.com/.")),
        metadata={"label": N_("Facebook page"), "help": N_("The end of your page's address, after facebook.com/.")})
    twitter_handle = fields.String(
        allow_none=True, load_default=None,
        validate=Pattern(r"^@?[A-Za-z0-9_]{1,15}$",
                         error=N_("Use up to 15 letters, digits or underscores.")),
        metadata={"label": N_("Twitter handle"), "help": N_("Your handle, with or without the @.")})
    linkedin_slug = fields.String(
        allow_none=True, load_default=None,
        validate=Pattern(r"^[A-Za-z0-9\-_%]{1,100}$",
                         error=N_("Use the last part of your LinkedIn page's address.")),
        metadata={"label": N_("LinkedIn page"), "help": N_("The last part of your company page's address.")})

    brand_colour = fields.String(
        allow_none=True, load_default=None, validate=[COLOUR_FORM, readable_colour],
        metadata={"label": N_("Brand colour"),
                  "help": N_("The colour of your portal's buttons and links, as # and six hexadecimal digits (for "
                             "example #1b5e20). It must be dark enough for white text on it to be read.")})
    welcome_message = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=300),
        metadata={"label": N_("Welcome message"),
                  "help": N_("A few words to your clients on the portal's sign-in page.")})
    default_language = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"label": N_("Default language"),
                  "help": N_("The portal's and the messages' language for a client who has not chosen one and "
                             "whose browser asks for none Portico speaks.")})

    @post_load
    def tidy(self, data, **kwargs):
        if data.get("brand_colour"):
            data["brand_colour"] = data["brand_colour"].lower()
        if data.get("welcome_message") is not None:
            data["welcome_message"] = data["welcome_message"].strip() or None
        if data.get("twitter_handle"):
            data["twitter_handle"] = data["twitter_handle"].lstrip("@")
        return data


class TenantSchema(ProfileSchema):
    id = fields.Integer()
    slug = fields.String(required=True, validate=SLUG)
    currency = fields.String(dump_only=True)
    has_logo = fields.Method("logo_present")

    def logo_present(self, tenant):
        return bool(getattr(tenant, "logo_content_type", None))


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
    currency = fields.String(load_default=DEFAULT_CURRENCY, validate=validate.OneOf(CURRENCIES))  # for life
    owner = fields.Nested(NewStaffUserSchema, required=True)


class StaffSignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


EMAIL = [validate.Length(max=254)]


class NewClientSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Email(allow_none=True, load_default=None, validate=EMAIL)
    phone = fields.String(allow_none=True, load_default=None, validate=PHONE)
    mobile_phone = MobileNumber(allow_none=True, load_default=None)
    address = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    parent_id = id_field(allow_none=True, load_default=None)


class ClientChangesSchema(NewClientSchema):
    class Meta:
        exclude = ("parent_id",)


CUSTOM_FIELD_TYPES = ("text", "number", "date", "choice")


class NewCustomFieldSchema(Schema):
    key = fields.String(required=True, validate=CUSTOM_FIELD_KEY)
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                          load_default=None, allow_none=True, validate=validate.Length(max=50))


class ClientIdsSchema(Schema):
    client_ids = id_list(500, required=True)


RIGHTS = ("view", "pay", "manage")


class LinkSchema(Schema):
    portal_user_id = id_field(required=True)
    account_id = id_field(required=True)
    rights = fields.String(required=True, validate=validate.OneOf(RIGHTS))


class LoginSchema(Schema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordSignInSchema(LoginSchema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class AcceptInvitationSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1000))
    username = fields.String(allow_none=True, load_default=None, validate=USERNAME)


class ResetPasswordSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1000))
    answers = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)


class MyAccountChangesSchema(Schema):
    username = AcceptInvitationSchema._declared_fields["username"]
    phone = fields.String(allow_none=True, validate=PHONE)
    mobile_phone = MobileNumber(allow_none=True)
    custom_fields = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))  # None: the browser's


class ChangePasswordSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=1000))
    new_password = fields.String(required=True, validate=validate.Length(max=1000))


class EmailChangeSchema(Schema):
    new_email = fields.Email(required=True, validate=EMAIL)


class CodeSchema(Schema):
    code = fields.String(required=True, validate=SIX_DIGITS)


class SecurityAnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=5, max=200))
    answer = fields.String(required=True, validate=validate.Length(min=2, max=200))


class SecurityAnswersSchema(Schema):
    answers = fields.List(fields.Nested(SecurityAnswerSchema), required=True,
                          validate=validate.Length(min=2, max=3))


class StaffEmailSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class NewPasswordSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1000))


class TwoStepCodeSchema(Schema):
    """A 6-digit code from an authenticator app, or a recovery code (8 + 8 hex digits, the hyphen optional)."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
