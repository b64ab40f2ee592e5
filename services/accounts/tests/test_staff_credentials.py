"""A staff member's own credentials: the password rule, changing and resetting it, the sessions that end."""
import pytest

from shared.errors import InvalidInput, NotFound, RateLimited, Unauthenticated

PASSWORD = "a fine long passphrase"
NEW_PASSWORD = "seven brisk otters"
BOSS = {"email": "boss@acme.example", "password": PASSWORD}


def staff_sign_in(accounts, credentials=BOSS, address="10.5.0.1"):
    return accounts.operator().sign_in_staff(credentials, address)


def alive(accounts, token):
    try:
        accounts.operator().resolve_staff_session(token)
    except Unauthenticated:
        return False
    return True


def test_staff_passwords_follow_the_clients_rule(accounts, staff):
    for weak, problem in (("password1234", "too common"), ("short", "at least 12")):
        with pytest.raises(InvalidInput) as error:
            staff.add_staff_user({"email": "sam@acme.example", "name": "Sam", "password": weak})
        assert problem in error.value.fields["password"][0], weak
    with pytest.raises(InvalidInput) as error:
        staff.change_staff_password({"current_password": PASSWORD, "new_password": "qwertyuiop123"})
    assert set(error.value.fields) == {"new_password"}


def test_changing_the_password_ends_every_other_session(accounts, tenant, staff):
    here, elsewhere = staff_sign_in(accounts), staff_sign_in(accounts, address="10.5.0.2")
    with pytest.raises(InvalidInput) as wrong:
        staff.change_staff_password({"current_password": "not my password", "new_password": NEW_PASSWORD},
                                    here["token"])
    assert set(wrong.value.fields) == {"current_password"}
    assert alive(accounts, elsewhere["token"])

    staff.change_staff_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD}, here["token"])

    assert alive(accounts, here["token"]) and not alive(accounts, elsewhere["token"])
    with pytest.raises(Unauthenticated):
        staff_sign_in(accounts)
    assert staff_sign_in(accounts, {**BOSS, "password": NEW_PASSWORD})["token"]


def test_a_reset_link_is_sent_only_to_a_known_address_with_the_same_answer(accounts, tenant):
    operator = accounts.operator()
    assert operator.request_staff_password_reset({"email": "nobody@acme.example"}, "10.6.0.1") == {}
    assert accounts.published("staff_password_reset_issued") == []
    assert operator.request_staff_password_reset({"email": " Boss@Acme.example"}, "10.6.0.2") == {}
    [sent] = accounts.published("staff_password_reset_issued")
    assert (sent["email"], sent["name"]) == ("boss@acme.example", "Boss") and len(sent["token"]) >= 43


def test_a_reset_sets_the_password_once_and_ends_every_session(accounts, tenant):
    operator = accounts.operator()
    session = staff_sign_in(accounts)
    operator.request_staff_password_reset({"email": "boss@acme.example"}, "10.6.1.1")
    first = accounts.published("staff_password_reset_issued")[-1]["token"]
    operator.request_staff_password_reset({"email": "boss@acme.example"}, "10.6.1.1")
    latest = accounts.published("staff_password_reset_issued")[-1]["token"]
    with pytest.raises(NotFound):
        operator.check_staff_reset(first)  # only the latest link works
    assert operator.check_staff_reset(latest) == {"min_password_length": 12}
    with pytest.raises(InvalidInput):
        operator.reset_staff_password(latest, {"password": "password1234"})

    assert operator.reset_staff_password(latest, {"password": NEW_PASSWORD}) == {}

    assert not alive(accounts, session["token"])
    with pytest.raises(NotFound):
        operator.reset_staff_password(latest, {"password": "another fine passphrase"})
    assert staff_sign_in(accounts, {**BOSS, "password": NEW_PASSWORD})["token"]


def test_reset_requests_are_throttled(accounts, tenant):
    operator = accounts.operator()
    with pytest.raises(RateLimited):  # how many pass is throttling's own concern (accounts/throttling.py)
        for _ in range(10):
            operator.request_staff_password_reset({"email": "boss@acme.example"}, "10.6.2.1")
    assert len(accounts.published("staff_password_reset_issued")) < 10


def test_a_password_change_spends_the_reset_links_already_sent(accounts, tenant, staff):
    operator = accounts.operator()
    here = staff_sign_in(accounts)
    operator.request_staff_password_reset({"email": "boss@acme.example"}, "10.6.3.1")
    token = accounts.published("staff_password_reset_issued")[-1]["token"]
    staff.change_staff_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD}, here["token"])
    with pytest.raises(NotFound):
        operator.check_staff_reset(token)


# --- clients: a new password or email ends the client's other sessions ------------------------------

def test_a_clients_new_password_ends_their_other_sessions(accounts, tenant, signed_in):
    other = accounts.anonymous(tenant).sign_in_client({"login": "ann@example.com", "password": PASSWORD}, "10.7.0.1")
    client = accounts.client(tenant, signed_in)
    client.change_my_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD}, signed_in["token"])
    portal = accounts.anonymous(tenant)
    assert portal.resolve_client_session(signed_in["token"])["portal_user"]["email"] == "ann@example.com"
    with pytest.raises(Unauthenticated):
        portal.resolve_client_session(other["token"])


def test_a_clients_new_email_ends_their_other_sessions_and_reset_links(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    other = portal.sign_in_client({"login": "ann@example.com", "password": PASSWORD}, "10.7.1.1")
    portal.request_password_reset({"login": "ann@example.com"}, "10.7.1.2")
    reset = accounts.published("password_reset_issued")[-1]["token"]
    client = accounts.client(tenant, signed_in)
    client.request_email_change({"new_email": "ann.new@example.com"})
    code = accounts.published("email_change_code_issued")[-1]["code"]

    client.confirm_email_change({"code": code}, signed_in["token"])

    assert portal.resolve_client_session(signed_in["token"])["portal_user"]["email"] == "ann.new@example.com"
    with pytest.raises(Unauthenticated):
        portal.resolve_client_session(other["token"])
    with pytest.raises(NotFound):
        portal.check_reset(reset)


def test_wrong_current_passwords_are_throttled_when_changing_it_or_turning_two_step_off(accounts, tenant, staff):
    for _ in range(3):
        with pytest.raises(InvalidInput):
            staff.change_staff_password({"current_password": "not my password", "new_password": NEW_PASSWORD})
    for _ in range(2):
        with pytest.raises(InvalidInput):
            staff.disable_staff_totp({"password": "not my password"})
    with pytest.raises(RateLimited):
        staff.change_staff_password({"current_password": PASSWORD, "new_password": NEW_PASSWORD})
