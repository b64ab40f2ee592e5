"""The Tickets tab: its defaults, and changes refused when they would leave the portal inconsistent."""
import pytest

from shared.errors import InvalidInput, NotFound

DEFAULTS = {"tickets_enabled": True, "show_open_tickets": True, "show_closed_tickets": True,
            "ticket_categories": ["General"], "ticket_assignee_id": None, "reschedule_category": "Reschedule",
            "cancel_category": "Cancel", "service_request_category": "Service request",
            "allow_new_chat_threads": True, "documents_enabled": True,
            "allow_client_uploads": True, "done_uploading_button": False, "done_uploading_checkbox": False}


def test_a_tenant_starts_with_the_defaults(staff):
    assert staff.get_settings("tickets") == DEFAULTS
    assert set(staff.describe_settings()["tickets"]["properties"]) == set(DEFAULTS)


def test_changes_are_merged_into_what_is_stored(staff):
    staff.update_settings("tickets", {"ticket_categories": ["Lawn", "Pool"], "ticket_assignee_id": 4})
    changed = staff.update_settings("tickets", {"done_uploading_button": True})
    assert changed == {**DEFAULTS, "ticket_categories": ["Lawn", "Pool"], "ticket_assignee_id": 4,
                       "done_uploading_button": True}
    assert staff.get_settings("tickets") == changed


@pytest.mark.parametrize("changes, field", [
    ({"ticket_categories": []}, "ticket_categories"),
    ({"ticket_categories": ["Lawn", "Lawn"]}, "ticket_categories"),
    ({"ticket_categories": [" Lawn"]}, "ticket_categories.0"),
    ({"reschedule_category": ""}, "reschedule_category"),
    ({"allow_client_uploads": False, "done_uploading_checkbox": True}, "done_uploading_checkbox"),
    ({"ticket_assignee_id": 0}, "ticket_assignee_id"),
    ({"tickets_enabled": "yes"}, "tickets_enabled"),
    ({"chat_enabled": True}, "chat_enabled"),
], ids=["no category while tickets are on", "a category twice", "a category with a space around it",
        "an empty category name", "done uploading without uploads", "no staff member 0", "text for a switch",
        "an unknown setting"])
def test_inconsistent_or_invalid_changes_are_refused_and_change_nothing(staff, changes, field):
    with pytest.raises(InvalidInput) as error:
        staff.update_settings("tickets", changes)
    assert field in error.value.fields
    assert staff.get_settings("tickets") == DEFAULTS


def test_no_categories_are_needed_while_tickets_are_off(staff):
    assert staff.update_settings("tickets", {"tickets_enabled": False, "ticket_categories": []})[
        "ticket_categories"] == []


def test_an_unknown_tab_is_not_found(staff):
    with pytest.raises(NotFound):
        staff.get_settings("general")
