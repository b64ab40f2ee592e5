"""Who may do what: every access decision of the notifications service, from the caller's verified passport."""
from shared.errors import PermissionDenied
from shared.i18n import _


def staff_member(ctx):
    """Return the calling staff member's id (None when staff act without one); refuse any other caller."""
    if ctx.claims.actor_kind != "staff":
        raise PermissionDenied(_("Only the business's staff can do this."))
    return ctx.claims.actor_id


def signed_in_staff_member(ctx):
    """Return the calling staff member's own id, for what belongs to one person (their alerts)."""
    staff_id = staff_member(ctx)
    if not isinstance(staff_id, int) or isinstance(staff_id, bool):
        raise PermissionDenied(_("Only a signed-in staff member has alerts."))
    return staff_id
