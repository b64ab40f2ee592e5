"""Who may do what in billing: staff only, a client on their own account with enough rights, a setting that is on.

Every access decision of the service is taken here, over the call context (its ``tenant_id``
and ``actor``), so that trusting another proof of the caller changes this module alone.
"""
from shared.errors import PermissionDenied

RIGHTS = ("view", "pay", "manage")
METHOD_CHANGE_SETTINGS = {"card": "allow_card_changes", "ach": "allow_bank_account_changes"}


def staff_tenant(context):
    """Return the tenant of a staff caller; refuse anyone else."""
    if context.actor.get("kind") != "staff":
        raise PermissionDenied("Only staff can do this.")
    return context.tenant_id


def client_account(context, needs="view"):
    """Return ``(tenant_id, account_id)`` of a client whose link gives at least the ``needs`` right."""
    actor = context.actor
    if actor.get("kind") != "client" or not isinstance(actor.get("account_id"), int):
        raise PermissionDenied("Only a signed-in client can do this.")
    rights = actor.get("rights", "view")
    if rights not in RIGHTS or RIGHTS.index(rights) < RIGHTS.index(needs):
        raise PermissionDenied("Your access to this account does not allow this.")
    return context.tenant_id, actor["account_id"]


def require_setting(settings, setting, message):
    """Return ``settings`` when the tenant turned ``setting`` on; refuse the call with ``message`` otherwise."""
    if not settings[setting]:
        raise PermissionDenied(message)
    return settings


def require_method_changes(settings, method_kind):
    """Refuse changing a card or bank account on file when the tenant keeps that kind for staff."""
    return require_setting(settings, METHOD_CHANGE_SETTINGS[method_kind],
                           "Changing this payment method here is not allowed; please contact us.")
