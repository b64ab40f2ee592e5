"""The client's Account tab: details, custom fields the client may see, rights, password and email changes."""
import pytest

from shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited

PASSWORD = "a fine long passphrase"
FIELDS = ({"key": "gate_code", "label": "Gate code", "type": "text"},
          {"key": "lawn_size", "label": "Lawn size (m²)", "type": "number"},
          {"key": "moved_in", "label": "Moved in", "type": "date"},
          {"key": "dog", "label": "Dog on site", "type": "choice", "choices": ["Yes", "No"]},
          {"key": "staff_notes", "label": "Notes", "type": "text"})


@pytest.fixture
def client(accounts, staff, tenant, signed_in):
    """The signed-in client, where the staff defined custom fields and show all but their notes."""
    for field in FIELDS:
        staff.create_custom_field(field)
    staff.update_settings("general", {"custom_fields_visible": ["gate_code", "lawn_size", "moved_in", "dog"]})
    return accounts.client(tenant, signed_in)


def test_the_account_tab_reads_and_changes_details_and_custom_fields(client):
    mine = client.get_my_account()
    assert mine["email"] == "ann@example.com"
    assert sorted((field["key"], field["type"], field["value"]) for field in mine["custom_fields"]) == [
        ("dog", "choice", None), ("gate_code", "text", None), ("lawn_size", "number", None),
        ("moved_in", "date", None)]
    changed = client.update_my_account({
        "phone": "+1 555 010 0142", "mobile_phone": "+1 555 010 0143",
        "custom_fields": {"gate_code": "4512", "lawn_size": 250, "moved_in": "2024-05-01", "dog": "Yes"}})
    assert changed == client.get_my_account()
    assert (changed["phone"], changed["mobile_phone"]) == ("+1 555 010 0142", "+15550100143")  # mobile: E.164
    assert changed["sign_in_codes_here"] is True
    assert {field["key"]: field["value"] for field in changed["custom_fields"]} == {
        "gate_code": "4512", "lawn_size": "250", "moved_in": "2024-05-01", "dog": "Yes"}


def test_fields_hidden_from_clients_are_not_found(client):
    before = client.get_my_account()
    for key in ("staff_notes", "no_such_field"):
        with pytest.raises(NotFound):
            client.update_my_account({"custom_fields": {key: "x"}})
    assert client.get_my_account() == before


def test_a_view_only_link_may_not_change_custom_fields(accounts, staff, tenant, invited, signed_in, client):
    main, _ = invited
    shop = staff.create_client({"name": "Ann's shop"})
    staff.link_portal_user(signed_in["portal_user"]["id"], shop["id"], "view")
    switched = accounts.anonymous(tenant).switch_account(signed_in["token"], shop["id"])
    assert switched["account"] == {"id": shop["id"], "name": "Ann's shop", "rights": "view"}
    viewer = accounts.client(tenant, switched)
    with pytest.raises(PermissionDenied):
        viewer.update_my_account({"custom_fields": {"gate_code": "1"}})
    with pytest.raises(PermissionDenied):
        viewer.update_my_account({"phone": "+1 555 010 0144"})
    assert viewer.get_my_account()["numbers_editable"] is False

    staff.link_portal_user(signed_in["portal_user"]["id"], shop["id"], "manage")
    changed = viewer.update_my_account({"phone": "+1 555 010 0144", "mobile_phone": "+1 555 010 0145"})
    assert (changed["phone"], changed["mobile_phone"], changed["sign_in_codes_here"]) == (
        "+1 555 010 0144", "+15550100145", False)  # the shop's numbers, not where Ann's codes go
    assert staff.get_client(shop["id"])["mobile_phone"] == "+15550100145"


def test_only_the_account_holder_changes_the_mobile_number_their_codes_go_to(accounts, staff, tenant, invited,
                                                                            signed_in, client):
    main, _ = invited
    partner = staff.create_client({"name": "Bo Lee", "email": "bo@example.com"})
    staff.invite_clients([partner["id"]])
    bo = accounts.anonymous(tenant).accept_invitation(
        accounts.published("portal_invitation_issued")[-1]["token"], {"password": PASSWORD})
    staff.link_portal_user(bo["portal_user"]["id"], main["id"], "manage")
    as_bo = accounts.client(tenant, accounts.anonymous(tenant).switch_account(bo["token"], main["id"]))

    assert as_bo.get_my_account()["numbers_editable"] is False
    with pytest.raises(PermissionDenied):
        as_bo.update_my_account({"mobile_phone": "+1 555 010 0666"})
    assert client.get_my_account()["numbers_editable"] is True
    assert staff.get_client(main["id"])["mobile_phone"] is None


def test_only_a_signed_in_client_of_the_account_has_an_account_tab(accounts, tenant, staff, signed_in):
    stranger = staff.create_client({"name": "Stranger"})
    with pytest.raises(PermissionDenied):
        staff.get_my_account()
    with pytest.raises(PermissionDenied):
        accounts.client(tenant + 1, signed_in).get_my_account()
    elsewhere = {**signed_in, "account": {**signed_in["account"], "id": stranger["id"]}}
    with pytest.raises(NotFound):
        accounts.client(tenant, elsewhere).get_my_account()


def test_changing_the_password_needs_the_current_one(accounts, tenant, client):
    with pytest.raises(InvalidInput) as wrong:
        client.change_my_password({"current_password": "not my password", "new_password": "seven brisk otters"})
    with pytest.raises(InvalidInput) as short:
        client.change_my_password({"current_password": PASSWORD, "new_password": "short"})
    assert (set(wrong.value.fields), set(short.value.fields)) == ({"current_password"}, {"new_password"})
    client.change_my_password({"current_password": PASSWORD, "new_password": "seven brisk otters"})
    login = {"login": "ann@example.com", "password": "seven brisk otters"}
    assert accounts.anonymous(tenant).sign_in_client(login, "10.0.0.1")["token"]


def test_the_email_changes_once_the_code_sent_to_the_new_address_is_confirmed(accounts, staff, client):
    assert client.request_email_change({"new_email": "Ann.New@Example.com"}) == {}
    issued = accounts.published("email_change_code_issued")[-1]
    assert issued["to"] == "ann.new@example.com"
    with pytest.raises(InvalidInput) as error:
        client.confirm_email_change({"code": f"{(int(issued['code']) + 1) % 10 ** 6:06d}"})
    assert set(error.value.fields) == {"code"}
    assert client.get_my_account()["email"] == "ann@example.com"
    assert client.confirm_email_change({"code": issued["code"]}) == {"email": "ann.new@example.com"}


def test_no_code_goes_to_an_address_another_client_has(accounts, staff, client):
    other = staff.create_client({"name": "Bo", "email": "bo@example.com"})
    staff.invite_clients([other["id"]])
    before = len(accounts.published("email_change_code_issued"))
    assert client.request_email_change({"new_email": "bo@example.com"}) == {}
    assert len(accounts.published("email_change_code_issued")) == before


def test_wrong_current_passwords_are_throttled_but_a_weak_new_one_is_not_counted(client):
    for _ in range(5):
        with pytest.raises(InvalidInput):
            client.change_my_password({"current_password": PASSWORD, "new_password": "short"})  # not a guess
    for _ in range(5):
        with pytest.raises(InvalidInput):
            client.change_my_password({"current_password": "not my password", "new_password": "seven brisk otters"})
    with pytest.raises(RateLimited) as refused:
        client.change_my_password({"current_password": PASSWORD, "new_password": "seven brisk otters"})
    assert refused.value.retry_after > 0 and set(refused.value.fields) == {"current_password"}


def test_a_client_is_named_from_accounts_own_records_and_only_to_themselves(accounts, staff, tenant, invited,
                                                                             signed_in):
    main, _ = invited
    shop = staff.create_client({"name": "Ann's shop"})
    staff.link_portal_user(signed_in["portal_user"]["id"], shop["id"], "view")
    names = accounts.client(tenant, signed_in).get_my_names()
    assert names == {"account_id": main["id"], "account_name": main["name"],
                     "portal_user_id": signed_in["portal_user"]["id"], "portal_user_name": main["name"]}
    switched = accounts.anonymous(tenant).switch_account(signed_in["token"], shop["id"])
    assert accounts.client(tenant, switched).get_my_names()["account_name"] == "Ann's shop"
    with pytest.raises(PermissionDenied):
        staff.get_my_names()
    stranger = staff.create_client({"name": "Stranger"})
    with pytest.raises(NotFound):
        accounts.client(tenant, {**signed_in, "account": {**signed_in["account"], "id": stranger["id"]}}).get_my_names()
