"""Client portal API: the business's portal details, signing in (password, one-time code, invitation, reset),
signing out and the session."""
from flask import g

from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import business, sign_in
from gateway.schemas.portal.sign_in import (InvitationAcceptSchema, InvitationSchema, LoginCodeAttemptSchema,
                                            LoginCodeVerifySchema, PasswordResetSchema, PortalConfigSchema,
                                            PortalLoginSchema, PortalMeSchema, PortalSessionSchema,
                                            PortalSignInSchema, ResetCheckSchema, SwitchAccountSchema)
from shared.errors import PermissionDenied, RateLimited, Unauthenticated

blueprint = ApiBlueprint("sign_in", __name__, tag="portal sign-in")
# Signing in is refused when the business turned that way (or the portal) off, and throttled per address.
SIGN_IN_ERRORS = (Unauthenticated, PermissionDenied, RateLimited)


@blueprint.get("")
@blueprint.doc(summary="The business's public portal details and how its clients sign in")
@blueprint.response(200, PortalConfigSchema)
def portal_config():
    return business.portal_config()


@blueprint.post("/sessions")
@blueprint.doc(summary="Sign in with email (or username) and password; returns a bearer token")
@blueprint.body(PortalSignInSchema)
@blueprint.response(201, PortalSessionSchema)
@blueprint.raises(*SIGN_IN_ERRORS)
def create_session(credentials):
    return sign_in.sign_in_client(credentials)


@blueprint.delete("/sessions/current")
@client_required
@blueprint.doc(summary="Sign out: the token stops working everywhere it is used")
@blueprint.answers(204)
def delete_session():
    sign_in.sign_out_client(g.client_token)
    return "", 204


@blueprint.post("/login-codes")
@blueprint.doc(summary="Send a 6-digit sign-in code (by text when a phone is on file, else email); "
                       "answers the same whether or not the login exists")
@blueprint.body(PortalLoginSchema)
@blueprint.response(202, LoginCodeAttemptSchema)
@blueprint.raises(PermissionDenied, RateLimited)
def request_login_code(login):
    return sign_in.request_login_code(login)


@blueprint.post("/login-codes/verify")
@blueprint.doc(summary="Sign in with the code sent for this attempt")
@blueprint.body(LoginCodeVerifySchema)
@blueprint.response(201, PortalSessionSchema)
@blueprint.raises(*SIGN_IN_ERRORS)
def verify_login_code(answer):
    return sign_in.verify_login_code(answer["attempt"], answer["code"])


@blueprint.get("/invitations/<token>")
@blueprint.doc(summary="Check an invitation link: whom it is for and what the password needs")
@blueprint.response(200, InvitationSchema)
def check_invitation(token):
    return sign_in.check_invitation(token)


@blueprint.post("/invitations/<token>")
@blueprint.doc(summary="Accept an invitation: set a password (and username) and sign in")
@blueprint.body(InvitationAcceptSchema)
@blueprint.response(201, PortalSessionSchema)
@blueprint.raises(*SIGN_IN_ERRORS)
def accept_invitation(registration, token):
    return sign_in.accept_invitation(token, registration)


@blueprint.post("/password-resets")
@blueprint.doc(summary="Email a password reset link; answers the same whether or not the login exists")
@blueprint.body(PortalLoginSchema)
@blueprint.answers(202, {"type": "object"})
@blueprint.raises(PermissionDenied, RateLimited)
def request_password_reset(login):
    sign_in.request_password_reset(login)
    return {}, 202


@blueprint.get("/password-resets/<token>")
@blueprint.doc(summary="Check a reset link; lists the security questions to answer, if any")
@blueprint.response(200, ResetCheckSchema)
def check_reset(token):
    return sign_in.check_reset(token)


@blueprint.post("/password-resets/<token>")
@blueprint.doc(summary="Set a new password with a reset link and sign in")
@blueprint.body(PasswordResetSchema)
@blueprint.response(201, PortalSessionSchema)
@blueprint.raises(*SIGN_IN_ERRORS)
def reset_password(reset, token):
    return sign_in.reset_password(token, reset)


@blueprint.get("/me")
@client_required
@blueprint.doc(summary="The signed-in client, the account being viewed and every account they may switch to")
@blueprint.response(200, PortalMeSchema)
def me():
    return g.client_session


@blueprint.put("/session/account")
@client_required
@blueprint.doc(summary="Switch to another linked account (a related property)")
@blueprint.body(SwitchAccountSchema)
@blueprint.response(200, PortalMeSchema)
def switch_account(choice):
    return sign_in.switch_account(g.client_token, choice["account_id"])
