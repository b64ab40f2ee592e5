"""The staff's clients: search and paging, custom fields, portal users and their links."""
import pytest

from shared.errors import InvalidInput, NotFound, PermissionDenied

FIELDS = ({"key": "gate_code", "label": "Gate code", "type": "text"},
          {"key": "dogs", "label": "Dogs", "type": "number"},
          {"key": "since", "label": "Client since", "type": "date"},
          {"key": "visit_day", "label": "Visit day", "type": "choice", "choices": ["Monday", "Friday"]})


def values_of(client):
    return {item["key"]: item["value"] for item in client["custom_fields"]}


def test_only_staff_see_clients(accounts, tenant, staff):
    staff.create_client({"name": "Ann"})
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).list_clients()


def test_clients_are_searched_by_name_email_or_phone_and_paged(staff):
    staff.create_client({"name": "Zed Searchable", "email": "zed@search.example", "phone": "+1 555 777 0001"})
    staff.create_client({"name": "Other Person", "email": "other@elsewhere.example"})
    for number in range(50):
        staff.create_client({"name": f"Filler {number:02d}"})

    def names(query):
        return [item["name"] for item in staff.list_clients(query=query)["items"]]

    assert names("zed sea") == names("SEARCH.EXAMPLE") == names("777") == ["Zed Searchable"]
    assert names("nobody at all") == []
    first, second = staff.list_clients(), staff.list_clients(page=2)
    assert first["total"] == second["total"] == 52
    assert (len(first["items"]), len(second["items"])) == (50, 2)


def test_custom_field_values_are_checked_by_type_all_or_nothing(staff):
    client = staff.create_client({"name": "Ann"})
    for field in FIELDS:
        staff.create_custom_field(field)
    with pytest.raises(InvalidInput) as error:
        staff.set_custom_field_values(client["id"], {"dogs": "12a", "since": "2026-13-01",
                                                     "visit_day": "Sunday", "nope": "x", "gate_code": "1"})
    assert set(error.value.fields) == {"dogs", "since", "visit_day", "nope"}
    assert values_of(staff.get_client(client["id"]))["gate_code"] is None
    updated = staff.set_custom_field_values(client["id"], {"gate_code": "#4521", "dogs": 2, "since": "2024-03-01",
                                                           "visit_day": "Friday"})
    assert values_of(updated) == {"gate_code": "#4521", "dogs": "2", "since": "2024-03-01", "visit_day": "Friday"}
    cleared = staff.set_custom_field_values(client["id"], {"gate_code": None})
    assert values_of(cleared) == {"gate_code": None, "dogs": "2", "since": "2024-03-01", "visit_day": "Friday"}


def test_deleting_a_custom_field_removes_it_and_its_values(staff):
    client = staff.create_client({"name": "Dave"})
    dogs = staff.create_custom_field(FIELDS[1])
    staff.set_custom_field_values(client["id"], {"dogs": 3})
    staff.delete_custom_field(dogs["id"])
    assert staff.list_custom_fields() == [] and values_of(staff.get_client(client["id"])) == {}
    with pytest.raises(NotFound):
        staff.delete_custom_field(dogs["id"])


def test_portal_users_list_main_accounts_with_and_without_portal_accounts(staff):
    invited = staff.create_client({"name": "Ivy Invited", "email": "ivy@example.com"})
    waiting = staff.create_client({"name": "Walt Waiting", "email": "walt@example.com"})
    staff.create_client({"name": "Ivy's cabin", "parent_id": invited["id"]})
    staff.invite_clients([invited["id"]])

    rows = {row["client_name"]: row for row in staff.list_portal_users()}
    assert set(rows) == {"Ivy Invited", "Walt Waiting"}  # not the related property
    ivy, walt = rows["Ivy Invited"], rows["Walt Waiting"]
    assert ivy["portal_user_id"] and ivy["invited_at"].endswith("+00:00") and not ivy["activated"]
    assert (walt["portal_user_id"], walt["invited_at"], walt["has_account"]) == (None, None, False)
    assert {row["client_id"] for row in staff.list_portal_users(without_portal=True)} == {invited["id"], waiting["id"]}
    assert [row["client_name"] for row in staff.list_portal_users(query="WALT")] == ["Walt Waiting"]


def test_a_portal_user_is_linked_to_one_more_account(staff, invited):
    owner, _ = invited
    other = staff.create_client({"name": "Ann's shop"})
    portal_user_id = staff.get_client(owner["id"])["portal_user"]["id"]
    assert staff.link_portal_user(portal_user_id, other["id"], "pay") == {
        "portal_user_id": portal_user_id, "account_id": other["id"], "rights": "pay"}
    linked = staff.get_client(other["id"])["portal_user"]
    assert (linked["id"], linked["rights"]) == (portal_user_id, "pay")
    with pytest.raises(InvalidInput):
        staff.link_portal_user(portal_user_id, other["id"], "own")
    with pytest.raises(NotFound):
        staff.link_portal_user(portal_user_id + 1, other["id"], "view")
