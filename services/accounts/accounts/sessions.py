"""Session lifetime, the same for staff and client sessions: opening, 30 idle minutes, 12 hours, revoking."""
from datetime import timedelta

from sqlalchemy import select, update

from accounts import access_changes
from accounts.models import StaffSession
from accounts.tokens import new_token, token_hash
from shared.clock import as_utc, utcnow
from shared.errors import Unauthenticated
from shared.i18n import N_, _

SESSION_IDLE = timedelta(minutes=30)
SESSION_ABSOLUTE = timedelta(hours=12)
# The idle timer moves in steps: most page views then read the session without writing it.
LAST_SEEN_STEP = timedelta(minutes=1)
SESSION_ENDED = N_("Your session has ended. Please sign in again.")
WRONG_CREDENTIALS = N_("The email or password is not correct.")


def session_expired(created_at, last_seen_at, now):
    """Tell whether a session has been idle or open for too long at ``now``."""
    return now - last_seen_at > SESSION_IDLE or now - created_at > SESSION_ABSOLUTE


def mark_seen(row, now):
    """Restart a session's idle timer, at most once per LAST_SEEN_STEP."""
    if now - as_utc(row.last_seen_at) >= LAST_SEEN_STEP:
        row.last_seen_at = now


def keep_for(row, now):
    """Seconds an answer about session ``row`` may be reused (the gateway's cache): until accounts must see the
    session again to move its idle timer, and never past the moment it ends."""
    ends = min(as_utc(row.last_seen_at) + SESSION_IDLE, as_utc(row.created_at) + SESSION_ABSOLUTE)
    return max(0.0, min(LAST_SEEN_STEP, ends - now).total_seconds())


def open_session(session, model, **owner):
    """Add a new ``model`` session for ``owner``; return its token and its CSRF token."""
    token, hashed = new_token()
    csrf_token, __ = new_token()
    now = utcnow()
    session.add(model(token_hash=hashed, csrf_token=csrf_token, created_at=now, last_seen_at=now, **owner))
    return token, csrf_token


def live_session(session, model, token, tenant_id=None):
    """Return the live ``model`` session of ``token`` (in ``tenant_id`` when given), its idle timer restarted."""
    row = session.scalar(select(model).where(model.token_hash == token_hash(token or ""),
                                             model.revoked_at.is_(None)))
    now = utcnow()
    if row is None or (tenant_id is not None and row.tenant_id != tenant_id) or session_expired(
            as_utc(row.created_at), as_utc(row.last_seen_at), now):
        raise Unauthenticated(_(SESSION_ENDED))
    mark_seen(row, now)
    return row


def revoke(session, model, *conditions):
    """Revoke every live ``model`` session that meets ``conditions``, noting whose (access_changed)."""
    owner = model.user_id if model is StaffSession else model.portal_user_id
    note = access_changes.note_staff if model is StaffSession else access_changes.note_portal_user
    revoked = session.execute(update(model).where(*conditions, model.revoked_at.is_(None))
                              .values(revoked_at=utcnow()).returning(model.tenant_id, owner))
    for tenant_id, owner_id in revoked.all():
        note(session, tenant_id, owner_id)


def revoke_all_but(session, model, keep_token, *conditions):
    """Revoke every live ``model`` session that meets ``conditions`` except the one of ``keep_token``.

    Run when a credential changes: whoever held another session with the old one is signed out,
    the person making the change stays signed in. With no ``keep_token``, every session ends.
    """
    if keep_token:
        conditions += (model.token_hash != token_hash(keep_token),)
    revoke(session, model, *conditions)
