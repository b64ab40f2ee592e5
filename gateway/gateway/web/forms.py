"""Form inputs of the pages, and settings forms built from a tab's JSON Schema: what to render and the
parsing of what comes back.

The owning service validates every value; the form only turns text into JSON types, so that a
value the browser cannot express (a word in a number box) is reported here and nothing is sent.
"""
import re
from dataclasses import dataclass, field

from flask import request
from marshmallow import EXCLUDE

from shared.errors import InvalidInput
from shared.i18n import LANGUAGE_NAMES, N_, _
from shared.money import parse_money
from shared.validation import load_or_raise

WHOLE_NUMBER = re.compile(r"-?[0-9]+")
COMMA_HINT = N_("Separate values with commas.")


@dataclass
class Field:
    """One input of a settings form: how it is drawn, what it shows and what is wrong with it."""

    name: str
    kind: str  # text, email, tel, number, checkbox, select, choices (checkbox group) or list
    label: str
    hint: str = ""
    options: list = field(default_factory=list)  # (value, label) pairs, values as strings
    item_type: str = "string"  # JSON type of the value, or of each item of choices and lists
    nullable: bool = False
    required: bool = False
    autocomplete: str = "off"
    value: object = ""  # bool for a checkbox, a set of strings for choices, else the text shown
    errors: list = field(default_factory=list)
    blank: str = ""  # what to say when a required input is left empty, where the form says it itself

    @property
    def input_id(self):
        return f"field-{self.name}"

    @property
    def hint_id(self):
        return f"hint-{self.name}"

    @property
    def error_id(self):
        return f"error-{self.name}"

    @property
    def described_by(self):
        ids = ([self.hint_id] if self.hint else []) + ([self.error_id] if self.errors else [])
        return " ".join(ids) or None


# The tenant's profile is stored by accounts beside the General tab's settings but is not in
# the tab's JSON Schema, so its inputs are declared here; labels match accounts' ProfileSchema.
def profile_fields():
    """Return the business profile inputs shown at the top of the General tab."""
    return [
        Field("display_name", "text", _("Client portal display name"), _("Your business name as clients see it."),
              required=True, autocomplete="organization"),
        Field("contact_email", "email", _("Contact email"), _("Where clients can write to you."),
              nullable=True, autocomplete="work email"),
        Field("contact_phone", "tel", _("Contact phone"), _("The number clients can call, such as +1 555 010 0199."),
              nullable=True, autocomplete="work tel"),
        Field("facebook_page", "text", _("Facebook page"),
              _("The end of your page's address: for facebook.com/greenacreslawns enter greenacreslawns. "
                "Leave empty to hide the Facebook link."), nullable=True),
        Field("twitter_handle", "text", _("Twitter handle"),
              _("Your handle, with or without the @, such as @greenacres. Leave empty to hide it."), nullable=True),
        Field("linkedin_slug", "text", _("LinkedIn page"),
              _("The end of your company page's address: for linkedin.com/company/green-acres enter green-acres. "
                "Leave empty to hide it."), nullable=True),
    ]


def notice_of(notices, key):
    """The notice ``key`` names in ``notices`` (messages marked with N_), in the page's language; else None."""
    return _(notices[key]) if key in notices else None


def humanize(value):
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def settings_fields(description, staff_options=None, staff_settings=()):
    """Return one input per property of a tab's JSON Schema.

    ``staff_settings`` names the properties holding staff user ids; with ``staff_options``
    ((id, name) pairs) they offer staff by name instead of asking for numbers.
    """
    # Read-only properties (such as has_logo) are facts to show, not inputs.
    return [field_for(name, prop, staff_options if name in staff_settings else None)
            for name, prop in description.get("properties", {}).items() if not prop.get("readOnly")]


def field_for(name, prop, staff_options=None):
    """Choose the input for one JSON Schema property."""
    label = prop.get("title") or humanize(name)
    hint = prop.get("description", "")
    nullable = bool(prop.get("nullable"))
    kind = prop.get("type", "string")
    if kind == "boolean":
        return Field(name, "checkbox", label, hint, item_type="boolean")
    if kind == "array":
        items = prop.get("items", {})
        item_type = items.get("type", "string")
        if "enum" in items:
            return Field(name, "choices", label, hint, item_type=item_type,
                         options=[(str(value), enum_name(name, value)) for value in items["enum"]])
        if staff_options is not None:
            return Field(name, "choices", label, hint, item_type="integer", options=list(staff_options))
        return Field(name, "list", label, " ".join(filter(None, [hint, _(COMMA_HINT)])), item_type=item_type)
    if "enum" in prop:
        options = [(str(value), enum_name(name, value)) for value in prop["enum"] if value is not None]
        return Field(name, "select", label, hint, options=_with_empty(options, nullable, _("Not set")),
                     item_type=kind, nullable=nullable)
    if kind == "integer" and staff_options is not None:
        return Field(name, "select", label, hint, item_type="integer", nullable=nullable,
                     options=_with_empty(list(staff_options), nullable, _("Nobody")))
    if kind in ("integer", "number"):
        return Field(name, "number", label, hint, item_type=kind, nullable=nullable)
    return Field(name, "text", label, hint, nullable=nullable)


# The names of the settings' choices, each in the page's language; any other choice is shown as it is written.
ENUM_NAMES = {"password": N_("Password"), "one_time_code": N_("One-time code"), "new_jobs": N_("New jobs"),
              "all_scheduled_jobs": N_("All scheduled jobs"), "warn": N_("Warn"), "block": N_("Block")}


def enum_name(setting, value):
    """How a setting's choice ``value`` reads: a language by its own name, a known choice translated."""
    if setting == "default_language":
        return LANGUAGE_NAMES.get(value, value)
    return _(ENUM_NAMES[value]) if value in ENUM_NAMES else humanize(value)


def _with_empty(options, nullable, label):
    return [("", label)] + options if nullable else options


def show_stored(fields, values):
    """Fill the inputs with the tab's stored values."""
    for item in fields:
        value = values.get(item.name)
        if item.kind == "checkbox":
            item.value = bool(value)
        elif item.kind == "choices":
            item.value = {str(entry) for entry in value or []}
        elif item.kind == "list":
            item.value = ", ".join(str(entry) for entry in value or [])
        else:
            item.value = "" if value is None else str(value)
        _keep_unknown_options(item)


def show_submitted(fields, form):
    """Fill the inputs with exactly what was submitted, so a mistake can be corrected in place."""
    for item in fields:
        if item.kind == "checkbox":
            item.value = item.name in form
        elif item.kind == "choices":
            item.value = set(form.getlist(item.name))
        else:
            item.value = form.get(item.name, "")
        _keep_unknown_options(item)


def _keep_unknown_options(item):
    # A value with no option (say, a staff member since removed) would otherwise be dropped
    # silently by the next save; show it so it stays until someone unticks it.
    if item.kind not in ("choices", "select"):
        return
    chosen = item.value if item.kind == "choices" else {item.value}
    known = {value for value, __ in item.options}
    for value in sorted(chosen - known - {""}):
        item.options.append((value, _("#%(value)s (not in the list)", value=value)))


def parse(fields, form):
    """Turn submitted form data into ``(changes, errors)``; ``errors`` maps names to messages."""
    changes, errors = {}, {}
    for item in fields:
        try:
            changes[item.name] = _parse_one(item, form)
        except ValueError as error:
            errors[item.name] = [str(error)]
    return changes, errors


def _parse_one(item, form):
    if item.kind == "checkbox":
        # An unticked box sends nothing, so absence means false.
        return item.name in form
    if item.kind == "choices":
        chosen = list(dict.fromkeys(form.getlist(item.name)))
        return [_typed(value, item.item_type, _("Choose from the options shown.")) for value in chosen]
    text = form.get(item.name, "").strip()
    if item.kind == "list":
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return [_typed(part, item.item_type, _("Enter whole numbers separated by commas, such as 3, 7."))
                for part in parts]
    if text == "" and item.required:
        raise ValueError(_("Enter the %(label)s.", label=f"{item.label[:1].lower()}{item.label[1:]}"))
    if text == "" and item.nullable:
        return None
    if item.kind in ("number", "select"):
        return _typed(text, item.item_type, _("Enter a whole number, such as 12."))
    return text


def _typed(text, item_type, message):
    if item_type != "integer":
        return text
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(message)
    return int(text)


def attach_errors(fields, messages):
    """Put each message next to its input; return the error summary as (link target, text) pairs."""
    by_name = {item.name: item for item in fields}
    unplaced = []
    for key, texts in messages.items():
        # The services report a list item's problem as "name.index".
        name, __, index = key.partition(".")
        item = by_name.get(name)
        if item is None:
            unplaced.extend(texts)
            continue
        if index.isdigit() and item.kind == "list":
            texts = [_("Value %(number)s: %(message)s", number=int(index) + 1, message=text) for text in texts]
        item.errors.extend(texts)
    summary = [(f"#{item.input_id}", f"{item.label}: {text}") for item in fields for text in item.errors]
    return summary + [(None, text) for text in unplaced]


def save_form(inputs, values, errors, save, redisplay, refused=(InvalidInput,), rename=lambda messages: messages):
    """Send the form's ``values`` with ``save`` unless reading the form found ``errors``.

    Return ``(what save returned, None)``, or ``(None, redisplay(summary))``: the page again with what was
    sent, and each problem (the service's too, keys renamed by ``rename``) beside its input.
    """
    if not errors:
        try:
            return save(values), None
        except refused as error:
            errors = rename(problems_of(error))
    show_submitted(inputs, request.form)
    return None, redisplay(attach_errors(inputs, errors))


def problems_of(error):
    """Return the field messages of an InvalidInput (or Conflict), or its message for the whole form."""
    return error.fields or {"_schema": [error.message]}


def query_values(schema_class):
    """Read the query string with ``schema_class``; other parameters are ignored, invalid ones raise InvalidInput."""
    return load_or_raise(schema_class, request.args, unknown=EXCLUDE)


def money_input(form, name, errors):
    """Read an optional amount typed in dollars (cents out): None when left empty, a message in ``errors``
    when it is not an amount."""
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_money(text)
    except ValueError as error:
        errors[name] = [str(error)]
        return None
