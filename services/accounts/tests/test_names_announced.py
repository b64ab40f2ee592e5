"""accounts tells notifications the names it shows in alerts: a client account's name and contact details whenever
one is created or they change (staff or client edit), a staff member's name and email when they are added."""
import pytest

from shared.errors import InvalidInput

PASSWORD = "a fine long passphrase"


def test_a_new_client_and_each_change_of_its_name_or_contact_details_are_announced(accounts, staff):
    client = staff.create_client({"name": "Jordan Rivera", "email": "Jordan@Client.example"})
    assert accounts.published("account_saved") == [
        {"account_id": client["id"], "name": "Jordan Rivera", "contact_email": "jordan@client.example",
         "mobile_phone": None, "language": None}]
    staff.update_client(client["id"], {"address": "1 Elm St"})  # not what notifications keeps: nothing to tell
    assert len(accounts.published("account_saved")) == 1
    staff.update_client(client["id"], {"name": "Jordan & Sam Rivera", "mobile_phone": "+15550100"})
    assert accounts.published("account_saved")[-1] == {
        "account_id": client["id"], "name": "Jordan & Sam Rivera", "contact_email": "jordan@client.example",
        "mobile_phone": "+15550100", "language": None}


def test_a_client_changing_their_mobile_number_is_announced(accounts, tenant, signed_in):
    before = len(accounts.published("account_saved"))
    client = accounts.client(tenant, signed_in)
    client.update_my_account({"phone": "+1 555 010 0142"})  # the portal user's own phone: not the account's
    assert len(accounts.published("account_saved")) == before
    client.update_my_account({"mobile_phone": "+1 555 010 0143"})
    assert accounts.published("account_saved")[-1]["mobile_phone"] == "+15550100143"  # kept in E.164
    assert accounts.published("account_saved")[-1]["name"] == "Ann Lee"


def test_a_client_choosing_a_language_announces_the_accounts_they_hold_in_it(accounts, tenant, signed_in):
    client = accounts.client(tenant, signed_in)
    assert client.get_my_account()["language"] is None
    before = len(accounts.published("account_saved"))
    client.update_my_account({"language": "es"})
    assert accounts.published("account_saved")[-1]["language"] == "es"
    assert client.get_my_account()["language"] == "es"
    client.update_my_account({"language": "es"})  # no change: nothing to announce
    assert len(accounts.published("account_saved")) == before + 1
    with pytest.raises(InvalidInput) as refused:
        client.update_my_account({"language": "fr"})
    assert "language" in refused.value.fields
    assert client.get_my_account()["language"] == "es"


def test_the_business_s_default_language_is_announced_with_its_profile(accounts, tenant, staff):
    staff.update_settings("general", {"default_language": "es"})
    assert accounts.published("tenant_profile_updated")[-1]["default_language"] == "es"
    with pytest.raises(InvalidInput):
        staff.update_settings("general", {"default_language": "fr"})


def test_the_owner_and_each_staff_member_added_are_announced(accounts, tenant, staff):
    added = staff.add_staff_user({"email": "Sam@Acme.example", "name": "Sam Staff", "role": "staff",
                                  "password": PASSWORD})
    assert accounts.published("staff_user_saved")[-2:] == [
        {"staff_user_id": 1, "name": "Boss", "email": "boss@acme.example"},
        {"staff_user_id": added["id"], "name": "Sam Staff", "email": "sam@acme.example"}]
