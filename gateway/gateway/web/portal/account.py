"""Client portal pages: the Account tab, and its contact details, username and custom fields."""
import re
from datetime import date

from flask import Blueprint, g, request

from gateway.errors import status_of
from gateway.features import business, my_account
from gateway.portal_auth import client_required
from gateway.web.forms import Field
from gateway.web.portal import message_preferences
from gateway.web.portal.base import go, page, show_errors
from gateway.web.portal.sign_in import password_hint
from shared.errors import InvalidInput, NotFound, PermissionDenied
from shared.i18n import N_, _

blueprint = Blueprint("account", __name__)

NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
SECURITY_QUESTION_SLOTS = 3


CUSTOM_INPUT_KINDS = {"text": "text", "number": "decimal", "date": "date", "choice": "select"}
CUSTOM_INPUT_HINTS = {"number": N_("A number, such as 12 or 12.5."), "date": N_("A date, such as 2025-06-30.")}


def custom_field_name(key):
    return f"custom_fields.{key}"


def may_edit_custom_fields():
    """Custom fields belong to the account: only a link with ``manage`` rights may change them."""
    return g.client_session["account"]["rights"] == "manage"


def mobile_hint(mine):
    """Say what the mobile number is for: this client's sign-in codes when the account is their own."""
    use = _("Your sign-in codes go here by text message.") if mine["sign_in_codes_here"] else (
        _("Texts about this account go here."))
    return " ".join((use, _("With + and the country code, such as +1 555 010 0199.")))


def details_inputs(mine):
    """Return the contact detail, username and (editable) custom field inputs, filled with the stored values."""
    inputs = [Field("phone", "tel", _("Phone"), _("Such as +1 555 010 0199."), autocomplete="tel",
                    value=mine["phone"] or ""),
              Field("mobile_phone", "tel", _("Mobile phone"), mobile_hint(mine), autocomplete="tel",
                    value=mine["mobile_phone"] or "")] if mine["numbers_editable"] else []
    if mine["use_usernames"]:
        inputs.insert(0, Field("username", "text", _("Username"), _("You can sign in with it instead of your email."),
                               autocomplete="username", value=mine["username"] or ""))
    if not may_edit_custom_fields():
        return inputs
    for custom in mine["custom_fields"]:
        kind = CUSTOM_INPUT_KINDS.get(custom["type"], "text")
        options = [("", _("Not set"))] + [(choice, choice) for choice in custom.get("choices") or []]
        kind_of_value = custom["type"]
        hint = _(CUSTOM_INPUT_HINTS[kind_of_value]) if kind_of_value in CUSTOM_INPUT_HINTS else ""
        inputs.append(Field(custom_field_name(custom["key"]), kind, custom["label"], hint,
                            options=options if kind == "select" else [], value=shown_value(custom)))
    return inputs


def shown_value(custom):
    """Show a custom field's value as its input does: nothing for no value, 12 rather than 12.0."""
    value = custom["value"]
    if value is None:
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def parse_custom(custom, text):
    """Turn a custom field's submitted text into its value; raise ValueError saying what is wrong."""
    if text == "":
        return None
    if custom["type"] == "number":
        if not NUMBER.fullmatch(text):
            raise ValueError(_("Enter a number, such as 12 or 12.5."))
        return float(text) if "." in text else int(text)
    if custom["type"] == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date, such as 2025-06-30.")) from None
    if custom["type"] == "choice" and text not in (custom.get("choices") or []):
        raise ValueError(_("Choose one of the options shown."))
    return text


def detail_changes(mine):
    """Return what the details form changes (inputs left out change nothing) and the problems found here."""
    form = request.form
    changes, errors, custom_changes = {}, {}, {}
    for name in ("phone", "mobile_phone") if mine["numbers_editable"] else ():
        if name in form and form[name].strip() != (mine[name] or ""):
            changes[name] = form[name].strip() or None
    if mine["use_usernames"] and "username" in form:
        text = form["username"].strip()
        if text and text != (mine["username"] or ""):
            changes["username"] = text
        elif not text and mine["username"]:
            errors["username"] = [_("Enter a username.")]
    for custom in mine["custom_fields"] if may_edit_custom_fields() else []:
        name = custom_field_name(custom["key"])
        if name not in form or form[name].strip() == shown_value(custom):
            continue
        try:
            custom_changes[custom["key"]] = parse_custom(custom, form[name].strip())
        except ValueError as error:
            errors[name] = [str(error)]
    if custom_changes:
        changes["custom_fields"] = custom_changes
    return changes, errors


def email_inputs():
    return [Field("new_email", "email", _("New email address"), _("We send a code to it to check it is yours."),
                  autocomplete="email", required=True)]


def email_code_inputs():
    return [Field("code", "code", _("Code from the email"), _("Check the inbox of the new address."),
                  autocomplete="one-time-code", required=True)]


def password_inputs(min_length):
    return [Field("current_password", "password", _("Current password"), autocomplete="current-password",
                  required=True),
            Field("new_password", "password", _("New password"), password_hint(min_length),
                  autocomplete="new-password", required=True)]


def security_inputs(mine):
    questions = list(mine["security_questions"]) + [""] * SECURITY_QUESTION_SLOTS
    inputs = []
    for number in range(1, SECURITY_QUESTION_SLOTS + 1):
        hint = "" if number < SECURITY_QUESTION_SLOTS else _("Optional.")
        inputs.append(Field(f"question_{number}", "text", _("Question %(number)s", number=number), hint,
                            autocomplete="off", value=questions[number - 1]))
        inputs.append(Field(f"answer_{number}", "text", _("Answer %(number)s", number=number), autocomplete="off"))
    return inputs


def render_account(mine, section=None, inputs=None, summary=(), status=200):
    """Draw the Account tab; ``section`` names the form being corrected, with its ``inputs``."""
    min_length = business.portal_config()["min_password_length"]
    forms = {"details": details_inputs(mine), "email": email_inputs(), "email_code": email_code_inputs(),
             "password": password_inputs(min_length), "security": security_inputs(mine)}
    if section:
        forms[section] = inputs
    code_sent = request.args.get("email") == "sent" or section == "email_code"
    return page("account.html", status, tab="account", mine=mine, forms=forms, summary=list(summary),
                saved=request.args.get("saved"), code_sent=code_sent, custom_editable=may_edit_custom_fields(),
                message_preferences=message_preferences.my_preferences())


def correct(mine, section, inputs, messages, status=400):
    """Show ``section`` again with what was sent and its problems."""
    return render_account(mine, section, inputs, show_errors(inputs, messages), status)


@blueprint.get("/account")
@client_required
def account():
    return render_account(my_account.my_account_with_business())


@blueprint.post("/account")
@client_required
def save_details():
    mine = my_account.my_account_with_business()
    inputs = details_inputs(mine)
    for item in inputs:
        item.value = request.form.get(item.name, "").strip()
    changes, errors = detail_changes(mine)
    if errors:
        return correct(mine, "details", inputs, errors)
    if changes:
        try:
            my_account.change_my_account(changes)
        except (InvalidInput, NotFound, PermissionDenied) as error:
            return correct(mine, "details", inputs, error.fields or {"_schema": [error.message]}, status_of(error))
    return go(".account", saved="details", _anchor="details")


