"""Client portal pages rendered on the server: sign-in in all its forms, Home and the Account tab."""
import base64
import hashlib
import re
from datetime import date
from urllib.parse import urlsplit

from flask import g, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError

from gateway.errors import status_of
from gateway.portal_auth import (CLIENT_COOKIE, CODE_ATTEMPT_COOKIE, authenticate_client, clear_client_cookie,
                                 clear_code_attempt_cookie, client_required, portal_path, set_client_cookie,
                                 set_code_attempt_cookie)
from gateway.schemas import EmailChangeSchema
from gateway.services import first_error, rpc
from gateway.web.pages import from_another_site
from gateway.web.portal_base import portal_page_blueprint
from gateway.web.portal_billing_pages import home_panels
from gateway.web.settings_form import Field
from shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited, Unauthenticated

blueprint = portal_page_blueprint("portal_pages", __name__)

# Errors a form shows beside itself; anything else gets the error page.
FORM_ERRORS = (InvalidInput, Unauthenticated, PermissionDenied, RateLimited)
# A sign-in form posted from another site (login CSRF) is refused with this summary.
FROM_ELSEWHERE = [(None, "Use this site's own form to sign in.")]
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
LOGO_MAX_AGE = 300
RIGHTS = {
    "view": "You can see this account.",
    "pay": "You can see this account and pay its bills.",
    "manage": "You can see this account, pay its bills and manage it.",
}
SIX_DIGITS = re.compile(r"[0-9]{6}")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
SECURITY_QUESTION_SLOTS = 3


def accounts(method, *args):
    return rpc().call("accounts", method, *args)


def business():
    """Return the business's portal configuration (profile and sign-in settings), once per request."""
    if "business" not in g:
        g.business = accounts("get_portal_config")
    return g.business


def login_label():
    return "Email or username" if business()["use_usernames"] else "Email"


def page(template, status=200, **context):
    return render_template(f"portal/{template}", **context), status


def go(endpoint, **arguments):
    return redirect(url_for(f"portal_pages.{endpoint}", **arguments), 303)


def local_page(target):
    """Return ``target`` when it is a page of this business's portal, else its home page."""
    target = target or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or not parts.path.startswith(portal_path(g.portal_slug)):
        return url_for("portal_pages.home")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signed_in(session, next_page=None):
    """Land a newly signed-in client on ``next_page`` (or home) with the session cookie."""
    return set_client_cookie(redirect(local_page(next_page), 303), session["token"])


def show_errors(inputs, messages):
    """Put each field message beside its input; return the error summary as (link target, text) pairs."""
    by_name = {item.name: item for item in inputs}
    unplaced = []
    for key, texts in messages.items():
        # Nested fields arrive as "custom_fields.key" or "custom_fields.key.value": use the longest match;
        # a custom field's problem may also be named by its bare key.
        parts = key.split(".")
        names = [".".join(parts[:n]) for n in range(len(parts), 0, -1)] + [custom_field_name(key)]
        item = next((by_name[name] for name in names if name in by_name), None)
        if item is None:
            unplaced.extend(texts)
        else:
            item.errors.extend(texts)
    summary = [(f"#{item.input_id}", f"{item.label}: {text}") for item in inputs for text in item.errors]
    return summary + [(None, text) for text in unplaced]


def problem_of(error, inputs, default_input):
    """Return the summary for an error from accounts: its field messages, or its message beside ``default_input``."""
    if error.fields:
        return show_errors(inputs, error.fields)
    return show_errors(inputs, {default_input: [error.message]})


def show_submitted(inputs):
    """Fill the inputs with what was sent (never a password), so a mistake can be corrected in place."""
    for item in inputs:
        item.value = "" if item.kind == "password" else request.form.get(item.name, "").strip()
    return inputs


def blank_errors(inputs, messages):
    """Return a message for each required input left blank."""
    return {item.name: [messages[item.name]] for item in inputs
            if item.required and not request.form.get(item.name, "").strip()}


# --- signing in with a password ---------------------------------------------------------------

def login_inputs():
    return [Field("login", "text" if business()["use_usernames"] else "email", login_label(),
                  autocomplete="username", required=True)]


def sign_in_inputs():
    return login_inputs() + [Field("password", "password", "Password", autocomplete="current-password",
                                   required=True)]


def render_sign_in(inputs=None, summary=(), status=200):
    if request.args.get("ended"):
        notice = "Your session has ended. Please sign in again."
    elif request.args.get("signed_out"):
        notice = "You are signed out."
    else:
        notice = None
    return page("sign_in.html", status, inputs=inputs or sign_in_inputs(), summary=list(summary),
                notice=notice, next_page=request.values.get("next", ""))


def already_signed_in():
    if CLIENT_COOKIE not in request.cookies:
        return False
    try:
        authenticate_client()
    except Unauthenticated:
        return False
    return True


@blueprint.get("/sign-in")
def sign_in():
    if already_signed_in():
        return redirect(local_page(request.args.get("next")), 303)
    return render_sign_in()


@blueprint.post("/sign-in")
def submit_sign_in():
    inputs = show_submitted(sign_in_inputs())
    if from_another_site():
        return render_sign_in(inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {"login": f"Enter your {login_label().lower()}.",
                                  "password": "Enter your password."})
    if blank:
        return render_sign_in(inputs, show_errors(inputs, blank), 400)
    credentials = {"login": inputs[0].value, "password": request.form.get("password", "")}
    try:
        session = accounts("sign_in_client", credentials, request.remote_addr)
    except FORM_ERRORS as error:
        return render_sign_in(inputs, problem_of(error, inputs, "login"), status_of(error))
    return signed_in(session, request.form.get("next"))


# --- signing in with a one-time code ----------------------------------------------------------

def render_code_request(inputs=None, summary=(), status=200):
    return page("code_request.html", status, inputs=inputs or login_inputs(), summary=list(summary))


@blueprint.get("/sign-in/code")
def code_request():
    return render_code_request()


@blueprint.post("/sign-in/code")
def submit_code_request():
    inputs = show_submitted(login_inputs())
    if from_another_site():
        return render_code_request(inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {"login": f"Enter your {login_label().lower()}."})
    if blank:
        return render_code_request(inputs, show_errors(inputs, blank), 400)
    try:
        answer = accounts("request_login_code", {"login": inputs[0].value}, request.remote_addr)
    except FORM_ERRORS as error:
        return render_code_request(inputs, problem_of(error, inputs, "login"), status_of(error))
    # The code works only with this attempt, which only this browser holds.
    return set_code_attempt_cookie(go("code_entry"), answer["attempt"])


def code_inputs():
    return [Field("code", "code", "6-digit code", "It works once, for 10 minutes.",
                  autocomplete="one-time-code", required=True)]


def render_code_entry(inputs=None, summary=(), status=200):
    return page("code_entry.html", status, inputs=inputs or code_inputs(), summary=list(summary))


@blueprint.get("/sign-in/code/enter")
def code_entry():
    if CODE_ATTEMPT_COOKIE not in request.cookies:
        return go("code_request")
    return render_code_entry()


@blueprint.post("/sign-in/code/enter")
def submit_code():
    inputs = show_submitted(code_inputs())
    attempt = request.cookies.get(CODE_ATTEMPT_COOKIE)
    if from_another_site():
        return render_code_entry(inputs, FROM_ELSEWHERE, 403)
    if not attempt:
        return render_code_entry(inputs, show_errors(inputs, {"code": [
            "This code can no longer be used. Ask for a new one."]}), 401)
    code = inputs[0].value.replace(" ", "")
    if not SIX_DIGITS.fullmatch(code):
        return render_code_entry(inputs, show_errors(inputs, {"code": ["Enter the 6 digits of the code."]}), 400)
    try:
        session = accounts("verify_login_code", attempt, code, request.remote_addr)
    except FORM_ERRORS as error:
        return render_code_entry(inputs, problem_of(error, inputs, "code"), status_of(error))
    return clear_code_attempt_cookie(signed_in(session))


# --- invitations --------------------------------------------------------------------------------

def password_hint(min_length):
    return f"At least {min_length} characters. A few unrelated words make a strong one."


def invitation_inputs(invitation):
    inputs = [Field("password", "password", "Choose a password", password_hint(invitation["min_password_length"]),
                    autocomplete="new-password", required=True)]
    if invitation["needs_username"]:
        inputs.insert(0, Field("username", "text", "Choose a username",
                               "You can sign in with it instead of your email.", autocomplete="username",
                               required=True))
    return inputs


def render_invitation(token, invitation, inputs=None, summary=(), status=200):
    return page("invitation.html", status, token=token, invitation=invitation,
                inputs=inputs or invitation_inputs(invitation), summary=list(summary))


def link_no_longer_valid(error, kind):
    return page("link_invalid.html", 404, message=error.message, kind=kind)


@blueprint.get("/invitation/<token>")
def invitation(token):
    try:
        found = accounts("check_invitation", token)
    except NotFound as error:
        return link_no_longer_valid(error, "invitation")
    return render_invitation(token, found)


@blueprint.post("/invitation/<token>")
def accept_invitation(token):
    try:
        found = accounts("check_invitation", token)
    except NotFound as error:
        return link_no_longer_valid(error, "invitation")
    inputs = show_submitted(invitation_inputs(found))
    if from_another_site():
        return render_invitation(token, found, inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {"username": "Choose a username.", "password": "Choose a password."})
    if blank:
        return render_invitation(token, found, inputs, show_errors(inputs, blank), 400)
    registration = {"password": request.form.get("password", "")}
    if found["needs_username"]:
        registration["username"] = request.form.get("username", "").strip()
    try:
        session = accounts("accept_invitation", token, registration)
    except NotFound as error:
        return link_no_longer_valid(error, "invitation")
    except FORM_ERRORS as error:
        return render_invitation(token, found, inputs, problem_of(error, inputs, "password"), status_of(error))
    return signed_in(session)


# --- password reset -------------------------------------------------------------------------------

def render_reset_request(inputs=None, summary=(), status=200):
    return page("reset_request.html", status, inputs=inputs or login_inputs(), summary=list(summary))


@blueprint.get("/reset")
def reset_request():
    return render_reset_request()


@blueprint.post("/reset")
def submit_reset_request():
    inputs = show_submitted(login_inputs())
    if from_another_site():
        return render_reset_request(inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {"login": f"Enter your {login_label().lower()}."})
    if blank:
        return render_reset_request(inputs, show_errors(inputs, blank), 400)
    try:
        accounts("request_password_reset", {"login": inputs[0].value}, request.remote_addr)
    except FORM_ERRORS as error:
        return render_reset_request(inputs, problem_of(error, inputs, "login"), status_of(error))
    return page("reset_sent.html")


def reset_inputs(questions):
    inputs = [Field("password", "password", "New password", password_hint(business()["min_password_length"]),
                    autocomplete="new-password", required=True)]
    inputs += [Field(f"answer_{number}", "text", question, autocomplete="off", required=True)
               for number, question in enumerate(questions, start=1)]
    return inputs


def render_reset(token, questions, inputs=None, summary=(), status=200):
    return page("reset.html", status, token=token, inputs=inputs or reset_inputs(questions),
                summary=list(summary))


@blueprint.get("/reset/<token>")
def reset(token):
    try:
        questions = accounts("check_reset", token)["security_questions"]
    except NotFound as error:
        return link_no_longer_valid(error, "reset")
    return render_reset(token, questions)


@blueprint.post("/reset/<token>")
def submit_reset(token):
    try:
        questions = accounts("check_reset", token)["security_questions"]
    except NotFound as error:
        return link_no_longer_valid(error, "reset")
    inputs = show_submitted(reset_inputs(questions))
    if from_another_site():
        return render_reset(token, questions, inputs, FROM_ELSEWHERE, 403)
    blank = blank_errors(inputs, {item.name: "Enter your answer." for item in inputs}
                         | {"password": "Choose a new password."})
    if blank:
        return render_reset(token, questions, inputs, show_errors(inputs, blank), 400)
    reset_request_body = {"password": request.form.get("password", "")}
    if questions:
        reset_request_body["answers"] = [item.value for item in inputs[1:]]
    try:
        session = accounts("reset_password", token, reset_request_body)
    except NotFound as error:
        return link_no_longer_valid(error, "reset")
    except FORM_ERRORS as error:
        return render_reset(token, questions, inputs, problem_of(error, inputs, "password"), status_of(error))
    return signed_in(session)


# --- the signed-in portal ---------------------------------------------------------------------------

@blueprint.get("/")
@client_required
def home():
    session = g.client_session
    return page("home.html", tab="home", rights=RIGHTS.get(session["account"]["rights"], ""), **home_panels())


@blueprint.post("/switch")
@client_required
def switch():
    account_id = request.form.get("account_id", "")
    if not account_id.isdigit():
        raise InvalidInput("Choose one of your accounts.", {"account_id": ["Choose one of your accounts."]})
    accounts("switch_account", g.client_token, int(account_id))
    return redirect(local_page(request.form.get("next")), 303)


@blueprint.post("/sign-out")
def sign_out():
    try:
        authenticate_client()  # also checks the form's CSRF token
    except Unauthenticated:
        pass  # already signed out: just forget the cookie
    else:
        accounts("sign_out_client", g.client_token)
    return clear_client_cookie(go("sign_in", signed_out=1))


@blueprint.get("/logo")
def logo():
    image = accounts("get_logo")
    if image["content_type"] not in LOGO_TYPES:
        raise NotFound("This business has no logo.")
    content = base64.b64decode(image["content_base64"])
    response = make_response(content)
    response.content_type = image["content_type"]
    response.headers["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}"
    response.set_etag(hashlib.sha256(content).hexdigest())
    return response.make_conditional(request)


# --- the Account tab ---------------------------------------------------------------------------------

CUSTOM_INPUT_KINDS = {"text": "text", "number": "decimal", "date": "date", "choice": "select"}


def custom_field_name(key):
    return f"custom_fields.{key}"


def may_edit_custom_fields():
    """Custom fields belong to the account: only a link with ``manage`` rights may change them."""
    return g.client_session["account"]["rights"] == "manage"


def details_inputs(mine):
    """Return the contact detail, username and (editable) custom field inputs, filled with the stored values."""
    inputs = [Field("phone", "tel", "Phone", "Such as +1 555 010 0199.", autocomplete="tel", value=mine["phone"] or ""),
              Field("mobile_phone", "tel", "Mobile phone", "Sign-in codes go here by text message.",
                    autocomplete="tel", value=mine["mobile_phone"] or "")]
    if mine["use_usernames"]:
        inputs.insert(0, Field("username", "text", "Username", "You can sign in with it instead of your email.",
                               autocomplete="username", value=mine["username"] or ""))
    if not may_edit_custom_fields():
        return inputs
    for custom in mine["custom_fields"]:
        kind = CUSTOM_INPUT_KINDS.get(custom["type"], "text")
        options = [("", "Not set")] + [(choice, choice) for choice in custom.get("choices") or []]
        hint = {"number": "A number, such as 12 or 12.5.", "date": "A date, such as 2025-06-30."}.get(custom["type"], "")
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
            raise ValueError("Enter a number, such as 12 or 12.5.")
        return float(text) if "." in text else int(text)
    if custom["type"] == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Enter a date, such as 2025-06-30.") from None
    if custom["type"] == "choice" and text not in (custom.get("choices") or []):
        raise ValueError("Choose one of the options shown.")
    return text


def detail_changes(mine):
    """Return what the details form changes (inputs left out change nothing) and the problems found here."""
    form = request.form
    changes, errors, custom_changes = {}, {}, {}
    for name in ("phone", "mobile_phone"):
        if name in form and form[name].strip() != (mine[name] or ""):
            changes[name] = form[name].strip() or None
    if mine["use_usernames"] and "username" in form:
        text = form["username"].strip()
        if text and text != (mine["username"] or ""):
            changes["username"] = text
        elif not text and mine["username"]:
            errors["username"] = ["Enter a username."]
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
    return [Field("new_email", "email", "New email address", "We send a code to it to check it is yours.",
                  autocomplete="email", required=True)]


def email_code_inputs():
    return [Field("code", "code", "Code from the email", "Check the inbox of the new address.",
                  autocomplete="one-time-code", required=True)]


def password_inputs(min_length):
    return [Field("current_password", "password", "Current password", autocomplete="current-password",
                  required=True),
            Field("new_password", "password", "New password", password_hint(min_length),
                  autocomplete="new-password", required=True)]


def security_inputs(mine):
    questions = list(mine["security_questions"]) + [""] * SECURITY_QUESTION_SLOTS
    inputs = []
    for number in range(1, SECURITY_QUESTION_SLOTS + 1):
        hint = "" if number < SECURITY_QUESTION_SLOTS else "Optional."
        inputs.append(Field(f"question_{number}", "text", f"Question {number}", hint, autocomplete="off",
                            value=questions[number - 1]))
        inputs.append(Field(f"answer_{number}", "text", f"Answer {number}", autocomplete="off"))
    return inputs


def account_data():
    """Ask accounts, in parallel, for the business's settings and the client's Account tab."""
    results = first_error(rpc().call_parallel({"business": ("accounts", "get_portal_config", ()),
                                               "mine": ("accounts", "get_my_account", ())}))
    g.business = results["business"]
    return results["mine"]


def render_account(mine, section=None, inputs=None, summary=(), status=200):
    """Draw the Account tab; ``section`` names the form being corrected, with its ``inputs``."""
    forms = {"details": details_inputs(mine), "email": email_inputs(), "email_code": email_code_inputs(),
             "password": password_inputs(business()["min_password_length"]), "security": security_inputs(mine)}
    if section:
        forms[section] = inputs
    code_sent = request.args.get("email") == "sent" or section == "email_code"
    return page("account.html", status, tab="account", mine=mine, forms=forms, summary=list(summary),
                saved=request.args.get("saved"), code_sent=code_sent, custom_editable=may_edit_custom_fields())


def correct(mine, section, inputs, messages, status=400):
    """Show ``section`` again with what was sent and its problems."""
    return render_account(mine, section, inputs, show_errors(inputs, messages), status)


@blueprint.get("/account")
@client_required
def account():
    return render_account(account_data())


@blueprint.post("/account")
@client_required
def save_details():
    mine = account_data()
    inputs = details_inputs(mine)
    for item in inputs:
        item.value = request.form.get(item.name, "").strip()
    changes, errors = detail_changes(mine)
    if errors:
        return correct(mine, "details", inputs, errors)
    if changes:
        try:
            accounts("update_my_account", changes)
        except (InvalidInput, NotFound, PermissionDenied) as error:
            return correct(mine, "details", inputs, error.fields or {"_schema": [error.message]}, status_of(error))
    return go("account", saved="details", _anchor="details")


@blueprint.post("/account/email")
@client_required
def change_email():
    mine = account_data()
    inputs = show_submitted(email_inputs())
    try:
        new_email = EmailChangeSchema().load({"new_email": inputs[0].value})
    except ValidationError as error:
        messages = {"new_email": ["Enter the new email address."]} if not inputs[0].value else error.messages
        return correct(mine, "email", inputs, messages)
    try:
        accounts("request_email_change", new_email)
    except FORM_ERRORS as error:
        return correct(mine, "email", inputs, error.fields or {"new_email": [error.message]}, status_of(error))
    return go("account", email="sent", _anchor="email")


@blueprint.post("/account/email/confirm")
@client_required
def confirm_email():
    mine = account_data()
    inputs = show_submitted(email_code_inputs())
    code = inputs[0].value.replace(" ", "")
    if not SIX_DIGITS.fullmatch(code):
        return correct(mine, "email_code", inputs, {"code": ["Enter the 6 digits of the code."]})
    try:
        accounts("confirm_email_change", {"code": code})
    except FORM_ERRORS as error:
        return correct(mine, "email_code", inputs, error.fields or {"code": [error.message]}, status_of(error))
    return go("account", saved="email", _anchor="email")


@blueprint.post("/account/password")
@client_required
def change_password():
    mine = account_data()
    inputs = password_inputs(business()["min_password_length"])
    blank = blank_errors(inputs, {"current_password": "Enter your current password.",
                                  "new_password": "Choose a new password."})
    if blank:
        return correct(mine, "password", inputs, blank)
    try:
        accounts("change_my_password", {"current_password": request.form["current_password"],
                                        "new_password": request.form["new_password"]})
    except FORM_ERRORS as error:
        # A wrong current password is reported without fields.
        return correct(mine, "password", inputs, error.fields or {"current_password": [error.message]},
                       status_of(error))
    return go("account", saved="password", _anchor="password")


def security_messages(error, rows):
    """Name the form's inputs in accounts' messages: "answers.0.answer" is the first filled row's answer."""
    messages = {}
    for key, texts in (error.fields or {"question_1": [error.message]}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "answers" and parts[1].isdigit() and int(parts[1]) < len(rows):
            key = f"{parts[2]}_{rows[int(parts[1])]}"
        messages.setdefault(key, []).extend(texts)
    return messages


@blueprint.post("/account/security-answers")
@client_required
def save_security_answers():
    mine = account_data()
    inputs = show_submitted(security_inputs(mine))
    by_name = {item.name: item.value for item in inputs}
    answers, rows, errors = [], [], {}
    for number in range(1, SECURITY_QUESTION_SLOTS + 1):
        question, answer = by_name[f"question_{number}"], by_name[f"answer_{number}"]
        if question and answer:
            answers.append({"question": question, "answer": answer})
            rows.append(number)
        elif question:
            errors[f"answer_{number}"] = ["Enter the answer to this question."]
        elif answer:
            errors[f"question_{number}"] = ["Enter the question this answers."]
    if not errors and len(answers) < 2:
        errors["question_1"] = ["Set at least two questions with their answers."]
    if errors:
        return correct(mine, "security", inputs, errors)
    try:
        accounts("set_security_answers", {"answers": answers})
    except FORM_ERRORS as error:
        return correct(mine, "security", inputs, security_messages(error, rows), status_of(error))
    return go("account", saved="security", _anchor="security")
