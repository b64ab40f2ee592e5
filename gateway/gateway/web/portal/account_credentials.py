"""Client portal pages, Account tab: the email address, the password and the security answers."""
from flask import Blueprint, request
from marshmallow import ValidationError

from gateway.errors import status_of, translated_messages
from gateway.features import business, my_account
from gateway.portal_auth import client_required
from gateway.schemas.portal.account import EmailChangeSchema
from gateway.web.portal.account import (SECURITY_QUESTION_SLOTS, correct, email_code_inputs, email_inputs,
                                        password_inputs, security_inputs)
from gateway.web.portal.base import FORM_ERRORS, blank_errors, go, show_submitted
from gateway.web.portal.sign_in import SIX_DIGITS
from shared.i18n import _

blueprint = Blueprint("account_credentials", __name__)


@blueprint.post("/account/email")
@client_required
def change_email():
    mine = my_account.my_account_with_business()
    inputs = show_submitted(email_inputs())
    try:
        new_email = EmailChangeSchema().load({"new_email": inputs[0].value})
    except ValidationError as error:
        messages = ({"new_email": [_("Enter the new email address.")]} if not inputs[0].value
                    else translated_messages(error.messages))
        return correct(mine, "email", inputs, messages)
    try:
        my_account.request_email_change(new_email)
    except FORM_ERRORS as error:
        return correct(mine, "email", inputs, error.fields or {"new_email": [error.message]}, status_of(error))
    return go("portal.account.account", email="sent", _anchor="email")


@blueprint.post("/account/email/confirm")
@client_required
def confirm_email():
    mine = my_account.my_account_with_business()
    inputs = show_submitted(email_code_inputs())
    code = inputs[0].value.replace(" ", "")
    if not SIX_DIGITS.fullmatch(code):
        return correct(mine, "email_code", inputs, {"code": [_("Enter the 6 digits of the code.")]})
    try:
        my_account.confirm_email_change({"code": code})
    except FORM_ERRORS as error:
        return correct(mine, "email_code", inputs, error.fields or {"code": [error.message]}, status_of(error))
    return go("portal.account.account", saved="email", _anchor="email")


@blueprint.post("/account/password")
@client_required
def change_password():
    mine = my_account.my_account_with_business()
    inputs = password_inputs(business.portal_config()["min_password_length"])
    blank = blank_errors(inputs, {"current_password": _("Enter your current password."),
                                  "new_password": _("Choose a new password.")})
    if blank:
        return correct(mine, "password", inputs, blank)
    try:
        my_account.change_password({"current_password": request.form["current_password"],
                                    "new_password": request.form["new_password"]})
    except FORM_ERRORS as error:
        # A wrong current password is reported without fields.
        return correct(mine, "password", inputs, error.fields or {"current_password": [error.message]},
                       status_of(error))
    return go("portal.account.account", saved="password", _anchor="password")


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
    mine = my_account.my_account_with_business()
    inputs = show_submitted(security_inputs(mine))
    by_name = {item.name: item.value for item in inputs}
    answers, rows, errors = [], [], {}
    for number in range(1, SECURITY_QUESTION_SLOTS + 1):
        question, answer = by_name[f"question_{number}"], by_name[f"answer_{number}"]
        if question and answer:
            answers.append({"question": question, "answer": answer})
            rows.append(number)
        elif question:
            errors[f"answer_{number}"] = [_("Enter the answer to this question.")]
        elif answer:
            errors[f"question_{number}"] = [_("Enter the question this answers.")]
    if not errors and len(answers) < 2:
        errors["question_1"] = [_("Set at least two questions with their answers.")]
    if errors:
        return correct(mine, "security", inputs, errors)
    try:
        my_account.set_security_answers({"answers": answers})
    except FORM_ERRORS as error:
        return correct(mine, "security", inputs, security_messages(error, rows), status_of(error))
    return go("portal.account.account", saved="security", _anchor="security")
