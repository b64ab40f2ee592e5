"""Who may call billing: staff, a client on their own account with enough rights, settings that must be on."""
import pytest

from billing import access
from shared.context import Context
from shared.errors import PermissionDenied

TENANT = 3
STAFF = {"kind": "staff", "id": 7}


def client(rights="view", account_id=42):
    return {"kind": "client", "id": 1, "account_id": account_id, "rights": rights}


def context(actor):
    return Context({"tenant_id": TENANT, "actor": actor})


def test_staff_get_their_tenant_and_nobody_else_does():
    assert access.staff_tenant(context(STAFF)) == TENANT
    for actor in (client("manage"), {"kind": "system", "id": None}, None):
        with pytest.raises(PermissionDenied, match="Only staff"):
            access.staff_tenant(context(actor))


@pytest.mark.parametrize(("rights", "needs", "allowed"), [
    ("view", "view", True), ("view", "pay", False), ("pay", "pay", True), ("pay", "manage", False),
    ("manage", "manage", True), ("manage", "view", True), ("owner", "view", False),
])
def test_a_client_acts_on_their_own_account_within_their_rights(rights, needs, allowed):
    if allowed:
        assert access.client_account(context(client(rights)), needs) == (TENANT, 42)
    else:
        with pytest.raises(PermissionDenied, match="does not allow"):
            access.client_account(context(client(rights)), needs)


@pytest.mark.parametrize("actor", [STAFF, None, client(account_id="42"), {"kind": "client", "rights": "manage"}])
def test_only_a_signed_in_client_with_an_account_is_a_client(actor):
    with pytest.raises(PermissionDenied, match="signed-in client"):
        access.client_account(context(actor))


def test_a_setting_that_is_off_refuses_the_call_with_its_message():
    settings = {"prepayments_enabled": False, "allow_card_changes": True, "allow_bank_account_changes": False}
    with pytest.raises(PermissionDenied, match="Not here"):
        access.require_setting(settings, "prepayments_enabled", "Not here.")
    assert access.require_method_changes(settings, "card") is settings
    with pytest.raises(PermissionDenied, match="contact us"):
        access.require_method_changes(settings, "ach")
