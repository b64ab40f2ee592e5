"""Who may do what: every access decision of the notifications service, over the call context.

The context is what the caller says about itself; once it carries verified signed claims,
this module is the one place that changes.
"""
from shared.errors import PermissionDenied


def staff_member(ctx):
    """Return the calling staff member's id (None when staff act without one); refuse any other caller."""
    actor = ctx.actor
    if actor.get("kind") != "staff":
        raise PermissionDenied("Only the business's staff can do this.")
    return actor.get("id")


def signed_in_staff_member(ctx):
    """Return the calling staff member's own id, for what belongs to one person (their alerts)."""
    staff_id = staff_member(ctx)
    if not isinstance(staff_id, int) or isinstance(staff_id, bool):
        raise PermissionDenied("Only a signed-in staff member has alerts.")
    return staff_id
