"""Who may do what in billing: staff only, a client on their own account with enough rights, a setting that is on.

Every access decision of the service is taken here, from the caller's verified passport: its
business, whether it is staff, and a client's rights on the account it acts for (the checks every
service shares are in shared/context.py).
"""
from shared.context import client_account, require_setting, staff_tenant
from shared.i18n import _

__all__ = ["staff_tenant", "client_account", "require_setting", "require_method_changes"]

METHOD_CHANGE_SETTINGS = {"card": "allow_card_changes", "ach": "allow_bank_account_changes"}


def require_method_changes(settings, method_kind):
    """Refuse changing a card or bank account on file when the tenant keeps that kind for staff."""
    return require_setting(settings, METHOD_CHANGE_SETTINGS[method_kind],
                           _("Changing this payment method here is not allowed; please contact us."))
