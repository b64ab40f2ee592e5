"""RPC across services, the tenant guard and settings isolation, through the real broker."""
import pytest

from portico_testing import Passports
from portico_testing.inprocess import staff
from shared.errors import InvalidInput, PermissionDenied, Unauthenticated


def test_every_service_answers_ping_with_version_and_database(system):
    for name in system.services:
        answer = system.rpc.call(name, "ping")
        assert answer == {"service": name, "version": "0.1.0", "database": True}


def test_a_tenant_scoped_call_without_a_passport_or_with_a_forged_one_is_refused(system, tenant):
    tenant, _ = tenant
    forged = Passports().context(staff(tenant["id"], tenant["owner"]["id"], "owner"))  # another key
    plain = {"tenant_id": tenant["id"], "actor": {"kind": "staff", "id": tenant["owner"]["id"]}}
    for service, tab in (("accounts", "general"), ("billing", "billing"),
                         ("tickets", "tickets"), ("notifications", "alerts")):
        for context in (None, plain, forged):
            with pytest.raises(Unauthenticated):
                system.rpc.call(service, "get_settings", tab, context=context)
            with pytest.raises(Unauthenticated):
                system.rpc.call(service, "update_settings", tab, {}, context=context)
        with pytest.raises(PermissionDenied):
            system.rpc.call(service, "update_settings", tab, {}, context=system.visitor_context(tenant))


def test_invalid_settings_give_field_errors_and_change_nothing(system, tenant):
    tenant, _ = tenant
    context = system.context(tenant)
    before = system.rpc.call("billing", "get_settings", "billing", context=context)
    with pytest.raises(InvalidInput) as error:
        system.rpc.call("billing", "update_settings", "billing",
                        {"card_max_payment": 12.5, "over_limit_action": "shout", "bogus": True},
                        context=context)
    assert set(error.value.fields) == {"card_max_payment", "over_limit_action", "bogus"}
    assert system.rpc.call("billing", "get_settings", "billing", context=context) == before
