"""Accounts' audit facts: sign-ins and failed sign-ins of known users, activation, the Account tab's changes with
before and after, password and email changes, and staff actions on an account; never a password or code."""
import json

import pytest

from shared.errors import Unauthenticated

PASSWORD = "a fine long passphrase"


def facts(accounts):
    return accounts.published("audit_fact")


def actions(accounts):
    return [fact["action"] for fact in facts(accounts)]


def test_inviting_and_activating_are_facts_of_staff_and_client(accounts, staff, signed_in):
    found = facts(accounts)
    assert [fact["action"] for fact in found] == ["account_created", "portal_user_invited",
                                                 "portal_account_activated"]
    assert found[0]["actor"] == {"kind": "staff", "id": 1}
    activated = found[-1]
    assert activated["actor"] == {"kind": "client", "id": signed_in["portal_user"]["id"]}
    assert activated["account_id"] == signed_in["account"]["id"]
    assert activated["link"] == f"/staff/clients/{signed_in['account']['id']}"


def test_sign_ins_and_failed_ones_of_a_known_user_are_facts_an_unknown_login_is_not(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    portal.sign_in_client({"login": "ann@example.com", "password": PASSWORD})
    for login in ("ann@example.com", "nobody@example.com"):
        with pytest.raises(Unauthenticated) as refused:
            portal.sign_in_client({"login": login, "password": "not the password at all"})
        assert "ann" not in refused.value.message.lower()
    assert actions(accounts)[-2:] == ["signed_in", "sign_in_failed"]
    assert facts(accounts)[-1]["summary"] == "Failed to sign in with a wrong password"


def test_a_code_sign_in_and_a_wrong_code_are_facts(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    attempt = portal.request_login_code({"login": "ann@example.com"})["attempt"]
    code = accounts.published("login_code_issued")[-1]["code"]
    with pytest.raises(Unauthenticated):
        portal.verify_login_code(attempt, f"{(int(code) + 1) % 10 ** 6:06d}")
    portal.verify_login_code(attempt, code)
    assert actions(accounts)[-2:] == ["sign_in_failed", "signed_in"]
    assert facts(accounts)[-1]["summary"] == "Signed in with a one-time code"


def test_the_account_tab_records_each_change_with_before_and_after(accounts, tenant, staff, signed_in):
    staff.create_custom_field({"key": "gate_code", "label": "Gate code", "type": "text"})
    staff.update_settings("general", {"custom_fields_visible": ["gate_code"]})
    client = accounts.client(tenant, signed_in)
    client.update_my_account({"phone": "+1 555 010 0142", "custom_fields": {"gate_code": "4512"}})
    client.update_my_account({"phone": "+1 555 010 0142"})  # nothing changed: no fact
    [fact] = [fact for fact in facts(accounts) if fact["action"] == "account_details_updated"]
    assert fact["changes"] == {"phone": [None, "+1 555 010 0142"], "Gate code": [None, "4512"]}
    assert fact["summary"] == "Changed their phone and Gate code"


def test_password_and_email_changes_are_facts_without_the_secrets(accounts, tenant, signed_in):
    client = accounts.client(tenant, signed_in)
    client.change_my_password({"current_password": PASSWORD, "new_password": "another long passphrase"})
    client.request_email_change({"new_email": "ann.new@example.com"})
    code = accounts.published("email_change_code_issued")[-1]["code"]
    client.confirm_email_change({"code": code})
    assert actions(accounts)[-2:] == ["password_changed", "email_changed"]
    assert facts(accounts)[-1]["changes"] == {"email": ["ann@example.com", "ann.new@example.com"]}
    text = json.dumps(facts(accounts))
    assert PASSWORD not in text and "another long passphrase" not in text and code not in text


def test_staff_edits_resets_and_links_are_staff_facts(accounts, staff, invited, signed_in):
    client, _ = invited
    staff.update_client(client["id"], {"phone": "555-0100"})
    staff.send_password_resets([client["id"]])
    found = facts(accounts)[-2:]
    assert [fact["action"] for fact in found] == ["account_edited_by_staff", "password_reset_sent"]
    assert found[0]["changes"] == {"phone": [None, "555-0100"]}
    assert all(fact["actor"] == {"kind": "staff", "id": 1} for fact in found)
