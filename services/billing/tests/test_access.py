"""Who may call billing: staff, a client on their own account with enough rights, settings that must be on."""
import pytest

from billing import access
from portico_testing.inprocess import client, staff, visitor
from shared.context import Context
from shared.errors import PermissionDenied, Unauthenticated
from shared.passport import Claims

TENANT = 3
STAFF = staff(TENANT, 7)


def as_client(rights="view", account_id=42):
    return client(TENANT, 1, account_id, rights)


def test_staff_get_their_tenant_and_nobody_else_does():
    assert access.staff_tenant(Context.of(STAFF)) == TENANT
    for caller in (as_client("manage"), visitor(TENANT)):
        with pytest.raises(PermissionDenied, match="Only staff"):
            access.staff_tenant(Context.of(caller))
    with pytest.raises(Unauthenticated):
        access.staff_tenant(Context({}))


@pytest.mark.parametrize(("rights", "needs", "allowed"), [
    ("view", "view", True), ("view", "pay", False), ("pay", "pay", True), ("pay", "manage", False),
    ("manage", "manage", True), ("manage", "view", True), ("owner", "view", False),
])
def test_a_client_acts_on_their_own_account_within_their_rights(rights, needs, allowed):
    if allowed:
        assert access.client_account(Context.of(as_client(rights)), needs) == (TENANT, 42)
    else:
        with pytest.raises(PermissionDenied, match="does not allow"):
            access.client_account(Context.of(as_client(rights)), needs)


def test_rights_on_another_linked_account_do_not_carry_over():
    caller = Claims(tenant_id=TENANT, actor_kind="client", actor_id=1, account_id=42, rights={43: "manage"})
    with pytest.raises(PermissionDenied, match="does not allow"):
        access.client_account(Context.of(caller))


@pytest.mark.parametrize("caller", [STAFF, visitor(TENANT), Claims(tenant_id=TENANT, actor_kind="client", actor_id=1)])
def test_only_a_signed_in_client_with_an_account_is_a_client(caller):
    with pytest.raises(PermissionDenied, match="signed-in client"):
        access.client_account(Context.of(caller))


def test_a_setting_that_is_off_refuses_the_call_with_its_message():
    settings = {"prepayments_enabled": False, "allow_card_changes": True, "allow_bank_account_changes": False}
    with pytest.raises(PermissionDenied, match="Not here"):
        access.require_setting(settings, "prepayments_enabled", "Not here.")
    assert access.require_method_changes(settings, "card") is settings
    with pytest.raises(PermissionDenied, match="contact us"):
        access.require_method_changes(settings, "ach")
