"""Staff API: signing in and out, and the signed-in staff member."""
from flask import g

from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import sign_in
from gateway.schemas.staff.sessions import StaffSessionSchema, StaffSignInSchema, StaffUserSchema
from shared.errors import RateLimited, Unauthenticated

blueprint = ApiBlueprint("sessions", __name__, tag="staff sessions")


@blueprint.post("/sessions")
@blueprint.doc(summary="Sign in with email and password; returns a bearer token")
@blueprint.body(StaffSignInSchema)
@blueprint.response(201, StaffSessionSchema)
@blueprint.raises(Unauthenticated, RateLimited)
def create_session(credentials):
    return sign_in.sign_in_staff(credentials)


@blueprint.delete("/sessions/current")
@staff_required
@blueprint.doc(summary="Sign out: the token (and any cookie using it) stops working")
@blueprint.answers(204)
def delete_session():
    sign_in.sign_out_staff(g.session_token)
    return "", 204


@blueprint.get("/me")
@staff_required
@blueprint.doc(summary="The signed-in staff member and their business")
@blueprint.answers(200, StaffSessionSchema)
def me():
    return {"user": StaffUserSchema().dump(g.staff), "tenant": g.tenant}
