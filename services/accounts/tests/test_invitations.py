"""Invitations: the staff's bulk action, single-use links, and what accepting one needs."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from accounts.models import SignInToken
from shared.errors import InvalidInput, NotFound, PermissionDenied

PASSWORD = "a fine long passphrase"


def test_the_bulk_invitation_reports_each_client_on_its_own(accounts, staff, tenant):
    ann = staff.create_client({"name": "Ann Lee", "email": "Ann@Example.com"})
    property_ = staff.create_client({"name": "Ann's cabin", "parent_id": ann["id"]})
    no_email = staff.create_client({"name": "Bo"})
    results = staff.invite_clients([ann["id"], no_email["id"], 999999])
    assert [(row["client_id"], row["status"]) for row in results] == [
        (ann["id"], "invited"), (no_email["id"], "error"), (999999, "error")]
    invitation = accounts.published("portal_invitation_issued")[-1]
    assert (invitation["email"], invitation["name"], invitation["tenant_slug"]) == ("ann@example.com", "Ann Lee", "acme")
    accepted = accounts.anonymous(tenant).accept_invitation(invitation["token"], {"password": PASSWORD})
    assert {item["id"] for item in accepted["accounts"]} == {ann["id"], property_["id"]}
    assert staff.invite_clients([ann["id"]])[0]["message"].startswith("Already has a portal account")


def test_accepting_announces_the_first_sign_in_once_with_the_main_accounts(accounts, staff, tenant):
    ann = staff.create_client({"name": "Ann Lee", "email": "ann@example.com"})
    staff.create_client({"name": "Ann's cabin", "parent_id": ann["id"]})
    staff.invite_clients([ann["id"]])
    token = accounts.published("portal_invitation_issued")[-1]["token"]
    accounts.anonymous(tenant).accept_invitation(token, {"password": PASSWORD})
    activated = accounts.published("portal_user_activated")
    assert [(item["account_ids"], item["via"]) for item in activated] == [([ann["id"]], "invitation")]
    staff.send_password_resets([ann["id"]])
    reset = accounts.published("password_reset_issued")[-1]["token"]
    accounts.anonymous(tenant).reset_password(reset, {"password": "another fine passphrase"})
    assert len(accounts.published("portal_user_activated")) == 1  # a later password is no first sign-in


def test_only_staff_invite(accounts, tenant, invited):
    client, _ = invited
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).invite_clients([client["id"]])


def test_an_invitation_link_is_single_use(accounts, tenant, invited):
    _, token = invited
    portal = accounts.anonymous(tenant)
    assert portal.check_invitation(token) == {"email": "ann@example.com", "name": "Ann Lee", "needs_username": False,
                                              "min_password_length": 12}
    assert portal.accept_invitation(token, {"password": PASSWORD})["account"]["name"] == "Ann Lee"
    with pytest.raises(NotFound):
        portal.check_invitation(token)
    with pytest.raises(NotFound) as again:
        portal.accept_invitation(token, {"password": "another long password"})
    assert "no longer valid" in again.value.message
    assert portal.sign_in_client({"login": "ann@example.com", "password": PASSWORD}, "10.0.0.1")["token"]


def test_resending_an_invitation_revokes_the_earlier_link(accounts, staff, tenant, invited):
    client, first = invited
    assert staff.invite_clients([client["id"]])[0]["status"] == "resent"
    second = accounts.published("portal_invitation_issued")[-1]["token"]
    portal = accounts.anonymous(tenant)
    with pytest.raises(NotFound):
        portal.check_invitation(first)
    with pytest.raises(NotFound):
        portal.accept_invitation(first, {"password": PASSWORD})
    assert portal.accept_invitation(second, {"password": PASSWORD})["token"]


def test_an_expired_invitation_is_refused(accounts, db, tenant, invited):
    _, token = invited
    db.execute(update(SignInToken).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    db.commit()
    with pytest.raises(NotFound):
        accounts.anonymous(tenant).accept_invitation(token, {"password": PASSWORD})


def test_a_dead_link_is_not_found_before_its_form_is_checked(accounts, tenant, invited):
    with pytest.raises(NotFound):
        accounts.anonymous(tenant).accept_invitation("made-up", {"password": 12})


@pytest.mark.parametrize("password", ["too short", "password1234"], ids=["too short", "too common"])
def test_a_weak_password_is_refused_and_the_link_still_works(accounts, tenant, invited, password):
    _, token = invited
    portal = accounts.anonymous(tenant)
    with pytest.raises(InvalidInput) as error:
        portal.accept_invitation(token, {"password": password})
    assert set(error.value.fields) == {"password"}
    assert portal.check_invitation(token)["email"] == "ann@example.com"


def test_usernames_are_chosen_at_invitation_when_the_portal_uses_them(accounts, staff, tenant, invited):
    _, token = invited
    staff.update_settings("general", {"use_usernames": True})
    portal = accounts.anonymous(tenant)
    assert portal.check_invitation(token)["needs_username"] is True
    with pytest.raises(InvalidInput) as error:
        portal.accept_invitation(token, {"password": PASSWORD})
    assert "username" in error.value.fields
    portal.accept_invitation(token, {"password": PASSWORD, "username": "ann.lee"})
    assert portal.sign_in_client({"login": "ANN.LEE", "password": PASSWORD}, "10.0.0.1")["token"]


def test_logins_off_refuse_accepting_an_invitation(accounts, staff, tenant, invited):
    _, token = invited
    staff.update_settings("general", {"enable_logins": False})
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).accept_invitation(token, {"password": PASSWORD})
