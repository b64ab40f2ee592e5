"""Who may do what: every access decision of the accounts service, from the caller's verified passport.

The claims say who calls; this service's own tables say what that person may still do (a link
removed since the passport was signed no longer counts).
"""
from accounts.models import PortalUser, StaffUser
from accounts.portal_users import linked_accounts
from accounts.schemas import RIGHTS
from shared.context import staff_tenant
from shared.errors import NotFound, PermissionDenied
from shared.i18n import _


def owner_tenant(ctx):
    """Return the caller's tenant id, refusing anyone but the business's owner."""
    tenant_id = staff_tenant(ctx)
    if ctx.claims.role != "owner":
        raise PermissionDenied(_("Only the business's owner can do this."))
    return tenant_id


def signed_in_client(session, ctx):
    """Return the calling portal user, the account they act for and their rights on it; refuse anyone else."""
    claims = ctx.claims
    user = session.get(PortalUser, claims.actor_id) if claims.actor_kind == "client" else None
    if user is None or user.tenant_id != ctx.tenant_id:
        raise PermissionDenied(_("Only a signed-in client can do this."))
    rights = {item["id"]: item["rights"] for item in linked_accounts(session, user)}
    if claims.account_id not in rights:
        raise NotFound(_("No such account."))
    return user, claims.account_id, rights[claims.account_id]


def require_manage_rights(rights):
    """Refuse a change to the account unless the caller's link lets them manage it (manage > pay > view)."""
    if RIGHTS.index(rights) < RIGHTS.index("manage"):
        raise PermissionDenied(_("You may view this account but not change it."))


def signed_in_staff(session, ctx):
    """Return the calling staff member's row; refuse anyone else."""
    tenant_id = staff_tenant(ctx)
    user = session.get(StaffUser, ctx.claims.actor_id)
    if user is None or user.tenant_id != tenant_id:
        raise PermissionDenied(_("Only a signed-in staff member can do this."))
    return user
