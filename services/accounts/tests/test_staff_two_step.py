"""Two-step sign-in for staff: setting it up, signing in with a code, recovery codes, the business's rule."""
from datetime import datetime, timezone

import pyotp
import pytest
from sqlalchemy import select

from accounts import staff_totp
from accounts.secret_box import DataBox, new_key
from accounts.models import StaffRecoveryCode, StaffUser
from shared.errors import (Conflict, InvalidInput, PermissionDenied, RateLimited, ServiceUnavailable,
                           Unauthenticated)

PASSWORD = "a fine long passphrase"
BOSS = {"email": "boss@acme.example", "password": PASSWORD}


def sign_in(accounts, credentials=BOSS, address="10.8.0.1"):
    return accounts.operator().sign_in_staff(credentials, address)


def code_for(secret, steps_ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(timezone.utc)) + steps_ahead)


def enrol(accounts, token):
    """Set two-step sign-in up through the session ``token``; return the secret and the recovery codes."""
    operator = accounts.operator()
    secret = operator.begin_staff_totp(token)["secret"]
    return secret, operator.confirm_staff_totp(token, code_for(secret), "10.8.0.9")


def test_setting_up_shows_the_secret_until_a_first_code_confirms_it(accounts, tenant, db):
    operator = accounts.operator()
    token = sign_in(accounts)["token"]
    begun = operator.begin_staff_totp(token)
    assert operator.begin_staff_totp(token) == begun  # the same secret until it is confirmed
    assert begun["otpauth_uri"].startswith("otpauth://totp/Portico:boss%40acme.example?secret=")
    with pytest.raises(InvalidInput) as wrong:
        operator.confirm_staff_totp(token, code_for(begun["secret"], 5))
    assert set(wrong.value.fields) == {"code"}

    answer = operator.confirm_staff_totp(token, code_for(begun["secret"]))

    assert len(answer["recovery_codes"]) == 10 and "session" not in answer
    with pytest.raises(Conflict):
        operator.begin_staff_totp(token)  # the secret is never shown again
    stored = db.get(StaffUser, 1)
    assert stored.totp_pending_secret is None and begun["secret"] not in stored.totp_secret  # sealed at rest
    stored_codes = db.scalars(select(StaffRecoveryCode.code_hash)).all()
    assert len(stored_codes) == 10 and not set(answer["recovery_codes"]) & set(stored_codes)  # hashes only


def test_sign_in_then_asks_for_a_code_and_takes_each_code_once(accounts, tenant):
    operator = accounts.operator()
    secret, _ = enrol(accounts, sign_in(accounts)["token"])
    pending = sign_in(accounts)
    assert pending["second_step"] == "code" and "csrf_token" not in pending
    with pytest.raises(Unauthenticated):
        operator.resolve_staff_session(pending["token"])  # a password alone grants nothing
    with pytest.raises(Unauthenticated):
        operator.verify_staff_code(pending["token"], code_for(secret))  # enrolment took this step's code

    session = operator.verify_staff_code(pending["token"], code_for(secret, 1), "10.8.1.1")

    assert operator.resolve_staff_session(session["token"])["user"]["email"] == "boss@acme.example"
    with pytest.raises(Unauthenticated):
        operator.verify_staff_code(pending["token"], code_for(secret, 1))  # the pending token is spent
    again = sign_in(accounts)
    with pytest.raises(Unauthenticated):
        operator.verify_staff_code(again["token"], code_for(secret, 1))  # a replay of the same code


def test_a_recovery_code_works_once(accounts, tenant):
    operator = accounts.operator()
    _, answer = enrol(accounts, sign_in(accounts)["token"])
    recovery = answer["recovery_codes"][0]
    assert operator.verify_staff_code(sign_in(accounts)["token"], recovery.upper().replace("-", " "))["token"]
    with pytest.raises(Unauthenticated):
        operator.verify_staff_code(sign_in(accounts)["token"], recovery)
    assert accounts.staff(tenant).get_staff_security()["recovery_codes_left"] == 9


def test_wrong_codes_are_throttled(accounts, tenant):
    operator = accounts.operator()
    secret, _ = enrol(accounts, sign_in(accounts)["token"])
    pending = sign_in(accounts)["token"]
    with pytest.raises(RateLimited):
        for _ in range(10):
            with pytest.raises(Unauthenticated):
                operator.verify_staff_code(pending, "000000" if code_for(secret, 1) != "000000" else "111111")
    with pytest.raises(RateLimited):
        operator.verify_staff_code(pending, code_for(secret, 1))


def test_turning_it_off_needs_the_password_and_is_refused_when_required(accounts, tenant, staff):
    enrol(accounts, sign_in(accounts)["token"])
    with pytest.raises(InvalidInput):
        staff.disable_staff_totp({"password": "not my password"})
    staff.update_settings("general", {"require_staff_two_step": True})
    with pytest.raises(PermissionDenied):
        staff.disable_staff_totp({"password": PASSWORD})
    staff.update_settings("general", {"require_staff_two_step": False})
    staff.disable_staff_totp({"password": PASSWORD})
    assert staff.get_staff_security() == {"two_step": False, "required": False, "recovery_codes_left": 0}
    assert "csrf_token" in sign_in(accounts)


def test_only_the_owner_changes_the_requirement(accounts, tenant, staff):
    staff.add_staff_user({"email": "sam@acme.example", "name": "Sam", "password": "another fine passphrase"})
    sam = accounts.staff(tenant, staff_id=2, role="staff")
    with pytest.raises(PermissionDenied):
        sam.update_settings("general", {"require_staff_two_step": True})
    assert sam.update_settings("general", {"require_staff_two_step": False, "home_tab_enabled": False})
    staff.update_settings("general", {"require_staff_two_step": True})
    assert staff.get_settings("general")["require_staff_two_step"] is True


def test_when_required_staff_without_it_must_set_it_up_before_anything_else(accounts, tenant, staff):
    operator = accounts.operator()
    staff.update_settings("general", {"require_staff_two_step": True})
    pending = sign_in(accounts)
    assert pending["second_step"] == "enrol"
    with pytest.raises(Unauthenticated):
        operator.resolve_staff_session(pending["token"])
    with pytest.raises(Unauthenticated):
        operator.verify_staff_code(pending["token"], "123456")

    secret, answer = enrol(accounts, pending["token"])

    assert operator.resolve_staff_session(answer["session"]["token"])["user"]["email"] == "boss@acme.example"
    with pytest.raises(Unauthenticated):
        operator.begin_staff_totp(pending["token"])  # replaced by the signed-in session
    assert sign_in(accounts)["second_step"] == "code"


def test_codes_of_the_steps_around_now_are_accepted_once_each():
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime.now(timezone.utc)
    step = totp.timecode(now)
    for offset in (-1, 0, 1):
        assert staff_totp.accepted_step(secret, totp.generate_otp(step + offset), None, now) == step + offset
    assert staff_totp.accepted_step(secret, totp.generate_otp(step + 2), None, now) is None
    assert staff_totp.accepted_step(secret, totp.generate_otp(step), step, now) is None
    assert staff_totp.accepted_step(secret, "12345", None, now) is None


def test_secrets_rest_sealed_and_open_under_a_rotated_key_list():
    old, new = new_key(), new_key()
    sealed = DataBox(old).seal("JBSWY3DPEHPK3PXP", ["staff-totp", 1])
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert DataBox(f"{new},{old}").open(sealed, ["staff-totp", 1]) == "JBSWY3DPEHPK3PXP"  # the old key still opens
    with pytest.raises(ServiceUnavailable):
        DataBox(new).open(sealed, ["staff-totp", 1])
    with pytest.raises(ServiceUnavailable):
        DataBox(old).open(sealed, ["staff-totp", 2])  # another staff member's row: it does not open
    with pytest.raises(ServiceUnavailable):
        DataBox("").seal("anything", ["staff-totp", 1])  # no keys: two-step sign-in is unavailable
