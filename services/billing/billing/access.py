"""Who may do what in billing: staff only, a client on their own account with enough rights, a setting that is on.

Every access decision of the service is taken here, from the caller's verified passport: its
business, whether it is staff, and a client's rights on the account it acts for.
"""
from shared.context import staff_tenant
from shared.errors import PermissionDenied

__all__ = ["staff_tenant", "client_account", "require_setting", "require_method_changes"]

RIGHTS = ("view", "pay", "manage")
METHOD_CHANGE_SETTINGS = {"card": "allow_card_changes", "ach": "allow_bank_account_changes"}


def client_account(context, needs="view"):
    """Return ``(tenant_id, account_id)`` of a client whose link gives at least the ``needs`` right."""
    claims = context.claims
    if claims.actor_kind != "client" or claims.account_id is None:
        raise PermissionDenied("Only a signed-in client can do this.")
    rights = claims.rights.get(claims.account_id)
    if rights not in RIGHTS or RIGHTS.index(rights) < RIGHTS.index(needs):
        raise PermissionDenied("Your access to this account does not allow this.")
    return context.tenant_id, claims.account_id


def require_setting(settings, setting, message):
    """Return ``settings`` when the tenant turned ``setting`` on; refuse the call with ``message`` otherwise."""
    if not settings[setting]:
        raise PermissionDenied(message)
    return settings


def require_method_changes(settings, method_kind):
    """Refuse changing a card or bank account on file when the tenant keeps that kind for staff."""
    return require_setting(settings, METHOD_CHANGE_SETTINGS[method_kind],
                           "Changing this payment method here is not allowed; please contact us.")
