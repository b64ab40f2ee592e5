"""Sign-in rules of the accounts service."""
from datetime import datetime, timedelta, timezone

from accounts import auth

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_password_policy_is_length_only():
    assert auth.password_problem("short") == "Use at least 12 characters."
    assert auth.password_problem("x" * 129) == "Use at most 128 characters."
    assert auth.password_problem("all lowercase words") is None
    assert auth.password_problem("x" * 20, min_length=24) == "Use at least 24 characters."


def test_argon2id_hashes_verify_only_the_right_password():
    hashed = auth.hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "a long enough secret")
    assert not auth.verify_password(hashed, "another secret value")
    assert not auth.verify_password(None, "a long enough secret")
    assert not auth.verify_password("not a hash", "a long enough secret")


def test_tokens_are_stored_only_as_hashes():
    token, token_hash = auth.new_token()
    assert len(token) >= 43 and token not in token_hash
    assert auth.token_hash(token) == token_hash


def test_sessions_end_after_30_idle_minutes_or_12_hours():
    assert not auth.session_expired(NOW, NOW, NOW + timedelta(minutes=29))
    assert auth.session_expired(NOW, NOW, NOW + timedelta(minutes=31))
    created = NOW - timedelta(hours=12, minutes=1)
    assert auth.session_expired(created, NOW - timedelta(minutes=1), NOW)


def test_throttling_counts_per_email_and_per_address():
    assert auth.throttle_keys("Ann@Example.com", "10.0.0.1") == ["email:ann@example.com",
                                                                  "address:10.0.0.1"]
