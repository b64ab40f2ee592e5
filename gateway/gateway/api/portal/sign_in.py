"""Client portal API: the business's portal details, signing in (password, one-time code, invitation, reset),
signing out and the session."""
from flask import g

from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import business, sign_in
from gateway.schemas.portal.sign_in import (InvitationAcceptSchema, InvitationSchema, LoginCodeAttemptSchema,
                                            LoginCodeVerifySchema, PasswordResetSchema, PortalConfigSchema,
                                            PortalLoginSchema, PortalMeSchema, PortalSessionSchema,
                                            PortalSignInSchema, ResetCheckSchema, SwitchAccountSchema)
from shared.errors import PermissionDenied, RateLimited, Unauthenticated

blueprint = ApiBlueprint("sign_in", __name__, tag="portal sign-in", caller=CLIENT)
# The business may turn a way of signing in (or the portal) off; asking too often is throttled per login and
# address; a wrong password or code is refused.
REFUSALS = (PermissionDenied, RateLimited)
SIGN_IN_ERRORS = (Unauthenticated, *REFUSALS)


@blueprint.get("")
@blueprint.operation("The business's public portal details and how its clients sign in", response=PortalConfigSchema,
                     dump=True, public=True)
def portal_config():
    return business.portal_config()


@blueprint.post("/sessions")
@blueprint.operation("Sign in with email (or username) and password; returns a bearer token",
                     body=PortalSignInSchema, status=201, response=PortalSessionSchema, dump=True,
                     raises=SIGN_IN_ERRORS, public=True)
def create_session(credentials):
    return sign_in.sign_in_client(credentials)


@blueprint.delete("/sessions/current")
@blueprint.operation("Sign out: the token stops working everywhere it is used", status=204)
def delete_session():
    sign_in.sign_out_client(g.client_token)
    return "", 204


@blueprint.post("/login-codes")
@blueprint.operation("Send a 6-digit sign-in code (by text when a phone is on file, else email); answers the same "
                     "whether or not the login exists", body=PortalLoginSchema, status=202,
                     response=LoginCodeAttemptSchema, dump=True, raises=REFUSALS, public=True)
def request_login_code(login):
    return sign_in.request_login_code(login)


@blueprint.post("/login-codes/verify")
@blueprint.operation("Sign in with the code sent for this attempt", body=LoginCodeVerifySchema, status=201,
                     response=PortalSessionSchema, dump=True, raises=SIGN_IN_ERRORS, public=True)
def verify_login_code(answer):
    return sign_in.verify_login_code(answer["attempt"], answer["code"])


@blueprint.get("/invitations/<token>")
@blueprint.operation("Check an invitation link: whom it is for and what the password needs",
                     response=InvitationSchema, dump=True, public=True)
def check_invitation(token):
    return sign_in.check_invitation(token)


@blueprint.post("/invitations/<token>")
@blueprint.operation("Accept an invitation: set a password (and username) and sign in", body=InvitationAcceptSchema,
                     status=201, response=PortalSessionSchema, dump=True, raises=[PermissionDenied], public=True)
def accept_invitation(registration, token):
    return sign_in.accept_invitation(token, registration)


@blueprint.post("/password-resets")
@blueprint.operation("Email a password reset link; answers the same whether or not the login exists",
                     body=PortalLoginSchema, status=202, response={"type": "object"}, raises=REFUSALS, public=True)
def request_password_reset(login):
    sign_in.request_password_reset(login)
    return {}, 202


@blueprint.get("/password-resets/<token>")
@blueprint.operation("Check a reset link; lists the security questions to answer, if any", response=ResetCheckSchema,
                     dump=True, public=True)
def check_reset(token):
    return sign_in.check_reset(token)


@blueprint.post("/password-resets/<token>")
@blueprint.operation("Set a new password with a reset link (and the answers to its security questions) and sign in",
                     body=PasswordResetSchema, status=201, response=PortalSessionSchema, dump=True,
                     raises=[RateLimited], public=True)
def reset_password(reset, token):
    return sign_in.reset_password(token, reset)


@blueprint.get("/me")
@blueprint.operation("The signed-in client, the account being viewed and every account they may switch to",
                     response=PortalMeSchema, dump=True)
def me():
    return g.client_session


@blueprint.put("/session/account")
@blueprint.operation("Switch to another linked account (a related property)", body=SwitchAccountSchema,
                     response=PortalMeSchema, dump=True)
def switch_account(choice):
    return sign_in.switch_account(g.client_token, choice["account_id"])
