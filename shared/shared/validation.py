"""Loading input through marshmallow schemas: anything invalid becomes InvalidInput with per-field messages."""
import functools
import re

from marshmallow import ValidationError

from shared.errors import InvalidInput
from shared.i18n import N_, _

# marshmallow's own messages a person can meet, for the catalogue: a field message is translated when it is
# flattened (translate_message), whichever schema or validator wrote it.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."), N_("Field may not be null."), N_("Unknown field."),
    N_("Invalid value."), N_("Invalid input."), N_("Invalid input type."), N_("Invalid type."),
    N_("Not a valid string."), N_("Not a valid utf-8 string."), N_("Not a valid integer."),
    N_("Not a valid number."), N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."), N_("Not a valid boolean."),
    N_("Not a valid email address."), N_("Not a valid date."), N_("Not a valid datetime."), N_("Not a valid time."),
    N_("Not a valid naive datetime."), N_("Not a valid aware datetime."), N_("Not a valid period of time."),
    N_("Not a valid URL."), N_("Not a valid UUID."), N_("Not a valid list."), N_("Not a valid tuple."),
    N_("Not a valid mapping type."), N_("String does not match expected pattern."),
)
# marshmallow's messages with values in them: its template (as it writes it, with {name}) and the catalogue's.
MARSHMALLOW_TEMPLATES = {
    "Shorter than minimum length {min}.": N_("Shorter than minimum length %(min)s."),
    "Longer than maximum length {max}.": N_("Longer than maximum length %(max)s."),
    "Length must be between {min} and {max}.": N_("Length must be between %(min)s and %(max)s."),
    "Length must be {equal}.": N_("Length must be %(equal)s."),
    "Must be greater than or equal to {min}.": N_("Must be greater than or equal to %(min)s."),
    "Must be greater than {min}.": N_("Must be greater than %(min)s."),
    "Must be less than or equal to {max}.": N_("Must be less than or equal to %(max)s."),
    "Must be less than {max}.": N_("Must be less than %(max)s."),
    "Must be greater than or equal to {min} and less than or equal to {max}.":
        N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    "Must be greater than or equal to {min} and less than {max}.":
        N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    "Must be greater than {min} and less than or equal to {max}.":
        N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    "Must be greater than {min} and less than {max}.": N_("Must be greater than %(min)s and less than %(max)s."),
    "Must be one of: {choices}.": N_("Must be one of: %(choices)s."),
    "Must be equal to {other}.": N_("Must be equal to %(other)s."),
    "One or more of the choices you made was not in: {choices}.":
        N_("One or more of the choices you made was not in: %(choices)s."),
}


def _template_pattern(template):
    """A regular expression matching the English text marshmallow makes of ``template``, values as named groups."""
    pieces = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
                              for index, piece in enumerate(pieces)), re.DOTALL)


# The longest template first: "Must be greater than {min}." would otherwise take in "... and less than 5".
_TEMPLATE_PATTERNS = [(_template_pattern(template), message)
                      for template, message in sorted(MARSHMALLOW_TEMPLATES.items(), key=lambda item: -len(item[0]))]


def translate_message(message):
    """A field message in the current language: a message of the catalogue, or one marshmallow filled in with
    values (its template is translated and the values put back)."""
    message = str(message)
    translated = _(message)
    if translated != message:
        return translated
    for pattern, catalogued in _TEMPLATE_PATTERNS:
        found = pattern.fullmatch(message)
        if found is not None:
            return _(catalogued, **found.groupdict())
    return message


def flatten_messages(messages):
    """Turn marshmallow's nested messages into ``{"field.inner": ["message", ...]}``, each in the current language."""
    if not isinstance(messages, dict):
        return {"_schema": [translate_message(message) for message in messages]}
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            for inner, inner_messages in flatten_messages(value).items():
                flat[f"{field}.{inner}"] = inner_messages
        else:
            flat[str(field)] = [translate_message(message) for message in value]
    return flat


def validation_error(error, message=None):
    """Map a marshmallow ValidationError to InvalidInput with per-field messages (``message`` already translated)."""
    return InvalidInput(message or _("Some fields are not valid."), flatten_messages(error.messages))


NUL_MESSAGE = N_("Text must not contain NUL characters.")


def nul_fields(data, path=""):
    """Return the dotted names of the strings in ``data`` (values or keys) that hold a NUL character.

    No database stores one in text (PostgreSQL's driver refuses it outright), so input never carries one.
    """
    if isinstance(data, str):
        return [path or "_schema"] if "\x00" in data else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, (list, tuple)):
        items = enumerate(data)
    else:
        return []
    found = []
    for key, value in items:
        name = f"{path}.{key}" if path else str(key)
        found += [name] if isinstance(key, str) and "\x00" in key else nul_fields(value, name)
    return found


def refuse_nul(data):
    """Raise InvalidInput naming every field of ``data`` whose text holds a NUL character."""
    found = nul_fields(data)
    if found:
        raise InvalidInput(_("Some fields are not valid."), {name: [_(NUL_MESSAGE)] for name in found})


def load_or_raise(schema_class, data, **schema_options):
    """Load ``data`` with ``schema_class(**schema_options)``; raise InvalidInput when it is not valid."""
    refuse_nul(data)
    try:
        return _schema(schema_class, **schema_options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None


def _schema(schema_class, **schema_options):
    """One schema per class and options, kept: building one costs several times loading with it, and loading
    keeps nothing in the schema (no schema here stores state of its own)."""
    try:
        return _kept_schema(schema_class, **schema_options)
    except TypeError:  # an option that is not hashable (a context): a schema of its own
        return schema_class(**schema_options)


@functools.cache
def _kept_schema(schema_class, **schema_options):
    return schema_class(**schema_options)


def dict_get(value, key):
    """``value[key]`` of a request that may not even be an object (its schema will say so)."""
    return value.get(key) if isinstance(value, dict) else None
