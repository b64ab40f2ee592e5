"""Staff API: signing in (with the two-step code) and out, the signed-in staff member and their password."""
from flask import g

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import sign_in, staff_account
from gateway.schemas.staff.sessions import (SecondStepSchema, StaffPasswordChangeSchema, StaffResetRequestSchema,
                                            StaffSessionSchema, StaffSignInSchema, StaffUserSchema,
                                            TwoStepStatusSchema)
from shared.errors import InvalidInput, RateLimited, Unauthenticated

blueprint = ApiBlueprint("sessions", __name__, tag="staff sessions", caller=STAFF)


@blueprint.post("/sessions")
@blueprint.operation("Sign in with email and password; returns a bearer token", body=StaffSignInSchema,
                     status=201, response=StaffSessionSchema, dump=True, raises=(Unauthenticated, RateLimited),
                     public=True)
def create_session(credentials):
    return sign_in.sign_in_staff(credentials)


@blueprint.post("/sessions/second-step")
@blueprint.operation("Complete a two-step sign-in with the pending token and a code; returns the bearer token",
                     body=SecondStepSchema, status=201, response=StaffSessionSchema, dump=True,
                     raises=(Unauthenticated, RateLimited), public=True)
def second_step(attempt):
    return staff_account.verify_code(attempt["token"], attempt["code"])


@blueprint.post("/password-resets")
@blueprint.operation("Email a password reset link to a staff member; the same answer whether or not one has "
                     "that address", body=StaffResetRequestSchema, status=202, response={"type": "object"},
                     raises=(RateLimited,), public=True)
def request_password_reset(request_body):
    staff_account.request_reset(request_body["email"])
    return {}, 202


@blueprint.post("/me/password")
@blueprint.operation("Change the password, given the current one; every other session of this staff member ends",
                     body=StaffPasswordChangeSchema, status=204, raises=(InvalidInput, RateLimited))
def change_password(change):
    staff_account.change_password(change)
    return "", 204


@blueprint.get("/me/two-step")
@blueprint.operation("Whether two-step sign-in is on (set it up from the staff pages' My account)",
                     response=TwoStepStatusSchema, dump=True)
def two_step_status():
    return staff_account.security()


@blueprint.delete("/sessions/current")
@blueprint.operation("Sign out: the token (and any cookie using it) stops working", status=204)
def delete_session():
    sign_in.sign_out_staff(g.session_token)
    return "", 204


@blueprint.get("/me")
@blueprint.operation("The signed-in staff member and their business", response=StaffSessionSchema)
def me():
    return {"user": StaffUserSchema().dump(g.staff), "tenant": g.tenant}
