"""Signing in with a password, staff and clients: the same refusal for every wrong pair, throttling, sessions."""
import pytest

from accounts.sessions import WRONG_CREDENTIALS
from shared.errors import NotFound, PermissionDenied, RateLimited, Unauthenticated

PASSWORD = "a fine long passphrase"


def sign_in(accounts, tenant, login="ann@example.com", password=PASSWORD, address="10.0.0.1"):
    return accounts.anonymous(tenant).sign_in_client({"login": login, "password": password}, address)


def test_unknown_and_known_logins_get_the_same_answers(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    known = portal.request_login_code({"login": "ann@example.com"}, "10.0.0.2")
    unknown = portal.request_login_code({"login": "zed@example.com"}, "10.0.0.3")
    assert known.keys() == unknown.keys() and len(known["attempt"]) == len(unknown["attempt"])
    for login in ("ann@example.com", "zed@example.com"):
        with pytest.raises(Unauthenticated) as error:
            sign_in(accounts, tenant, login, "not the password", f"10.1.0.{len(login)}")
        assert error.value.message == WRONG_CREDENTIALS
        assert portal.request_password_reset({"login": login}, "10.2.0.1") == {}


def test_failed_sign_ins_are_throttled_per_login(accounts, tenant, signed_in):
    for attempt in range(5):
        with pytest.raises(Unauthenticated):
            sign_in(accounts, tenant, password="wrong guess", address=f"10.3.0.{attempt}")
    with pytest.raises(RateLimited):
        sign_in(accounts, tenant, address="10.3.1.1")


def test_failed_sign_ins_are_throttled_per_address(accounts, tenant, signed_in):
    for attempt in range(5):
        with pytest.raises(Unauthenticated):
            sign_in(accounts, tenant, login=f"guess{attempt}@example.com", address="10.3.2.1")
    with pytest.raises(RateLimited):
        sign_in(accounts, tenant, address="10.3.2.1")
    assert sign_in(accounts, tenant, address="10.3.2.2")["token"]


def test_a_client_s_email_and_username_share_one_bucket(accounts, staff, tenant, invited):
    _, token = invited
    staff.update_settings("general", {"use_usernames": True})
    accounts.anonymous(tenant).accept_invitation(token, {"password": PASSWORD, "username": "ann.lee"})
    for attempt, login in enumerate(["ann@example.com", "ANN.LEE", "ann.lee", "Ann@Example.com ", "ann.lee"]):
        with pytest.raises(Unauthenticated):
            sign_in(accounts, tenant, login=login, password="wrong guess", address=f"10.3.5.{attempt}")
    with pytest.raises(RateLimited):
        sign_in(accounts, tenant, login="ann.lee", address="10.3.6.1")


def test_logins_off_means_nobody_signs_in(accounts, staff, tenant, signed_in):
    staff.update_settings("general", {"enable_logins": False})
    with pytest.raises(PermissionDenied):
        sign_in(accounts, tenant, address="10.4.0.1")


def test_a_sign_in_method_turned_off_is_refused(accounts, staff, tenant, signed_in):
    staff.update_settings("general", {"login_methods": ["one_time_code"]})
    with pytest.raises(PermissionDenied):
        sign_in(accounts, tenant, address="10.4.1.1")
    staff.update_settings("general", {"login_methods": ["password"]})
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).request_login_code({"login": "ann@example.com"}, "10.4.1.2")


def test_a_session_belongs_to_its_tenant_and_ends_on_sign_out(accounts, tenant, signed_in):
    token = sign_in(accounts, tenant, address="10.5.0.1")["token"]
    portal = accounts.anonymous(tenant)
    assert portal.resolve_client_session(token)["portal_user"]["email"] == "ann@example.com"
    with pytest.raises(Unauthenticated):
        accounts.anonymous(tenant + 1).resolve_client_session(token)
    portal.sign_out_client(token)
    with pytest.raises(Unauthenticated):
        portal.resolve_client_session(token)


def test_switching_to_an_account_that_is_not_linked_is_not_found(accounts, staff, tenant, signed_in):
    stranger = staff.create_client({"name": "Stranger"})
    token = sign_in(accounts, tenant, address="10.6.0.1")["token"]
    with pytest.raises(NotFound):
        accounts.anonymous(tenant).switch_account(token, stranger["id"])


def test_staff_sign_in_opens_a_session_until_sign_out(accounts, tenant):
    operator = accounts.operator()
    answer = operator.sign_in_staff({"email": " Boss@Acme.example", "password": PASSWORD}, "10.8.0.1")
    resolved = operator.resolve_staff_session(answer["token"])
    assert (resolved["user"]["email"], resolved["tenant"]["id"]) == ("boss@acme.example", tenant)
    assert resolved["csrf_token"] == answer["csrf_token"]
    operator.sign_out_staff(answer["token"])
    with pytest.raises(Unauthenticated):
        operator.resolve_staff_session(answer["token"])


def test_staff_sign_in_is_throttled_per_email_and_a_success_forgets_the_failures(accounts, tenant):
    operator = accounts.operator()
    for attempt in range(4):
        with pytest.raises(Unauthenticated):
            operator.sign_in_staff({"email": "boss@acme.example", "password": "wrong guess"}, f"10.9.0.{attempt}")
    assert operator.sign_in_staff({"email": "boss@acme.example", "password": PASSWORD}, "10.9.1.1")["token"]
    for attempt in range(5):
        with pytest.raises(Unauthenticated):
            operator.sign_in_staff({"email": "boss@acme.example", "password": "wrong guess"}, f"10.9.2.{attempt}")
    with pytest.raises(RateLimited) as error:
        operator.sign_in_staff({"email": "boss@acme.example", "password": PASSWORD}, "10.9.3.1")
    assert error.value.message == "Too many attempts. Wait 15 minutes, then try again."
    assert error.value.fields == {"password": [error.value.message]} and 890 < error.value.retry_after <= 900
