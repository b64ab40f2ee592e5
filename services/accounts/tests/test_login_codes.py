"""One-time sign-in codes: one use, one attempt, five guesses, ten minutes."""
from datetime import datetime, timedelta, timezone

import json

import pytest
from sqlalchemy import select, update

from accounts.models import SignInToken, platform
from accounts.tokens import SPENT_CODE, WRONG_CODE
from shared.errors import RateLimited, Unauthenticated


def ask_code(accounts, tenant, login="ann@example.com", address="10.0.0.1"):
    """Ask for a code for ``login``; return the attempt and the code sent (None when none was sent)."""
    before = len(accounts.published("login_code_issued"))
    attempt = accounts.anonymous(tenant).request_login_code({"login": login}, address)["attempt"]
    sent = accounts.published("login_code_issued")[before:]
    return attempt, sent[-1]["code"] if sent else None


def test_a_code_signs_in_once(accounts, tenant, signed_in):
    attempt, code = ask_code(accounts, tenant)
    portal = accounts.anonymous(tenant)
    assert portal.verify_login_code(attempt, code)["token"]
    with pytest.raises(Unauthenticated):
        portal.verify_login_code(attempt, code)


def test_no_code_or_link_rests_in_plain_text_in_the_outbox(accounts, tenant, signed_in):
    _, code = ask_code(accounts, tenant)
    accounts.anonymous(tenant).request_password_reset({"login": "ann@example.com"}, "10.0.0.9")
    token = accounts.published("password_reset_issued")[-1]["token"]
    accounts.client(tenant, signed_in).request_email_change({"new_email": "ann.new@example.com"})
    change_code = accounts.published("email_change_code_issued")[-1]["code"]

    rows = json.dumps([list(row) for row in accounts.db.execute(
        select(platform.outbox.c.body, platform.outbox.c.headers)).all()], default=str)

    assert code and token and change_code
    assert code not in rows and token not in rows and change_code not in rows


def test_a_code_goes_by_text_to_a_phone_else_by_email(accounts, tenant, signed_in):
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["channel"] == "email"
    accounts.client(tenant, signed_in).update_my_account({"phone": "+1 555 010 0199"})
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1] | {"code": None, "expires_at": None} == {
        "portal_user_id": signed_in["portal_user"]["id"], "channel": "sms", "to": "+1 555 010 0199",
        "code": None, "expires_at": None}


def test_no_code_is_sent_to_an_unknown_login(accounts, tenant, signed_in):
    attempt, code = ask_code(accounts, tenant, login="nobody@example.com")
    assert attempt and code is None


def test_a_code_works_only_for_the_attempt_that_asked_for_it(accounts, tenant, signed_in):
    first_attempt, first_code = ask_code(accounts, tenant)
    second_attempt, second_code = ask_code(accounts, tenant)
    while second_code == first_code:  # one chance in a million: ask again until they differ
        second_attempt, second_code = ask_code(accounts, tenant)
    portal = accounts.anonymous(tenant)
    with pytest.raises(Unauthenticated):
        portal.verify_login_code(second_attempt, first_code)
    with pytest.raises(Unauthenticated):
        portal.verify_login_code(first_attempt, first_code)  # asking again revoked the first code
    assert portal.verify_login_code(second_attempt, second_code)["token"]


def test_five_wrong_guesses_spend_the_code(accounts, tenant, signed_in, monkeypatch):
    monkeypatch.setenv("THROTTLE_LIMIT", "10 per 15 minutes")  # the code's own limit, before the throttle's
    attempt, code = ask_code(accounts, tenant)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    portal = accounts.anonymous(tenant)
    answers = []
    for guess in range(6):
        with pytest.raises(Unauthenticated) as error:
            portal.verify_login_code(attempt, wrong)
        answers.append(error.value.message)
    assert answers == [WRONG_CODE] * 4 + [SPENT_CODE] * 2
    with pytest.raises(Unauthenticated):
        portal.verify_login_code(attempt, code)


def test_an_expired_code_is_refused(accounts, db, tenant, signed_in):
    attempt, code = ask_code(accounts, tenant)
    db.execute(update(SignInToken).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    db.commit()
    with pytest.raises(Unauthenticated):
        accounts.anonymous(tenant).verify_login_code(attempt, code)


def test_every_code_request_counts_towards_the_throttle(accounts, tenant, signed_in):
    for request in range(5):
        ask_code(accounts, tenant, address=f"10.7.0.{request}")
    with pytest.raises(RateLimited):
        ask_code(accounts, tenant, address="10.7.1.1")


def test_five_wrong_codes_for_one_client_lock_out_every_code_of_theirs(accounts, tenant, signed_in):
    portal = accounts.anonymous(tenant)
    for guess in range(5):  # a fresh code each time, from a new address each time
        attempt, code = ask_code(accounts, tenant, address=f"10.8.0.{guess}")
        with pytest.raises(Unauthenticated):
            portal.verify_login_code(attempt, f"{(int(code) + 1) % 10 ** 6:06d}", f"10.8.1.{guess}")
    with pytest.raises(RateLimited) as error:
        portal.verify_login_code(attempt, code, "10.8.2.1")
    assert error.value.fields == {"code": [error.value.message]}
