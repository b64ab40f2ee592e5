"""Client portal API: the Account tab."""
from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import my_account
from gateway.schemas.portal.account import (ChangedEmailSchema, EmailChangeConfirmSchema, EmailChangeSchema,
                                            MyAccountChangesSchema, MyAccountSchema, PasswordChangeSchema,
                                            SecurityAnswersSchema)
from shared.errors import RateLimited

blueprint = ApiBlueprint("account", __name__, tag="portal account")


@blueprint.get("/account")
@client_required
@blueprint.doc(summary="The client's contact details, username, security questions and custom fields")
@blueprint.response(200, MyAccountSchema)
def my_account_details():
    return my_account.my_account()


@blueprint.patch("/account")
@client_required
@blueprint.doc(summary="Change some contact details, the username or custom fields; invalid values change nothing")
@blueprint.body(MyAccountChangesSchema)
@blueprint.response(200, MyAccountSchema)
def update_my_account(changes):
    my_account.change_my_account(changes)
    return my_account.my_account()


@blueprint.post("/account/password")
@client_required
@blueprint.doc(summary="Change the password, given the current one")
@blueprint.body(PasswordChangeSchema)
@blueprint.answers(204)
@blueprint.raises(RateLimited)
def change_password(change):
    my_account.change_password(change)
    return "", 204


@blueprint.post("/account/email-change")
@client_required
@blueprint.doc(summary="Send a code to a new email address; the change takes effect once it is confirmed")
@blueprint.body(EmailChangeSchema)
@blueprint.answers(202, {"type": "object"})
@blueprint.raises(RateLimited)
def request_email_change(new_email):
    my_account.request_email_change(new_email)
    return {}, 202


@blueprint.post("/account/email-change/confirm")
@client_required
@blueprint.doc(summary="Confirm the new email address with the code sent to it")
@blueprint.body(EmailChangeConfirmSchema)
@blueprint.response(200, ChangedEmailSchema)
@blueprint.raises(RateLimited)
def confirm_email_change(confirmation):
    return my_account.confirm_email_change(confirmation)


@blueprint.put("/account/security-answers")
@client_required
@blueprint.doc(summary="Set the answers to 2 or 3 security questions (when the business uses them)")
@blueprint.body(SecurityAnswersSchema)
@blueprint.answers(204)
def set_security_answers(answers):
    my_account.set_security_answers(answers)
    return "", 204
