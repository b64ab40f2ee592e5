"""Throttling guesses and costly requests with the ``limits`` library (docs/security.md, "Throttling").

A *check* is a class of request (signing in, sending a code, checking one, ...). Each request of a check
counts in *buckets*: the identity being tried (an email, a login, a portal user) and, for requests made
before signing in, the caller's address. Staff and each business's clients have buckets of their own, so
one business's clients can lock out neither another business's staff nor their own. A bucket holds
``THROTTLE_LIMIT`` counts (``limits``' notation, default "5 per 15 minutes") in a fixed window that starts
at its first count; once full, every request of that check in that bucket is refused until the window ends,
a right password included. Counts live in accounts' database (accounts/throttle_store.py).

Two ways to count:
- ``count(session, check, buckets)``: every request counts (sending a code costs money, so each send does).
- ``with attempt(session, check, buckets): <verify>``: only a failed guess counts (the block raising
  Unauthenticated or InvalidInput); a success gives its try back and forgets the identity's failures.
"""
import ipaddress
import math
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from limits import parse
from limits.strategies import FixedWindowRateLimiter

from accounts.throttle_store import DatabaseStorage
from shared.errors import InvalidInput, RateLimited, Unauthenticated
from shared.i18n import _, ngettext

LIMIT_VARIABLE = "THROTTLE_LIMIT"
DEFAULT_LIMIT = "5 per 15 minutes"
FAILURES = (Unauthenticated, InvalidInput)  # what a wrong guess raises


@dataclass(frozen=True)
class Check:
    """A throttled class of request: its name in the buckets' keys, and the field its refusal names."""

    name: str
    field: str


SIGN_IN = Check("sign_in", "password")
CODE_SEND = Check("code_send", "login")
CODE_CHECK = Check("code_check", "code")
PASSWORD_RESET = Check("password_reset", "login")
EMAIL_CODE_SEND = Check("email_code_send", "new_email")
EMAIL_CODE_CHECK = Check("email_code_check", "code")
SECURITY_ANSWER = Check("security_answer", "answers")
CURRENT_PASSWORD = Check("current_password", "current_password")  # confirming a change, once signed in


def staff_buckets(identity, address=None, by_address=True):
    """Return the buckets of a staff member's request: ``identity`` (email or id) and the caller's address."""
    return _buckets("staff", identity, address, by_address)


def client_buckets(tenant_id, identity, address=None, by_address=True):
    """Return the buckets of a client's request in business ``tenant_id``: ``identity`` and the address."""
    return _buckets(f"client:{tenant_id}", identity, address, by_address)


def login_identity(user, login):
    """Return who a client's login names: the portal user when there is one (so their email and their username
    share a bucket), else the login as typed."""
    return f"user:{user.id}" if user is not None else f"login:{login.strip().lower()}"


def _buckets(audience, identity, address, by_address):
    buckets = [f"{audience}:who:{str(identity).strip().lower()}"]
    return buckets + [f"{audience}:from:{network_of(address)}"] if by_address else buckets


def network_of(address):
    """Return what an address counts as: itself for IPv4, its /64 for IPv6 (one subscriber's usual share)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


@lru_cache(maxsize=8)
def _parsed(text):
    return parse(text)


def current_limit():
    """Return the limit every bucket has (``THROTTLE_LIMIT``, read at each call so tests may shorten it)."""
    return _parsed(os.environ.get(LIMIT_VARIABLE) or DEFAULT_LIMIT)


def refuse_when_throttled(session, check, buckets):
    """Raise RateLimited, with the seconds until it lifts, when a bucket of ``check`` is full."""
    limiter, limit = FixedWindowRateLimiter(DatabaseStorage(session)), current_limit()
    full = [bucket for bucket in buckets if not limiter.test(limit, check.name, bucket)]
    if full:
        lifts = max(limiter.get_window_stats(limit, check.name, bucket).reset_time for bucket in full)
        raise too_many(check, lifts - time.time())


def too_many(check, seconds):
    """Return the refusal of ``check`` for the next ``seconds``: a message, the field, and Retry-After."""
    seconds = max(1, math.ceil(seconds))
    message = _("Too many attempts. Wait %(wait)s, then try again.", wait=wait_text(seconds))
    return RateLimited(message, {check.field: [message]}, retry_after=seconds)


def wait_text(seconds):
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


def count(session, check, buckets):
    """Count one request of ``check`` in each of ``buckets``, or refuse it when one is full."""
    refuse_when_throttled(session, check, buckets)
    storage = DatabaseStorage(session)
    limiter, limit = FixedWindowRateLimiter(storage), current_limit()
    for done, bucket in enumerate(buckets):
        if not limiter.hit(limit, check.name, bucket):  # a request running at the same time took the last one
            _give_back(storage, limit, check, buckets[:done + 1])
            refuse_when_throttled(session, check, buckets)  # says how long to wait
            raise too_many(check, limit.get_expiry())
    storage.prune()


@contextmanager
def attempt(session, check, buckets):
    """Run a guess of ``check`` (the block) under the throttle: a failed guess is one count in each bucket.

    The try is counted and committed before the block runs, so guesses sent all at once cannot pass the
    limit; if the block raises Unauthenticated or InvalidInput the count stays (committed, though the call
    fails); if it succeeds the try is given back and the identity's (first bucket's) failures forgotten.
    """
    count(session, check, buckets)
    session.commit()
    storage = DatabaseStorage(session)
    limit = current_limit()
    try:
        yield
    except FAILURES:
        session.commit()  # the failure counts even though the call fails
        raise
    except Exception:  # not a wrong guess (a setting refused it, or a fault): it does not count
        session.rollback()
        _give_back(storage, limit, check, buckets)
        session.commit()
        raise
    storage.clear(limit.key_for(check.name, buckets[0]))
    _give_back(storage, limit, check, buckets[1:])


def _give_back(storage, limit, check, buckets):
    for bucket in buckets:
        storage.decr(limit.key_for(check.name, bucket))

