"""Staff API: signing in and out, and the signed-in staff member."""
from flask import g

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import sign_in
from gateway.schemas.staff.sessions import StaffSessionSchema, StaffSignInSchema, StaffUserSchema
from shared.errors import RateLimited, Unauthenticated

blueprint = ApiBlueprint("sessions", __name__, tag="staff sessions", caller=STAFF)


@blueprint.post("/sessions")
@blueprint.operation("Sign in with email and password; returns a bearer token", body=StaffSignInSchema,
                     status=201, response=StaffSessionSchema, dump=True, raises=(Unauthenticated, RateLimited),
                     public=True)
def create_session(credentials):
    return sign_in.sign_in_staff(credentials)


@blueprint.delete("/sessions/current")
@blueprint.operation("Sign out: the token (and any cookie using it) stops working", status=204)
def delete_session():
    sign_in.sign_out_staff(g.session_token)
    return "", 204


@blueprint.get("/me")
@blueprint.operation("The signed-in staff member and their business", response=StaffSessionSchema)
def me():
    return {"user": StaffUserSchema().dump(g.staff), "tenant": g.tenant}
