"""Throttling guesses: failures (and costly requests) counted per login and per address inside a window."""
from datetime import timedelta

from sqlalchemy import delete, func, select

from accounts.models import SignInFailure
from shared.errors import RateLimited

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 5  # failures per login, and per address, inside the window
TOO_MANY = "Too many attempts. Wait 15 minutes, then try again."


def staff_keys(email, address):
    """Return the keys a staff sign-in counts under: its email and its address."""
    return [f"email:{email.lower()}", f"address:{address or 'unknown'}"]


def portal_keys(tenant_id, login, address, purpose=None):
    """Return the keys a portal request counts under: its login in the tenant and its address."""
    keys = [f"portal:{tenant_id}:{login.strip().lower()}", f"address:{address or 'unknown'}"]
    return [f"{purpose}:{key}" for key in keys] if purpose else keys


def refuse_when_throttled(session, keys, now, message=TOO_MANY):
    """Raise RateLimited when any of ``keys`` has THROTTLE_LIMIT failures inside the window."""
    recent = session.scalar(select(func.count(SignInFailure.id)).where(
        SignInFailure.key.in_(keys), SignInFailure.at > now - THROTTLE_WINDOW)) or 0
    if recent >= THROTTLE_LIMIT:
        raise RateLimited(message)


def count_failure(session, keys, now):
    """Count one failure under each of ``keys``."""
    session.add_all(SignInFailure(key=key, at=now) for key in keys)


def forget_failures(session, key):
    """Forget the failures counted under ``key``."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == key))
