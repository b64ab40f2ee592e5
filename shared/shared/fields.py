"""Marshmallow fields and validators every service's schemas use."""
import re

from marshmallow import ValidationError, fields, validate

from shared.i18n import N_
from shared.money import MAX_MINOR_UNITS

STORED_COLOUR = re.compile(r"#[0-9a-f]{6}")


def stored_colour(value):
    """``value`` when it is a colour as accounts stores a business's (# and six lowercase hexadecimal digits), else
    None: whoever writes a colour into a style or a stylesheet writes nothing else."""
    return value if isinstance(value, str) and STORED_COLOUR.fullmatch(value) else None


class Pattern(validate.Regexp):
    """A regular expression the whole value must match (``re.fullmatch``: a final newline does not slip by).

    apispec writes it into the OpenAPI document as the field's ``pattern``, so write it in the syntax
    Python and JSON Schema share, anchored with ``^`` and ``$``.
    """

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class StrictBoolean(fields.Boolean):
    """A boolean that accepts only true or false, not 1, 0 or strings."""

    def __init__(self, **kwargs):
        super().__init__(truthy={True}, falsy={False}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # 1 and 0 would otherwise pass, since they equal True and False in Python.
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def switch(default, label, help_text):
    """A setting that is on or off, shown on its settings tab as a checkbox with ``label`` and ``help_text`` (each
    marked with N_: shared.schema_description translates them)."""
    return StrictBoolean(load_default=default, metadata={"label": label, "help": help_text})


def money_field(minimum=0, **options):
    """An amount in integer minor units, from ``minimum`` to MAX_MINOR_UNITS; floats and strings are refused."""
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=MAX_MINOR_UNITS), **options)


def unique(values):
    """Refuse a list that names a value twice."""
    if len(set(values)) != len(values):
        raise ValidationError(N_("List each value only once."))


# Ids in requests: a row's id, 1 to 18 digits, which every backend's 64-bit integer holds. A larger
# number names nothing and must not reach a database driver (SQLite cannot even bind it).
MAX_ID = 10 ** 18 - 1


def integer_field(minimum, maximum, *, strict=True, **options):
    """An integer from ``minimum`` to ``maximum``; every integer a request carries is one of these (or an id).

    ``strict`` refuses floats and strings in a JSON body; query parameters, which arrive as text, pass False.
    """
    return fields.Integer(strict=strict, validate=validate.Range(min=minimum, max=maximum), **options)


def id_field(*, strict=True, **options):
    """The id of a row, from 1 to MAX_ID."""
    return integer_field(1, MAX_ID, strict=strict, **options)


def id_list(maximum, *, distinct=False, **options):
    """A list of 1 to ``maximum`` ids; ``distinct`` refuses an id named twice (documented as ``uniqueItems``)."""
    rules = [validate.Length(min=1, max=maximum)] + ([unique] if distinct else [])
    return fields.List(id_field(), validate=rules, **options)


# Text rules the services enforce and the gateway's API documents, kept here so the two cannot drift.
_CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"  # control characters and the Unicode line separators
ONE_LINE_ERROR = N_("Use one line of plain text, without line breaks or control characters.")
ONE_LINE = Pattern(rf"^[^{_CONTROL}]*$", error=ONE_LINE_ERROR)
# A name or label: one line, not blank, no spaces at either end (\ufeff counts as a space in JSON Schema's \s).
_EDGE = rf"[^\s\ufeff{_CONTROL}]"
TRIMMED = Pattern(rf"^{_EDGE}(?:[^{_CONTROL}]*{_EDGE})?$", error=N_("Must not be blank or start or end with spaces."))
# One line with something besides spaces in it.
NOT_BLANK_LINE = Pattern(rf"^[^{_CONTROL}]*{_EDGE}[^{_CONTROL}]*$", error=ONE_LINE_ERROR)
PHONE = Pattern(r"^\+?[0-9 ().-]{7,20}$", error=N_("Enter a phone number such as +1 555 010 0199."))
MOBILE_ERROR = N_("Enter the mobile number with + and its country code, such as +1 555 010 0199.")
# A number in international form as people type it: + and 7 to 15 digits (the first not 0), with spaces, dots,
# hyphens or brackets between; MobileNumber keeps it in E.164 form, the digits after the + only.
MOBILE = Pattern(r"^\+[ ().-]*[1-9](?:[ ().-]*[0-9]){6,14}[ ().-]*$", error=MOBILE_ERROR)
MOBILE_LENGTH = 32
E164_SEPARATORS = re.compile(r"[ ().-]")


class MobileNumber(fields.String):
    """A mobile phone number, which texts (sign-in codes) go to: accepted as typed, kept in E.164 form.

    ``+1 (555) 010-0199`` becomes ``+15550100199``; a number without its country code is refused on the field.
    The pattern and length are checked on the value as sent, so the OpenAPI document says exactly what is accepted.
    """

    def __init__(self, **kwargs):
        super().__init__(validate=[MOBILE, validate.Length(max=MOBILE_LENGTH)], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        for check in self.validators:
            check(text)
        return E164_SEPARATORS.sub("", text)
SIX_DIGITS = Pattern(r"^[0-9]{6}$", error=N_("Enter the 6-digit code."))
CUSTOM_FIELD_KEY = Pattern(r"^[a-z][a-z0-9_]{0,63}$",
                           error=N_("Use lowercase letters, digits and underscores, starting with a letter."))
USERNAME = Pattern(r"^[A-Za-z0-9._-]{3,40}$", error=N_("Use 3 to 40 letters, digits, dots, hyphens or underscores."))
# The sandbox's tokens (tok_…), or Stripe's payment methods, alone or on their customer (cus_…/pm_…).
PAYMENT_TOKEN = Pattern(r"^(?:tok_[A-Za-z0-9_]{6,90}|(?:cus_[A-Za-z0-9]{6,40}/)?pm_[A-Za-z0-9_]{6,50})$",
                        error=N_("Not a payment token."))
# A new password's length, whoever sets it (a business may ask its clients for more than the least).
NEW_PASSWORD_LENGTH = validate.Length(min=12, max=128)
LAST4 = Pattern(r"^[0-9]{4}$", error=N_("Four digits."))
# A message someone writes (a chat message): lines and tabs allowed, other control characters not, not blank.
_CONTROL_BUT_LINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
MESSAGE_TEXT = Pattern(rf"^[^{_CONTROL_BUT_LINES}]*{_EDGE}[^{_CONTROL_BUT_LINES}]*$",
                       error=N_("Write a message in plain text (line breaks are fine)."))
