"""find_mail_sender: the client account (ids only) an email address belongs to at one business, asked with no
passport for mail to the business's support address."""
import pytest

from shared.errors import NotFound


def test_a_client_account_s_email_names_it_and_its_portal_user(accounts, tenant, signed_in):
    found = accounts.called_by(None).find_mail_sender("acme", "  ANN@Example.com ")
    assert found == {"tenant_id": tenant, "account_id": signed_in["account"]["id"],
                     "portal_user_id": signed_in["portal_user"]["id"]}


def test_a_client_without_portal_access_is_found_without_a_portal_user(accounts, tenant, staff):
    client = staff.create_client({"name": "Bo Tran", "email": "bo@example.com"})
    assert accounts.called_by(None).find_mail_sender("acme", "bo@example.com") == {
        "tenant_id": tenant, "account_id": client["id"], "portal_user_id": None}


def test_an_address_that_is_no_client_s_here_names_no_account(accounts, tenant, staff):
    other = accounts.operator().create_tenant({"slug": "zenith", "display_name": "Zenith", "owner": {
        "email": "boss@zenith.example", "name": "Zed", "password": "a fine long passphrase"}})["id"]
    accounts.staff(other).create_client({"name": "Cy", "email": "cy@example.com"})
    for address in ("cy@example.com", "boss@acme.example", "", "not an address"):
        assert accounts.called_by(None).find_mail_sender("acme", address) == {
            "tenant_id": tenant, "account_id": None, "portal_user_id": None}
    assert accounts.called_by(None).find_mail_sender("zenith", "cy@example.com")["tenant_id"] == other
    with pytest.raises(NotFound):
        accounts.called_by(None).find_mail_sender("nobody-here", "cy@example.com")
