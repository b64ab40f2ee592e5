"""A staff member's own password: changed given the current one, or reset through a link sent by email.

Either way every other session of theirs ends (a reset ends them all) and earlier reset links stop working.
"""
from datetime import timedelta

from sqlalchemy import func, select, update

from accounts import throttling, tokens
from accounts.models import StaffPasswordReset, StaffSession, StaffUser
from accounts.passwords import STAFF_MIN_LENGTH, hash_new_password, require_current_password
from accounts.sessions import revoke_all_but
from shared.clock import as_utc, utcnow
from shared.errors import NotFound
from shared.i18n import _
from shared.events import STAFF_PASSWORD_RESET_ISSUED

RESET_TTL = timedelta(hours=1)
DEAD_LINK = tokens.DEAD_LINK


def change_password(session, user, values, keep_token):
    """Replace ``user``'s password given the current one; end their sessions but the one of ``keep_token``."""
    new_hash = hash_new_password(values["new_password"], field="new_password")  # a weak one is no guess
    require_current_password(session, user, values["current_password"],
                             throttling.staff_buckets(user.id, by_address=False))
    user.password_hash = new_hash
    password_changed(session, user, keep_token)


def password_changed(session, user, keep_token=None):
    """End every session of ``user`` but ``keep_token``'s, and every reset link not yet used."""
    revoke_all_but(session, StaffSession, keep_token, StaffSession.user_id == user.id)
    session.execute(update(StaffPasswordReset).where(
        StaffPasswordReset.user_id == user.id, StaffPasswordReset.used_at.is_(None)).values(used_at=utcnow()))


def request_reset(session, outbox, values, address):
    """Email a reset link to the staff member with that address; answer the same whether or not there is one."""
    now = utcnow()
    email = values["email"].strip().lower()
    # Every request counts, whether or not anyone has the address: each one may send an email.
    throttling.count(session, throttling.PASSWORD_RESET, throttling.staff_buckets(email, address))
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        return {}
    token, hashed = tokens.new_token()
    session.add(StaffPasswordReset(user_id=user.id, token_hash=hashed, created_at=now, expires_at=now + RESET_TTL))
    outbox.add(session, STAFF_PASSWORD_RESET_ISSUED, {
        "staff_user_id": user.id, "email": user.email, "name": user.name, "token": token,
        "expires_at": (now + RESET_TTL).isoformat()}, tenant_id=user.tenant_id)
    return {}


def live_reset(session, token):
    """Return the unused, unexpired reset link of ``token``; NotFound with one message for every other case."""
    row = session.scalar(select(StaffPasswordReset).where(
        StaffPasswordReset.token_hash == tokens.token_hash(token or "")))
    if row is None or row.used_at or as_utc(row.expires_at) <= utcnow():
        raise NotFound(_(DEAD_LINK))
    newer = session.scalar(select(func.count(StaffPasswordReset.id)).where(
        StaffPasswordReset.user_id == row.user_id, StaffPasswordReset.id > row.id))
    if newer:  # only the latest link sent works
        raise NotFound(_(DEAD_LINK))
    return row


def describe(reset):
    return {"min_password_length": STAFF_MIN_LENGTH}


def reset_password(session, reset, values):
    """Set the new password, spend the link and end every session of the staff member."""
    user = session.get(StaffUser, reset.user_id)
    user.password_hash = hash_new_password(values["password"])
    password_changed(session, user)
    return {}
