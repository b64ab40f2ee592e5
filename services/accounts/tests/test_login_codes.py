"""One-time sign-in codes: one use, one attempt, five guesses, ten minutes."""
from datetime import datetime, timedelta, timezone

import json

import pytest
from sqlalchemy import select, update

from accounts.models import PortalUser, SignInToken, platform
from accounts.tokens import SPENT_CODE, WRONG_CODE
from shared.errors import InvalidInput, RateLimited, Unauthenticated


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


def test_a_code_goes_by_text_to_the_mobile_on_the_account_tab_else_by_email(accounts, tenant, signed_in):
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["channel"] == "email"
    client = accounts.client(tenant, signed_in)
    client.update_my_account({"phone": "+1 555 010 0100"})  # a landline: codes still by email
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["channel"] == "email"
    client.update_my_account({"mobile_phone": "+1 (555) 010-0199"})
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1] | {"code": None, "expires_at": None} == {
        "portal_user_id": signed_in["portal_user"]["id"], "channel": "sms", "to": "+15550100199",
        "code": None, "expires_at": None}
    client.update_my_account({"mobile_phone": "+44 7700 900123"})
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["to"] == "+447700900123"
    client.update_my_account({"mobile_phone": None})
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["channel"] == "email"


def test_staff_editing_the_clients_mobile_changes_where_codes_go(accounts, tenant, staff, invited, signed_in):
    main, _ = invited
    staff.update_client(main["id"], {"mobile_phone": "+1 555 010 0177"})
    ask_code(accounts, tenant)
    assert accounts.published("login_code_issued")[-1]["to"] == "+15550100177"
    assert accounts.client(tenant, signed_in).get_my_account()["mobile_phone"] == "+15550100177"


def test_a_second_user_of_an_account_never_gets_codes_at_its_mobile(accounts, tenant, staff, invited, signed_in):
    main, _ = invited
    staff.update_client(main["id"], {"mobile_phone": "+1 555 010 0177"})
    partner = staff.create_client({"name": "Bo Lee", "email": "bo@example.com"})
    staff.invite_clients([partner["id"]])
    bo = accounts.db.scalar(select(PortalUser).where(PortalUser.email == "bo@example.com"))
    staff.link_portal_user(bo.id, main["id"], "manage")
    ask_code(accounts, tenant, login="bo@example.com")
    assert accounts.published("login_code_issued")[-1] | {"code": None, "expires_at": None} == {
        "portal_user_id": bo.id, "channel": "email", "to": "bo@example.com", "code": None, "expires_at": None}


@pytest.mark.parametrize("number", ["555 010 0199", "+0 555 010 0199", "+1 555", "+1 555 010 0199 ext 2",
                                    "+1" + " " * 40 + "5550100199"])
def test_a_mobile_number_without_its_country_code_is_refused_on_the_field(accounts, tenant, signed_in, number):
    client = accounts.client(tenant, signed_in)
    with pytest.raises(InvalidInput) as refused:
        client.update_my_account({"mobile_phone": number})
    assert set(refused.value.fields) == {"mobile_phone"}
    assert client.get_my_account()["mobile_phone"] is None


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
