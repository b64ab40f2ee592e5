"""Who may do what: every access decision of the accounts service, over the call context.

The context is what the caller says about itself; once it carries verified signed claims,
this module is the one place that changes.
"""
from accounts.models import PortalUser
from accounts.portal_users import linked_accounts
from accounts.schemas import RIGHTS
from shared.errors import NotFound, PermissionDenied


def staff_tenant(ctx):
    """Return the caller's tenant id, refusing anyone but the tenant's staff."""
    if ctx.actor.get("kind") != "staff":
        raise PermissionDenied("Only staff can do this.")
    return ctx.tenant_id


def signed_in_client(session, ctx):
    """Return the calling portal user, the account they act for and their rights on it; refuse anyone else."""
    actor = ctx.actor
    user = session.get(PortalUser, actor.get("id")) if actor.get("kind") == "client" else None
    if user is None or user.tenant_id != ctx.tenant_id:
        raise PermissionDenied("Only a signed-in client can do this.")
    rights = {item["id"]: item["rights"] for item in linked_accounts(session, user)}
    if actor.get("account_id") not in rights:
        raise NotFound("No such account.")
    return user, actor["account_id"], rights[actor["account_id"]]


def require_manage_rights(rights):
    """Refuse a change to the account unless the caller's link lets them manage it (manage > pay > view)."""
    if RIGHTS.index(rights) < RIGHTS.index("manage"):
        raise PermissionDenied("You may view this account but not change it.")
