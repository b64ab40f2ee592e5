"""Ticket categories: the three every business starts with, staff's own, and which ones clients may choose."""
import pytest

from shared.errors import InvalidInput, NotFound, PermissionDenied


def names(rows):
    return [row["name"] for row in rows]


def test_general_reschedule_cancel_and_service_request_exist_from_the_first_read_and_only_once(business):
    assert names(business.staff().ticket_categories()) == ["General", "Reschedule", "Cancel", "Service request"]
    assert names(business.staff().ticket_categories()) == ["General", "Reschedule", "Cancel", "Service request"]
    offered = business.client().my_ticket_options()["categories"]
    assert names(offered) == ["General"]  # the setting's default offers General only


def test_a_name_the_setting_lists_becomes_a_category(business):
    business.settings(ticket_categories=["General", "Lawn"])
    assert names(business.staff().ticket_categories()) == ["General", "Reschedule", "Cancel", "Service request", "Lawn"]
    assert names(business.client().my_ticket_options()["categories"]) == ["General", "Lawn"]


def test_staff_add_rename_order_and_hide_categories(business):
    staff = business.staff()
    pool = staff.create_ticket_category({"name": "Pool"})
    assert pool["offered_to_clients"] is False
    business.settings(ticket_categories=["General", "Pool"])
    staff.update_ticket_category(pool["id"], {"position": 0})
    assert names(business.client().my_ticket_options()["categories"]) == ["Pool", "General"]
    renamed = staff.update_ticket_category(pool["id"], {"name": "Pool care"})
    assert renamed["offered_to_clients"] is True  # the rename carried over to the setting
    assert business.staff().get_settings("tickets")["ticket_categories"] == ["General", "Pool care"]
    staff.update_ticket_category(pool["id"], {"hidden": True})
    assert names(business.client().my_ticket_options()["categories"]) == ["General"]
    assert "Pool care" in names(staff.ticket_categories())  # kept for the tickets filed under it


@pytest.mark.parametrize("request_, field", [
    ({"name": "General"}, "name"), ({"name": " Lawn"}, "name"), ({"name": ""}, "name"),
    ({"name": "Lawn", "hidden": "yes"}, "hidden"), ({"name": "Lawn", "colour": "red"}, "colour"),
])
def test_a_bad_category_is_refused(business, request_, field):
    with pytest.raises(InvalidInput) as error:
        business.staff().create_ticket_category(request_)
    assert field in error.value.fields
    assert len(business.staff().ticket_categories()) == 4


def test_a_rename_to_a_name_taken_is_refused(business):
    with pytest.raises(InvalidInput):
        business.staff().update_ticket_category(business.category("Cancel"), {"name": "General"})


def test_another_business_category_is_not_found(business, other_business):
    theirs = other_business.category("General")
    with pytest.raises(NotFound):
        business.staff().update_ticket_category(theirs, {"name": "Mine"})
    with pytest.raises(InvalidInput):
        business.open(category_id=theirs)


def test_clients_cannot_manage_categories(business):
    with pytest.raises(PermissionDenied):
        business.client().create_ticket_category({"name": "Mine"})
    with pytest.raises(PermissionDenied):
        business.client().ticket_categories()


def test_a_rename_carried_into_the_setting_is_announced_as_a_settings_change(business):
    """Every instance keeps the settings it read until settings_updated (shared.kept_settings)."""
    staff = business.staff()
    pool = staff.create_ticket_category({"name": "Pool"})
    business.settings(ticket_categories=["General", "Pool"])
    assert [data for _, data in business.events("settings_updated")] == [{"tab": "tickets"}]
    staff.update_ticket_category(pool["id"], {"name": "Pool care"})
    assert [data for _, data in business.events("settings_updated")] == [{"tab": "tickets"}] * 2
