"""Client portal API: the Account tab."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import client_messages, my_account
from gateway.schemas.portal.account import (ChangedEmailSchema, EmailChangeConfirmSchema, EmailChangeSchema,
                                            MessagePreferencesChangeSchema, MessagePreferencesSchema,
                                            MyAccountChangesSchema, MyAccountSchema, PasswordChangeSchema,
                                            SecurityAnswersSchema)
from shared.errors import RateLimited

blueprint = ApiBlueprint("account", __name__, tag="portal account", caller=CLIENT)


@blueprint.get("/account")
@blueprint.operation("The client's contact details, username, security questions and custom fields",
                     response=MyAccountSchema, dump=True)
def my_account_details():
    return my_account.my_account()


@blueprint.patch("/account")
@blueprint.operation("Change some contact details, the username or custom fields; invalid values change nothing",
                     body=MyAccountChangesSchema, response=MyAccountSchema, dump=True)
def update_my_account(changes):
    my_account.change_my_account(changes)
    return my_account.my_account()


@blueprint.post("/account/password")
@blueprint.operation("Change the password, given the current one (429 after too many wrong ones)",
                     body=PasswordChangeSchema, status=204, raises=[RateLimited])
def change_password(change):
    my_account.change_password(change)
    return "", 204


@blueprint.post("/account/email-change")
@blueprint.operation("Send a code to a new email address; the change takes effect once it is confirmed",
                     body=EmailChangeSchema, status=202, response={"type": "object"}, raises=[RateLimited])
def request_email_change(new_email):
    my_account.request_email_change(new_email)
    return {}, 202


@blueprint.post("/account/email-change/confirm")
@blueprint.operation("Confirm the new email address with the code sent to it", body=EmailChangeConfirmSchema,
                     response=ChangedEmailSchema, dump=True, raises=[RateLimited])
def confirm_email_change(confirmation):
    return my_account.confirm_email_change(confirmation)


@blueprint.put("/account/security-answers")
@blueprint.operation("Set the answers to 2 or 3 security questions (when the business uses them)",
                     body=SecurityAnswersSchema, status=204)
def set_security_answers(answers):
    my_account.set_security_answers(answers)
    return "", 204


@blueprint.get("/account/message-preferences")
@blueprint.operation("How the account gets each kind of message: by email and/or SMS",
                     response=MessagePreferencesSchema, dump=True)
def my_message_preferences():
    return client_messages.my_message_preferences()


@blueprint.put("/account/message-preferences")
@blueprint.operation("Choose email and/or SMS for some kinds of message; the kinds left out keep their choice",
                     body=MessagePreferencesChangeSchema, response=MessagePreferencesSchema, dump=True)
def set_my_message_preferences(prefs):
    return client_messages.change_my_message_preferences(prefs)
