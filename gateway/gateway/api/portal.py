"""Client portal API: sign-in (password, one-time code, invitation, reset), the session and the Account tab."""
from flask import g, jsonify, request

from gateway.openapi import documented
from gateway.portal_auth import client_required, portal_blueprint
from gateway.requests import load_json
from gateway.schemas import (ChangedEmailSchema, EmailChangeConfirmSchema, EmailChangeSchema,
                             InvitationAcceptSchema, InvitationSchema, LoginCodeAttemptSchema,
                             LoginCodeVerifySchema, MyAccountChangesSchema, MyAccountSchema,
                             PasswordChangeSchema, PasswordResetSchema, PortalConfigSchema,
                             PortalLoginSchema, PortalMeSchema, PortalSessionSchema, PortalSignInSchema,
                             ResetCheckSchema, SecurityAnswersSchema, SwitchAccountSchema)
from gateway.services import rpc

blueprint = portal_blueprint("portal", __name__, "/api/v1/portal/<slug>")


def session_created(session):
    return jsonify(PortalSessionSchema().dump(session)), 201


def accounts(method, *args, **kwargs):
    return rpc().call("accounts", method, *args, **kwargs)


# --- the business -------------------------------------------------------------------------

@blueprint.get("")
@documented("The business's public portal details and how its clients sign in",
            response=PortalConfigSchema, auth=False)
def portal_config():
    return jsonify(PortalConfigSchema().dump(accounts("get_portal_config")))


# --- signing in and out -------------------------------------------------------------------

@blueprint.post("/sessions")
@documented("Sign in with email (or username) and password; returns a bearer token",
            body=PortalSignInSchema, response=PortalSessionSchema, status=201, auth=False)
def create_session():
    credentials = load_json(PortalSignInSchema)
    return session_created(accounts("sign_in_client", credentials, request.remote_addr))


@blueprint.delete("/sessions/current")
@client_required
@documented("Sign out: the token stops working everywhere it is used", status=204)
def delete_session():
    accounts("sign_out_client", g.client_token)
    return "", 204


@blueprint.post("/login-codes")
@documented("Send a 6-digit sign-in code (by text when a phone is on file, else email); "
            "answers the same whether or not the login exists",
            body=PortalLoginSchema, response=LoginCodeAttemptSchema, status=202, auth=False)
def request_login_code():
    login = load_json(PortalLoginSchema)
    attempt = accounts("request_login_code", login, request.remote_addr)
    return jsonify(LoginCodeAttemptSchema().dump(attempt)), 202


@blueprint.post("/login-codes/verify")
@documented("Sign in with the code sent for this attempt", body=LoginCodeVerifySchema,
            response=PortalSessionSchema, status=201, auth=False)
def verify_login_code():
    answer = load_json(LoginCodeVerifySchema)
    return session_created(accounts("verify_login_code", answer["attempt"], answer["code"],
                                    request.remote_addr))


@blueprint.get("/invitations/<token>")
@documented("Check an invitation link: whom it is for and what the password needs",
            response=InvitationSchema, auth=False)
def check_invitation(token):
    return jsonify(InvitationSchema().dump(accounts("check_invitation", token)))


@blueprint.post("/invitations/<token>")
@documented("Accept an invitation: set a password (and username) and sign in",
            body=InvitationAcceptSchema, response=PortalSessionSchema, status=201, auth=False)
def accept_invitation(token):
    registration = load_json(InvitationAcceptSchema)
    return session_created(accounts("accept_invitation", token, registration))


@blueprint.post("/password-resets")
@documented("Email a password reset link; answers the same whether or not the login exists",
            body=PortalLoginSchema, status=202, auth=False)
def request_password_reset():
    login = load_json(PortalLoginSchema)
    accounts("request_password_reset", login, request.remote_addr)
    return jsonify({}), 202


@blueprint.get("/password-resets/<token>")
@documented("Check a reset link; lists the security questions to answer, if any",
            response=ResetCheckSchema, auth=False)
def check_reset(token):
    return jsonify(ResetCheckSchema().dump(accounts("check_reset", token)))


@blueprint.post("/password-resets/<token>")
@documented("Set a new password with a reset link and sign in", body=PasswordResetSchema,
            response=PortalSessionSchema, status=201, auth=False)
def reset_password(token):
    reset = load_json(PasswordResetSchema)
    return session_created(accounts("reset_password", token, reset))


# --- the session ----------------------------------------------------------------------------

@blueprint.get("/me")
@client_required
@documented("The signed-in client, the account being viewed and every account they may switch to",
            response=PortalMeSchema)
def me():
    return jsonify(PortalMeSchema().dump(g.client_session))


@blueprint.put("/session/account")
@client_required
@documented("Switch to another linked account (a related property)", body=SwitchAccountSchema,
            response=PortalMeSchema)
def switch_account():
    choice = load_json(SwitchAccountSchema)
    return jsonify(PortalMeSchema().dump(accounts("switch_account", g.client_token, choice["account_id"])))


# --- the Account tab ------------------------------------------------------------------------

@blueprint.get("/account")
@client_required
@documented("The client's contact details, username, security questions and custom fields",
            response=MyAccountSchema)
def my_account():
    return jsonify(MyAccountSchema().dump(accounts("get_my_account")))


@blueprint.patch("/account")
@client_required
@documented("Change some contact details, the username or custom fields; invalid values change nothing",
            body=MyAccountChangesSchema, response=MyAccountSchema)
def update_my_account():
    accounts("update_my_account", load_json(MyAccountChangesSchema))
    return jsonify(MyAccountSchema().dump(accounts("get_my_account")))


@blueprint.post("/account/password")
@client_required
@documented("Change the password, given the current one", body=PasswordChangeSchema, status=204)
def change_password():
    accounts("change_my_password", load_json(PasswordChangeSchema))
    return "", 204


@blueprint.post("/account/email-change")
@client_required
@documented("Send a code to a new email address; the change takes effect once it is confirmed",
            body=EmailChangeSchema, status=202)
def request_email_change():
    accounts("request_email_change", load_json(EmailChangeSchema))
    return jsonify({}), 202


@blueprint.post("/account/email-change/confirm")
@client_required
@documented("Confirm the new email address with the code sent to it", body=EmailChangeConfirmSchema,
            response=ChangedEmailSchema)
def confirm_email_change():
    changed = accounts("confirm_email_change", load_json(EmailChangeConfirmSchema))
    return jsonify(ChangedEmailSchema().dump(changed))


@blueprint.put("/account/security-answers")
@client_required
@documented("Set the answers to 2 or 3 security questions (when the business uses them)",
            body=SecurityAnswersSchema, status=204)
def set_security_answers():
    accounts("set_security_answers", load_json(SecurityAnswersSchema))
    return "", 204
