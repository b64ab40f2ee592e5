"""Password resets: asked for by the client or sent by the staff, single use, guarded by security questions."""
import pytest

from shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited, Unauthenticated

PASSWORD = "a fine long passphrase"
NEW_PASSWORD = "another fine passphrase"
ANSWERS = [{"question": "First pet's name?", "answer": "Rex"},
           {"question": "Street you grew up on?", "answer": "Elm  Street"}]


def ask_reset(accounts, tenant, login="ann@example.com"):
    """Ask for a reset of ``login``; return the link's token, or None when none was sent."""
    before = len(accounts.published("password_reset_issued"))
    assert accounts.anonymous(tenant).request_password_reset({"login": login}, "10.0.0.1") == {}
    sent = accounts.published("password_reset_issued")[before:]
    return sent[-1]["token"] if sent else None


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(accounts, tenant, signed_in):
    token = ask_reset(accounts, tenant)
    portal = accounts.anonymous(tenant)
    assert portal.check_reset(token) == {"security_questions": [], "min_password_length": 12}
    assert portal.reset_password(token, {"password": NEW_PASSWORD})["portal_user"]["email"] == "ann@example.com"
    with pytest.raises(Unauthenticated):
        portal.resolve_client_session(signed_in["token"])
    with pytest.raises(NotFound):
        portal.reset_password(token, {"password": PASSWORD})
    with pytest.raises(Unauthenticated):
        portal.sign_in_client({"login": "ann@example.com", "password": PASSWORD}, "10.0.0.2")
    assert portal.sign_in_client({"login": "ann@example.com", "password": NEW_PASSWORD}, "10.0.0.3")["token"]


def test_every_reset_request_counts_towards_the_throttle(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    for request in range(5):
        assert portal.request_password_reset({"login": "Ann@example.com"}, f"10.9.0.{request}") == {}
    with pytest.raises(RateLimited) as error:
        portal.request_password_reset({"login": "ann@example.com"}, "10.9.1.1")
    assert error.value.fields == {"login": [error.value.message]}


def test_no_reset_is_sent_while_logins_are_off(accounts, staff, tenant, signed_in):
    staff.update_settings("general", {"enable_logins": False})
    assert ask_reset(accounts, tenant) is None


def test_security_answers_guard_a_reset_when_enabled(accounts, staff, tenant, signed_in):
    staff.update_settings("general", {"security_questions_enabled": True})
    client = accounts.client(tenant, signed_in)
    assert client.set_security_answers({"answers": ANSWERS}) == {
        "security_questions": ["First pet's name?", "Street you grew up on?"]}
    token = ask_reset(accounts, tenant)
    portal = accounts.anonymous(tenant)
    assert portal.check_reset(token)["security_questions"][0] == "First pet's name?"
    with pytest.raises(InvalidInput) as error:
        portal.reset_password(token, {"password": NEW_PASSWORD, "answers": ["rex", "oak street"]})
    assert set(error.value.fields) == {"answers"}
    assert portal.sign_in_client({"login": "ann@example.com", "password": PASSWORD}, "10.0.1.1")["token"]
    assert portal.reset_password(token, {"password": NEW_PASSWORD, "answers": ["REX", "elm street"]})["token"]


def test_security_answers_are_refused_when_the_portal_does_not_use_them(accounts, tenant, signed_in):
    with pytest.raises(PermissionDenied):
        accounts.client(tenant, signed_in).set_security_answers({"answers": "not even a list"})


def test_each_security_question_is_asked_once(accounts, staff, tenant, signed_in):
    staff.update_settings("general", {"security_questions_enabled": True})
    with pytest.raises(InvalidInput) as error:
        accounts.client(tenant, signed_in).set_security_answers({"answers": [ANSWERS[0], ANSWERS[0]]})
    assert set(error.value.fields) == {"answers"}


def test_the_staff_send_resets_with_a_result_per_client(accounts, staff, invited):
    client, _ = invited
    stranger = staff.create_client({"name": "Nina Noemail"})
    results = staff.send_password_resets([client["id"], stranger["id"]])
    assert [(row["client_id"], row["status"]) for row in results] == [
        (client["id"], "sent"), (stranger["id"], "error")]
    assert accounts.published("password_reset_issued")[-1]["email"] == "ann@example.com"
