"""Sign-in building blocks: password policy and hashing, tokens, session lifetime, throttling keys."""
from datetime import datetime, timedelta, timezone

from accounts import passwords, sessions, throttling, tokens
from accounts.settings import GeneralSettingsSchema

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SETTINGS = GeneralSettingsSchema().load({})


def test_staff_password_policy_is_length_only():
    assert passwords.length_problem("short") == "Use at least 12 characters."
    assert passwords.length_problem("x" * 129) == "Use at most 128 characters."
    assert passwords.length_problem("all lowercase words") is None
    assert passwords.length_problem("x" * 20, min_length=24) == "Use at least 24 characters."


def test_client_passwords_need_length_and_must_not_be_common():
    assert passwords.client_password_problem("short", SETTINGS) == "Use at least 12 characters."
    for predictable in ("123456789012", "password1234", "qwertyuiopas", "zzzzzzzzzzzz", "!!iloveyou2026"):
        assert "too common" in passwords.client_password_problem(predictable, SETTINGS), predictable
    assert passwords.client_password_problem("a fine long passphrase", SETTINGS) is None


def test_the_common_passwords_read_from_zxcvbn_s_source_are_its_list():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    assert passwords.common_passwords() == frozenset(FREQUENCY_LISTS["passwords"])


def test_argon2id_hashes_verify_only_the_right_password():
    hashed = passwords.hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "a long enough secret")
    assert not passwords.verify_password(hashed, "another secret value")
    assert not passwords.verify_password(None, "a long enough secret")
    assert not passwords.verify_password("not a hash", "a long enough secret")


def test_tokens_are_stored_only_as_hashes():
    token, token_hash = tokens.new_token()
    assert len(token) >= 43 and token not in token_hash
    assert tokens.token_hash(token) == token_hash


def test_sessions_end_after_30_idle_minutes_or_12_hours():
    assert not sessions.session_expired(NOW, NOW, NOW + timedelta(minutes=29))
    assert sessions.session_expired(NOW, NOW, NOW + timedelta(minutes=31))
    created = NOW - timedelta(hours=12, minutes=1)
    assert sessions.session_expired(created, NOW - timedelta(minutes=1), NOW)


def test_throttling_buckets_part_staff_from_each_business_s_clients():
    assert throttling.staff_buckets("Ann@Example.com", "10.0.0.1") == ["staff:who:ann@example.com",
                                                                      "staff:from:10.0.0.1"]
    assert throttling.client_buckets(7, " Ann@Example.com", None) == ["client:7:who:ann@example.com",
                                                                     "client:7:from:unknown"]
    assert throttling.client_buckets(7, "user:3", by_address=False) == ["client:7:who:user:3"]


def test_an_ipv6_caller_counts_as_its_64_network():
    assert throttling.network_of("2001:db8:1:2:aaaa::1") == throttling.network_of("2001:db8:1:2:bbbb::9") == (
        "2001:db8:1:2::/64")
    assert throttling.network_of("::ffff:10.0.0.1") == "10.0.0.1"
    assert throttling.network_of("10.0.0.1") != throttling.network_of("10.0.0.2")


def test_the_wait_is_told_in_seconds_then_minutes():
    assert [throttling.wait_text(s) for s in (1, 2, 89, 90, 900)] == [
        "1 second", "2 seconds", "89 seconds", "2 minutes", "15 minutes"]
