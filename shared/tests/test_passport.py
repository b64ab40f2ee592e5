"""The passport: only accounts' key signs one, every service reads who calls from it and from nothing else."""
import contextvars
import time

import jwt
import pytest

from shared.context import Context, outgoing
from shared.errors import CallExpired, PermissionDenied, Unauthenticated
from shared.money import format_money
from shared.passport import VERIFIED_KEPT, Claims, PassportSigner, PassportVerifier, new_key

PRIVATE, PUBLIC = new_key("k1")
STAFF = Claims(tenant_id=7, actor_kind="staff", actor_id=3, role="owner")
CLIENT = Claims(tenant_id=7, actor_kind="client", actor_id=11, account_id=40, rights={40: "pay", 41: "view"})


def verified(token, keys=PUBLIC):
    return PassportVerifier(keys).verify(token)


def test_a_signed_passport_states_its_claims():
    claims = verified(PassportSigner(PRIVATE).issue(CLIENT))
    assert (claims.tenant_id, claims.actor_kind, claims.actor_id, claims.account_id) == (7, "client", 11, 40)
    assert claims.rights == {40: "pay", 41: "view"}
    assert verified(PassportSigner(PRIVATE).issue(STAFF)).role == "owner"


def test_a_passport_states_the_business_s_currency_and_a_verified_call_shows_amounts_in_it():
    assert verified(PassportSigner(PRIVATE).issue(STAFF)).currency == "USD"  # a business that named none
    euros = Claims(tenant_id=7, actor_kind="staff", actor_id=3, role="owner", currency="EUR")
    token = PassportSigner(PRIVATE).issue(euros)
    context = contextvars.copy_context()  # the worker's own, as each nameko worker has
    assert context.run(lambda: (Context(outgoing(passport=token), PassportVerifier(PUBLIC)).claims,
                                format_money(123456))[1]) == "€1,234.56"
    assert format_money(123456) == "$1,234.56"  # outside that worker nothing changed


def test_a_currency_portico_does_not_keep_makes_a_passport_invalid():
    signed = PassportSigner(PRIVATE).issue(Claims(tenant_id=7, actor_kind="staff", actor_id=3, currency="XYZ"))
    with pytest.raises(Unauthenticated):
        verified(signed)


def test_a_passport_signed_with_another_key_is_refused():
    other_private, _ = new_key("k1")  # same key id, other key: a forger's guess
    with pytest.raises(Unauthenticated):
        verified(PassportSigner(other_private).issue(STAFF))


def test_changed_claims_break_the_signature():
    header, payload, signature = PassportSigner(PRIVATE).issue(STAFF).split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"tenant":7', b'"tenant":8')).decode()
    with pytest.raises(Unauthenticated):
        verified(f"{header}.{forged_payload}.{signature}")


@pytest.mark.parametrize("token", [None, "", "not.a.token", "x" * 5000, 42])
def test_anything_that_is_not_a_passport_is_refused(token):
    with pytest.raises(Unauthenticated):
        verified(token)


def test_an_unsigned_token_is_refused():
    token = jwt.encode({**STAFF.as_token_claims(), "iss": "portico-accounts", "iat": 1, "exp": 2 ** 40},
                       key=None, algorithm="none", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated):
        verified(token)


def test_an_expired_passport_is_refused():
    token = PassportSigner(PRIVATE, lifetime=-1).issue(STAFF)
    with pytest.raises(Unauthenticated, match="expired"):
        verified(token)


def test_keys_rotate_by_listing_old_and_new_public_keys():
    new_private, new_public = new_key("k2")
    both = f"{PUBLIC},{new_public}"
    assert verified(PassportSigner(PRIVATE).issue(STAFF), both).actor_id == 3
    assert verified(PassportSigner(new_private).issue(STAFF), both).actor_id == 3
    with pytest.raises(Unauthenticated):
        verified(PassportSigner(new_private).issue(STAFF), PUBLIC)


@pytest.mark.parametrize("text", ["", "k1", "k1:abc", ":" + "A" * 43 + "="], ids=["empty", "no key", "short", "no id"])
def test_a_malformed_key_is_a_configuration_error(text):
    with pytest.raises(ValueError):
        PassportVerifier(text)


def test_a_context_reads_the_caller_only_from_the_passport():
    passport = PassportSigner(PRIVATE).issue(STAFF)
    plain = {"tenant_id": 99, "actor": {"kind": "staff", "id": 1}}  # what a forger would send
    context = Context({**plain, **outgoing(passport=passport)}, PassportVerifier(PUBLIC))
    assert context.tenant_id == 7 and context.actor == {"kind": "staff", "id": 3}
    with pytest.raises(Unauthenticated):
        Context(plain, PassportVerifier(PUBLIC)).tenant_id


def test_an_operator_passport_names_no_business():
    operator = verified(PassportSigner(PRIVATE).issue(Claims(tenant_id=None, actor_kind="operator")))
    with pytest.raises(PermissionDenied):
        Context.of(operator).tenant_id


def test_a_call_past_its_deadline_is_refused():
    now_ms = int(time.time() * 1000)
    Context(outgoing(deadline=now_ms + 5000)).check_deadline()
    with pytest.raises(CallExpired):
        Context(outgoing(deadline=now_ms - 10)).check_deadline()


# --- verified passports are kept: the promise holds all the same ------------------------------------------------

def counting_signature_checks(monkeypatch):
    checks = []
    decode = jwt.decode

    def counted(*args, **kwargs):
        checks.append(args[0])
        return decode(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    return checks


def test_a_passport_has_its_signature_checked_once_per_process(monkeypatch):
    checks = counting_signature_checks(monkeypatch)
    verifier, token = PassportVerifier(PUBLIC), PassportSigner(PRIVATE).issue(CLIENT)
    assert [verifier.verify(token).actor_id for _ in range(3)] == [11, 11, 11]
    assert checks == [token]


def test_a_kept_passport_is_refused_once_it_expires(monkeypatch):
    verifier, token = PassportVerifier(PUBLIC), PassportSigner(PRIVATE, lifetime=60).issue(STAFF)
    assert verifier.verify(token).actor_id == 3
    later = time.time() + 61
    monkeypatch.setattr("shared.passport.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)


def test_a_forgery_of_a_kept_passport_is_refused():
    verifier, token = PassportVerifier(PUBLIC), PassportSigner(PRIVATE).issue(STAFF)
    assert verifier.verify(token).tenant_id == 7
    header, payload, signature = token.split(".")
    other_private, _ = new_key("k1")
    forged_signature = PassportSigner(other_private).issue(STAFF).split(".")[2]
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"tenant":7', b'"tenant":8')).decode()
    for forged in (f"{header}.{payload}.{forged_signature}", f"{header}.{forged_payload}.{signature}",
                   f"{header}.{payload}.{signature}x", f" {token}"):
        with pytest.raises(Unauthenticated):
            verifier.verify(forged)
    assert verifier.verify(token).tenant_id == 7


def test_a_refused_passport_is_checked_again_every_time(monkeypatch):
    checks = counting_signature_checks(monkeypatch)
    other_private, _ = new_key("k1")
    verifier, forged = PassportVerifier(PUBLIC), PassportSigner(other_private).issue(STAFF)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            verifier.verify(forged)
    assert checks == [forged, forged]


def test_the_kept_passports_are_bounded():
    verifier = PassportVerifier(PUBLIC)
    for actor_id in range(1, 6):
        verifier.verify(PassportSigner(PRIVATE).issue(Claims(tenant_id=7, actor_kind="staff", actor_id=actor_id)))
    kept = verifier._verified.cache_info()
    assert kept.currsize == 5 and kept.maxsize == VERIFIED_KEPT
