"""Portal sign-in rules, exercised on a real (SQLite) accounts database without the broker."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from accounts import clients, portal, tenants
from accounts.models import Base, SignInToken, platform
from accounts.settings import GeneralSettingsSchema
from shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited, Unauthenticated
from shared.messaging import OutboxWriter

SETTINGS = GeneralSettingsSchema().load({})
PASSWORD = "a fine long passphrase"


@pytest.fixture
def db():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


@pytest.fixture
def outbox():
    return OutboxWriter(platform, {}, on_added=lambda: None)


def sent(db, event_type):
    rows = db.execute(select(platform.outbox.c.body).where(platform.outbox.c.event_type == event_type)
                      .order_by(platform.outbox.c.id)).all()
    return [row.body["data"] for row in rows]


@pytest.fixture
def tenant(db, outbox):
    created = tenants.create_tenant(db, outbox, {"slug": "acme", "display_name": "Acme", "owner": {
        "email": "boss@acme.example", "name": "Boss", "password": PASSWORD}})
    return created["id"]


@pytest.fixture
def invited(db, outbox, tenant):
    client = clients.create_client(db, tenant, {"name": "Ann Lee", "email": "ann@example.com"})
    result = portal.invite(db, outbox, tenant, client.id, SETTINGS)
    assert result["status"] == "invited"
    return client, sent(db, "portal_invitation_issued")[-1]["token"]


def test_passwords_need_length_and_must_not_be_common():
    assert portal.password_problem("short", SETTINGS) == "Use at least 12 characters."
    for predictable in ("123456789012", "password1234", "qwertyuiopas", "zzzzzzzzzzzz", "!!iloveyou2026"):
        assert "too common" in portal.password_problem(predictable, SETTINGS), predictable
    assert portal.password_problem(PASSWORD, SETTINGS) is None


def test_invitation_link_is_single_use(db, tenant, invited):
    _, token = invited
    session = portal.accept_invitation(db, tenant, token, {"password": PASSWORD}, SETTINGS)
    assert session["account"]["name"] == "Ann Lee"
    with pytest.raises(NotFound):
        portal.accept_invitation(db, tenant, token, {"password": PASSWORD}, SETTINGS)


def test_resending_an_invitation_revokes_the_earlier_link(db, outbox, tenant, invited):
    client, first = invited
    assert portal.invite(db, outbox, tenant, client.id, SETTINGS)["status"] == "resent"
    second = sent(db, "portal_invitation_issued")[-1]["token"]
    with pytest.raises(NotFound):
        portal.describe_invitation(db, tenant, first, SETTINGS)
    assert portal.describe_invitation(db, tenant, second, SETTINGS)["email"] == "ann@example.com"


def test_expired_invitation_is_refused(db, tenant, invited):
    _, token = invited
    for row in db.scalars(select(SignInToken)):
        row.expires_at = tenants.utcnow() - timedelta(seconds=1)
    with pytest.raises(NotFound):
        portal.accept_invitation(db, tenant, token, {"password": PASSWORD}, SETTINGS)


def test_common_password_is_refused_at_invitation(db, tenant, invited):
    _, token = invited
    with pytest.raises(InvalidInput) as error:
        portal.accept_invitation(db, tenant, token, {"password": "password1234"}, SETTINGS)
    assert "password" in error.value.fields


@pytest.fixture
def activated(db, tenant, invited):
    _, token = invited
    portal.accept_invitation(db, tenant, token, {"password": PASSWORD}, SETTINGS)


def ask_code(db, outbox, tenant, login="ann@example.com", address="10.0.0.1"):
    attempt = portal.request_login_code(db, outbox, tenant, {"login": login}, address, SETTINGS)["attempt"]
    return attempt, (sent(db, "login_code_issued") or [{}])[-1].get("code")


def test_a_code_signs_in_once(db, outbox, tenant, activated):
    attempt, code = ask_code(db, outbox, tenant)
    assert portal.sign_in_with_code(db, tenant, attempt, {"code": code}, SETTINGS)["token"]
    with pytest.raises(Unauthenticated):
        portal.sign_in_with_code(db, tenant, attempt, {"code": code}, SETTINGS)


def test_a_code_works_only_for_the_attempt_that_asked_for_it(db, outbox, tenant, activated):
    _, code = ask_code(db, outbox, tenant)
    other_attempt, _ = ask_code(db, outbox, tenant, login="nobody@example.com")
    with pytest.raises(Unauthenticated):
        portal.sign_in_with_code(db, tenant, other_attempt, {"code": code}, SETTINGS)


def test_five_wrong_guesses_spend_the_code(db, outbox, tenant, activated):
    attempt, code = ask_code(db, outbox, tenant)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for guess in range(5):
        with pytest.raises(Unauthenticated) as error:
            portal.sign_in_with_code(db, tenant, attempt, {"code": wrong}, SETTINGS)
    assert error.value.message == portal.SPENT_CODE
    with pytest.raises(Unauthenticated):
        portal.sign_in_with_code(db, tenant, attempt, {"code": code}, SETTINGS)


def test_expired_code_is_refused(db, outbox, tenant, activated):
    attempt, code = ask_code(db, outbox, tenant)
    for row in db.scalars(select(SignInToken).where(SignInToken.purpose == "login_code")):
        row.expires_at = tenants.utcnow() - timedelta(seconds=1)
    with pytest.raises(Unauthenticated):
        portal.sign_in_with_code(db, tenant, attempt, {"code": code}, SETTINGS)


def test_unknown_and_known_logins_get_the_same_answers(db, outbox, tenant, activated):
    known = portal.request_login_code(db, outbox, tenant, {"login": "ann@example.com"}, "10.0.0.2", SETTINGS)
    unknown = portal.request_login_code(db, outbox, tenant, {"login": "zed@example.com"}, "10.0.0.3", SETTINGS)
    assert known.keys() == unknown.keys() and len(known["attempt"]) == len(unknown["attempt"])
    for login in ("ann@example.com", "zed@example.com"):
        with pytest.raises(Unauthenticated) as error:
            portal.sign_in_with_password(db, tenant, {"login": login, "password": "not the password"},
                                         f"10.1.0.{len(login)}", SETTINGS)
        assert error.value.message == portal.WRONG_CREDENTIALS
        assert portal.request_password_reset(db, outbox, tenant, {"login": login}, "10.2.0.1", SETTINGS) == {}


def test_failed_sign_ins_are_throttled_per_login(db, tenant, activated):
    for attempt in range(5):
        with pytest.raises(Unauthenticated):
            portal.sign_in_with_password(db, tenant, {"login": "ann@example.com", "password": "wrong guess"},
                                         f"10.3.0.{attempt}", SETTINGS)
    with pytest.raises(RateLimited):
        portal.sign_in_with_password(db, tenant, {"login": "ann@example.com", "password": PASSWORD},
                                     "10.3.1.1", SETTINGS)


def test_logins_off_means_nobody_signs_in(db, tenant, activated):
    settings = {**SETTINGS, "enable_logins": False}
    with pytest.raises(PermissionDenied):
        portal.sign_in_with_password(db, tenant, {"login": "ann@example.com", "password": PASSWORD},
                                     "10.4.0.1", settings)


def test_a_session_belongs_to_its_tenant_and_ends_on_sign_out(db, outbox, tenant, activated):
    token = portal.sign_in_with_password(db, tenant, {"login": "ann@example.com", "password": PASSWORD},
                                         "10.5.0.1", SETTINGS)["token"]
    assert portal.resolve_session(db, tenant, token)["portal_user"]["email"] == "ann@example.com"
    with pytest.raises(Unauthenticated):
        portal.resolve_session(db, tenant + 1, token)
    portal.sign_out(db, tenant, token)
    with pytest.raises(Unauthenticated):
        portal.resolve_session(db, tenant, token)


def test_switching_to_an_account_that_is_not_linked_is_not_found(db, outbox, tenant, activated):
    stranger = clients.create_client(db, tenant, {"name": "Stranger"})
    token = portal.sign_in_with_password(db, tenant, {"login": "ann@example.com", "password": PASSWORD},
                                         "10.6.0.1", SETTINGS)["token"]
    with pytest.raises(NotFound):
        portal.switch_account(db, tenant, token, stranger.id)


def test_security_answers_guard_a_reset_when_enabled(db, outbox, tenant, activated):
    settings = {**SETTINGS, "security_questions_enabled": True}
    user = portal.find_by_login(db, tenant, "ann@example.com", settings)
    portal.set_security_answers(user, {"answers": [
        {"question": "First pet's name?", "answer": "Rex"},
        {"question": "Street you grew up on?", "answer": "Elm  Street"}]}, settings)
    portal.request_password_reset(db, outbox, tenant, {"login": "ann@example.com"}, "10.7.0.1", settings)
    token = sent(db, "password_reset_issued")[-1]["token"]
    assert portal.describe_reset(db, tenant, token, settings)["security_questions"][0] == "First pet's name?"
    with pytest.raises(InvalidInput):
        portal.reset_password(db, tenant, token, {"password": "another fine passphrase",
                                                  "answers": ["rex", "oak street"]}, settings)
    session = portal.reset_password(db, tenant, token, {"password": "another fine passphrase",
                                                        "answers": ["REX", "elm street"]}, settings)
    assert session["token"]


def test_custom_field_values_are_checked_by_type(db, tenant):
    client = clients.create_client(db, tenant, {"name": "Ann"})
    clients.create_custom_field(db, tenant, {"key": "gate_code", "label": "Gate code", "type": "number"})
    clients.create_custom_field(db, tenant, {"key": "since", "label": "Client since", "type": "date"})
    clients.create_custom_field(db, tenant, {"key": "dog", "label": "Dog", "type": "choice",
                                             "choices": ["yes", "no"]})
    with pytest.raises(InvalidInput) as error:
        clients.set_custom_field_values(db, tenant, client.id, {"gate_code": "12a", "since": "2026-13-01",
                                                                "dog": "maybe", "nope": "x"})
    assert set(error.value.fields) == {"gate_code", "since", "dog", "nope"}
    clients.set_custom_field_values(db, tenant, client.id, {"gate_code": 1234, "since": "2026-01-31", "dog": "no"})
    values = {item["key"]: item["value"] for item in clients.custom_field_values(db, tenant, client.id)}
    assert values == {"gate_code": "1234", "since": "2026-01-31", "dog": "no"}
