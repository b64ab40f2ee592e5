"""Secrets handed to people, stored only as hashes: session tokens, single-use link tokens and one-time codes."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from accounts.models import SignInToken
from shared.clock import as_utc, utcnow
from shared.errors import NotFound, Unauthenticated
from shared.i18n import N_, _

CODE_TTL = timedelta(minutes=10)
CODE_GUESSES = 5
WRONG_CODE = N_("That code is not correct.")
SPENT_CODE = N_("This code can no longer be used. Ask for a new one.")
DEAD_LINK = N_("This link is no longer valid. Ask for a new one.")


def new_token():
    """Return a fresh opaque token and the hash under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token):
    """Return the hash under which ``token`` is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code():
    """Return a fresh six-digit code."""
    return f"{secrets.randbelow(10 ** 6):06d}"


def issue(session, tenant_id, user, purpose, ttl, secret, attempt=None, new_email=None):
    """Store a fresh single-use secret, revoking the user's earlier ones of the same purpose."""
    now = utcnow()
    if user is not None:
        revoke_unused(session, user, purpose)
    row = SignInToken(tenant_id=tenant_id, portal_user_id=user.id if user else None, purpose=purpose,
                      token_hash=token_hash(secret),
                      attempt_hash=token_hash(attempt) if attempt else None,
                      new_email=new_email, guesses=0, created_at=now, expires_at=now + ttl)
    session.add(row)
    return row


def revoke_unused(session, user, purpose):
    """Revoke ``user``'s unused secrets of ``purpose``."""
    session.execute(update(SignInToken).where(
        SignInToken.portal_user_id == user.id, SignInToken.purpose == purpose,
        SignInToken.used_at.is_(None), SignInToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def _spent(row):
    return row.used_at or row.revoked_at or as_utc(row.expires_at) <= utcnow()


def live_link(session, tenant_id, purpose, token):
    """Return the unused, unexpired link token, or raise NotFound with one message for every other case."""
    row = session.scalar(select(SignInToken).where(
        SignInToken.tenant_id == tenant_id, SignInToken.purpose == purpose,
        SignInToken.token_hash == token_hash(token or "")))
    if row is None or _spent(row) or row.portal_user_id is None:
        raise NotFound(_(DEAD_LINK))
    return row


def check_code(session, row, code):
    """Spend one guess on ``row`` and raise Unauthenticated unless ``code`` is its code."""
    if row is None or _spent(row) or row.guesses >= CODE_GUESSES:
        raise Unauthenticated(_(SPENT_CODE))
    if not secrets.compare_digest(row.token_hash, token_hash(code)):
        row.guesses += 1
        session.commit()  # the spent guess counts even though the call fails
        raise Unauthenticated(_(WRONG_CODE if row.guesses < CODE_GUESSES else SPENT_CODE))
    row.used_at = utcnow()
