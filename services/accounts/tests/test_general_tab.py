"""The General tab: the profile and accounts' sign-in settings, changed together or not at all."""
import pytest

from accounts.brand import contrast
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
    ({"brand_colour": "#4caf50", "display_name": "Fine"}, {"brand_colour"}),
    ({"brand_colour": "green"}, {"brand_colour"}),
    ({"welcome_message": "x" * 301}, {"welcome_message"}),
], ids=["bad profile", "bad setting", "usernames without passwords", "questions without passwords",
        "no sign-in method", "a number for a switch", "a brand colour too light to read", "a colour by name",
        "a welcome too long"])
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


def test_a_brand_colour_white_text_can_be_read_on_is_kept_and_reaches_the_portal(accounts, tenant, staff):
    changed = staff.update_settings("general", {"brand_colour": "#1B5E20", "welcome_message": "  Welcome back!  "})

    assert (changed["brand_colour"], changed["welcome_message"]) == ("#1b5e20", "Welcome back!")
    config = accounts.anonymous(tenant).get_portal_config()
    assert (config["brand_colour"], config["welcome_message"]) == ("#1b5e20", "Welcome back!")
    assert staff.update_settings("general", {"brand_colour": None})["brand_colour"] is None  # the portal's own


def test_the_refusal_says_how_far_the_colour_is_from_readable(staff):
    with pytest.raises(InvalidInput) as error:
        staff.update_settings("general", {"brand_colour": "#4caf50"})
    assert "2.8:1" in error.value.fields["brand_colour"][0] and "4.5:1" in error.value.fields["brand_colour"][0]


@pytest.mark.parametrize("colour, ratio", [("#ffffff", 1.0), ("#000000", 21.0), ("#0172ad", 5.23), ("#767676", 4.54)])
def test_contrast_is_wcags(colour, ratio):
    assert round(contrast(colour, "#ffffff"), 2) == ratio
