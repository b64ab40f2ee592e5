"""Staff API: clients' portal access: the list, invitations, password resets and links to more accounts."""
from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import portal_users
from gateway.schemas.staff.clients import (ClientIdsSchema, ClientResultsSchema, PortalLinkSchema,
                                           PortalUserListArgsSchema, PortalUserListSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("portal_users", __name__, tag="staff portal users")


@blueprint.get("/portal-users")
@staff_required
@blueprint.doc(summary="Every main account with its email and portal account")
@blueprint.query(PortalUserListArgsSchema)
@blueprint.answers(200, PortalUserListSchema)
def list_portal_users(args):
    return {"items": portal_users.list_portal_users(args["q"], args["without_portal"])}


@blueprint.post("/portal-users/invitations")
@staff_required
@blueprint.doc(summary="Invite clients to the portal, or resend their invitation (the earlier link stops "
                       "working); one result per client")
@blueprint.body(ClientIdsSchema)
@blueprint.answers(200, ClientResultsSchema)
def invite_clients(body):
    return {"results": portal_users.invite(body["client_ids"])}


@blueprint.post("/portal-users/password-resets")
@staff_required
@blueprint.doc(summary="Email clients a password reset link; one result per client")
@blueprint.body(ClientIdsSchema)
@blueprint.answers(200, ClientResultsSchema)
def send_password_resets(body):
    return {"results": portal_users.send_password_resets(body["client_ids"])}


@blueprint.post("/portal-users/links")
@staff_required
@blueprint.doc(summary="Give a portal user access to one more account, with view, pay or manage rights "
                       "(again for the same account: change the rights); 404 when either is not found")
@blueprint.body(PortalLinkSchema)
@blueprint.answers(201, PortalLinkSchema)
@blueprint.raises(NotFound)
def link_portal_user(link):
    return portal_users.link_portal_user(link["portal_user_id"], link["account_id"], link["rights"]), 201
