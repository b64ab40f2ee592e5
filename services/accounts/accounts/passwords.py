"""Passwords: argon2id hashing kept off the event loop, and which new passwords are acceptable."""
import ast
import functools
import importlib.util
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts import throttling
from shared.errors import invalid
from shared.fields import NEW_PASSWORD_LENGTH
from shared.i18n import N_, _

SEQUENCES = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the login is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def run_cpu_bound(function, *args):
    """Run argon2's CPU-heavy work; the service swaps in a thread pool so its loop keeps running."""
    return function(*args)


def hash_password(password):
    """Hash ``password`` with argon2id."""
    return run_cpu_bound(_hasher.hash, password)


def _verify(password_hash, password):
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash, password):
    """Tell whether ``password`` matches, spending as long on an absent hash as on a wrong one."""
    return run_cpu_bound(_verify, password_hash or _DUMMY_HASH, password) and password_hash is not None


def require_current_password(session, user, password, buckets, field="current_password"):
    """Refuse (on ``field``) unless ``password`` is ``user``'s current one. A signed-in person confirming a
    change still guesses: each wrong password counts (throttling.CURRENT_PASSWORD, the person's own bucket)."""
    with throttling.attempt(session, throttling.CURRENT_PASSWORD, buckets):
        if not verify_password(user.password_hash, password):
            raise invalid(field, _("That is not your current password."))


def length_problem(password, min_length=NEW_PASSWORD_LENGTH.min, max_length=NEW_PASSWORD_LENGTH.max):
    """Say why ``password`` has the wrong length, or return None (no composition rules)."""
    if len(password) < min_length:
        return _("Use at least %(count)s characters.", count=min_length)
    if len(password) > max_length:
        return _("Use at most %(count)s characters.", count=max_length)
    return None


@functools.cache
def common_passwords():
    """zxcvbn's 30,000 most common passwords, read when a password is first judged.

    Importing ``zxcvbn.frequency_lists`` builds all six of its lists (~12 MB resident for as long as accounts
    runs); its generated source holds each as one string literal, so only the passwords' one is read (~5 MB).
    """
    source = Path(importlib.util.find_spec("zxcvbn").submodule_search_locations[0]) / "frequency_lists.py"
    text = source.read_text(encoding="utf-8")
    try:
        start = text.index('"passwords": "') + len('"passwords": ')
        return frozenset(ast.literal_eval(text[start:text.index('"', start + 1) + 1]).split(","))
    except (ValueError, SyntaxError):  # a zxcvbn release laid out otherwise
        from zxcvbn.frequency_lists import FREQUENCY_LISTS
        return frozenset(FREQUENCY_LISTS["passwords"])


def is_predictable(password):
    """Tell whether ``password`` is common (give or take digits and symbols around it), a run or a sequence."""
    lowered = password.lower()
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,?/ ")
    common = common_passwords()
    return (lowered in common or core in common or len(set(lowered)) <= 2
            or any(lowered in sequence or lowered in sequence[::-1] for sequence in SEQUENCES))


STAFF_MIN_LENGTH = 12
PREDICTABLE = N_("This password is too common or predictable. Choose another.")


def password_problem(password, min_length=STAFF_MIN_LENGTH):
    """Say what is wrong with a new password, staff's or client's, or return None: the one password rule.

    Long enough (``min_length``, a business may ask more of its clients) and not common or predictable.
    """
    problem = length_problem(password, min_length)
    if problem:
        return problem
    if is_predictable(password):
        return _(PREDICTABLE)
    return None


def hash_new_password(password, min_length=STAFF_MIN_LENGTH, field="password"):
    """Hash a new password, or raise InvalidInput on ``field`` saying what is wrong with it."""
    problem = password_problem(password, min_length)
    if problem:
        raise invalid(field, problem)
    return hash_password(password)


def client_password_problem(password, settings):
    """Say what is wrong with a new client password under the General tab ``settings``, or return None."""
    return password_problem(password, settings["min_password_length"])


def hash_client_password(password, settings, field="password"):
    """Hash a new client password, or raise InvalidInput on ``field`` saying what is wrong with it."""
    return hash_new_password(password, settings["min_password_length"], field)
