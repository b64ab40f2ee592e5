"""The General tab: the profile and accounts' sign-in settings, changed together or not at all."""
import pytest

from shared.errors import InvalidInput, NotFound


def test_the_tab_holds_the_profile_and_the_settings(staff):
    tab = staff.get_settings("general")
    assert (tab["display_name"], tab["has_logo"], tab["enable_logins"], tab["min_password_length"]) == (
        "Acme", False, True, 12)
    described = staff.describe_settings()["general"]["properties"]
    assert {"display_name", "twitter_handle", "enable_logins", "custom_fields_visible"} <= set(described)


def test_a_profile_change_is_stored_and_announced(accounts, tenant, staff):
    changed = staff.update_settings("general", {"display_name": "Acme Lawns", "twitter_handle": "@acme",
                                                "min_password_length": 16})
    assert (changed["display_name"], changed["twitter_handle"], changed["min_password_length"]) == (
        "Acme Lawns", "acme", 16)
    assert accounts.published("tenant_profile_updated")[-1]["display_name"] == "Acme Lawns"
    config = accounts.anonymous(tenant).get_portal_config()
    assert (config["display_name"], config["min_password_length"]) == ("Acme Lawns", 16)


@pytest.mark.parametrize("changes, fields", [
    ({"display_name": "", "enable_logins": False}, {"display_name"}),
    ({"display_name": "Fine", "min_password_length": 8}, {"min_password_length"}),
    ({"login_methods": ["one_time_code"], "use_usernames": True}, {"use_usernames"}),
    ({"login_methods": ["one_time_code"], "security_questions_enabled": True}, {"security_questions_enabled"}),
    ({"login_methods": []}, {"login_methods"}),
    ({"enable_logins": 0}, {"enable_logins"}),
], ids=["bad profile", "bad setting", "usernames without passwords", "questions without passwords",
        "no sign-in method", "a number for a switch"])
def test_invalid_changes_are_refused_and_change_nothing(accounts, staff, changes, fields):
    before = staff.get_settings("general")
    announced = len(accounts.published("tenant_profile_updated"))
    with pytest.raises(InvalidInput) as error:
        staff.update_settings("general", changes)
    assert set(error.value.fields) == fields
    assert staff.get_settings("general") == before
    assert len(accounts.published("tenant_profile_updated")) == announced


def test_an_unknown_tab_is_not_found(staff):
    with pytest.raises(NotFound):
        staff.update_settings("billing", {})
