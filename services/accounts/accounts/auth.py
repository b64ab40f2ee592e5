"""Sign-in rules: password hashing and policy, session tokens, expiry and throttling."""
import hashlib
import secrets
from datetime import timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
# The idle timer moves in steps: most page views then read the session without writing it.
LAST_SEEN_STEP = timedelta(minutes=1)
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 5  # failures per email, and per address, inside the window

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def run_cpu_bound(function, *args):
    """Run argon2's CPU-heavy work; the service swaps in a thread pool so its loop keeps running."""
    return function(*args)


def hash_password(password):
    return run_cpu_bound(_hasher.hash, password)


def _verify(password_hash, password):
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash, password):
    """Return True when ``password`` matches; an absent hash costs the same as a wrong one."""
    return run_cpu_bound(_verify, password_hash or _DUMMY_HASH, password) and password_hash is not None


def password_problem(password, min_length=12, max_length=128):
    """Return why ``password`` is not acceptable, or None (length only: no composition rules)."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    if len(password) > max_length:
        return f"Use at most {max_length} characters."
    return None


def new_token():
    """Return a fresh opaque token and the hash under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def aware(moment):
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def session_expired(created_at, last_seen_at, now):
    return now - last_seen_at > SESSION_IDLE or now - created_at > SESSION_ABSOLUTE


def mark_seen(session_row, now):
    """Restart a session's idle timer, at most once per LAST_SEEN_STEP."""
    if now - aware(session_row.last_seen_at) >= LAST_SEEN_STEP:
        session_row.last_seen_at = now


def throttle_keys(email, address):
    return [f"email:{email.lower()}", f"address:{address or 'unknown'}"]
