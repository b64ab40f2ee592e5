"""Client portal API schemas: the Account tab."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import CUSTOM_FIELD_VALUE, CustomFieldValueSchema, json_scalar_or_null
from gateway.schemas.portal.sign_in import PASSWORD
from shared.fields import NEW_PASSWORD_LENGTH, PHONE, MobileNumber, SIX_DIGITS, USERNAME
from shared.i18n import LANGUAGES


class MyAccountSchema(Schema):
    email = fields.String()
    username = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile_phone = fields.String(allow_none=True)
    sign_in_codes_here = fields.Boolean(metadata={
        "description": "Whether `mobile_phone` is where this client's sign-in codes go (it is on their own account)."})
    numbers_editable = fields.Boolean(metadata={
        "description": "Whether this client may change `phone` and `mobile_phone`: with the right to manage the "
                       "account and, on a main account, as its holder (its first portal user)."})
    use_usernames = fields.Boolean()
    security_questions_enabled = fields.Boolean()
    security_questions = fields.List(fields.String())
    custom_fields = fields.List(fields.Nested(CustomFieldValueSchema))
    language = fields.String(allow_none=True, metadata={
        "description": "The language the client chose for the portal and their messages (`en`, `es`); null: their "
                       "browser's, else the business's default."})


class MyAccountChangesSchema(Schema):
    username = fields.String(validate=USERNAME)
    phone = fields.String(allow_none=True, validate=PHONE)
    mobile_phone = MobileNumber(allow_none=True, metadata={"description": (
        "Where texts to the client go, sign-in codes included: + and the country code, spaces, dots, hyphens or "
        "brackets allowed; kept in E.164 form (`+15550100199`).")})
    custom_fields = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                                values=fields.Raw(allow_none=True, validate=json_scalar_or_null,
                                                  metadata=CUSTOM_FIELD_VALUE),
                                metadata={"description": "Field key to its new value; null clears it."})
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES), metadata={
        "description": "The client's language for the portal and their messages; null: their browser's."})


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=PASSWORD)
    new_password = fields.String(required=True, validate=NEW_PASSWORD_LENGTH)


class EmailChangeSchema(Schema):
    new_email = fields.Email(required=True, validate=validate.Length(max=254))


class EmailChangeConfirmSchema(Schema):
    code = fields.String(required=True, validate=SIX_DIGITS)


class ChangedEmailSchema(Schema):
    email = fields.String()


class SecurityAnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=5, max=200))
    answer = fields.String(required=True, validate=validate.Length(min=2, max=200))


class SecurityAnswersSchema(Schema):
    answers = fields.List(fields.Nested(SecurityAnswerSchema), required=True,
                          validate=validate.Length(min=2, max=3))


MESSAGE_KINDS = ("receipts", "invoices", "reminders", "ticket_replies", "announcements")


class ChannelChoiceSchema(Schema):
    email = fields.Boolean(required=True, metadata={"description": "By email, to the account's contact email."})
    sms = fields.Boolean(required=True, metadata={"description": "By text message, to the account's mobile phone."})


MessagePreferencesChangeSchema = Schema.from_dict(
    {kind: fields.Nested(ChannelChoiceSchema) for kind in MESSAGE_KINDS}, name="MessagePreferencesChangeSchema")
MessagePreferencesChangeSchema.__doc__ = "Some kinds of message and the channels each goes by; the others keep theirs."


class MessagePreferenceSchema(Schema):
    kind = fields.String(metadata={"description": "receipts, invoices, reminders, ticket_replies or announcements."})
    label = fields.String()
    help = fields.String()
    email = fields.Boolean()
    sms = fields.Boolean()


class MessagePreferencesSchema(Schema):
    kinds = fields.List(fields.Nested(MessagePreferenceSchema))
