"""Staff API: clients' portal access: the list, invitations, password resets and links to more accounts."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import portal_users
from gateway.schemas.staff.clients import (ClientIdsSchema, ClientResultsSchema, PortalLinkSchema,
                                           PortalUserListArgsSchema, PortalUserListSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("portal_users", __name__, tag="staff portal users", caller=STAFF)


@blueprint.get("/portal-users")
@blueprint.operation("Every main account with its email and portal account", query=PortalUserListArgsSchema,
                     response=PortalUserListSchema)
def list_portal_users(args):
    return {"items": portal_users.list_portal_users(args["q"], args["without_portal"])}


@blueprint.post("/portal-users/invitations")
@blueprint.operation("Invite clients to the portal, or resend their invitation (the earlier link stops working); "
                     "one result per client", body=ClientIdsSchema, response=ClientResultsSchema)
def invite_clients(body):
    return {"results": portal_users.invite(body["client_ids"])}


@blueprint.post("/portal-users/password-resets")
@blueprint.operation("Email clients a password reset link; one result per client", body=ClientIdsSchema,
                     response=ClientResultsSchema)
def send_password_resets(body):
    return {"results": portal_users.send_password_resets(body["client_ids"])}


@blueprint.post("/portal-users/links")
@blueprint.operation("Give a portal user access to one more account, with view, pay or manage rights (again for the "
                     "same account: change the rights); 404 when either is not found", body=PortalLinkSchema,
                     status=201, response=PortalLinkSchema, raises=[NotFound])
def link_portal_user(link):
    return portal_users.link_portal_user(link["portal_user_id"], link["account_id"], link["rights"]), 201
