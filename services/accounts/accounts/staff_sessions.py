"""Staff sessions: signing in with email and password (then a two-step code), resolving a token, signing out."""
from datetime import timedelta

from sqlalchemy import select

from accounts import staff_totp, throttling
from accounts.general_tab import general_settings
from accounts.models import StaffSession, StaffUser, Tenant
from accounts.passwords import verify_password
from accounts.schemas import StaffUserSchema, TenantSchema
from accounts.sessions import SESSION_ENDED, WRONG_CREDENTIALS, keep_for, live_session, open_session, revoke
from accounts.tokens import token_hash
from shared.clock import as_utc, utcnow
from shared.errors import Unauthenticated
from shared.i18n import _

# A session waiting for its second step lasts this long; it grants nothing but that step.
PENDING_TTL = timedelta(minutes=10)
CODE, ENROL = "code", "enrol"


def sign_in(session, values, address):
    """Check a staff email and password; open a session and return its token, CSRF token and who it is."""
    email = values["email"].strip().lower()
    with throttling.attempt(session, throttling.SIGN_IN, throttling.staff_buckets(email, address)):
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if not verify_password(user.password_hash if user else None, values["password"]):
            raise Unauthenticated(_(WRONG_CREDENTIALS))
    step = second_step(session, user)
    if step:
        token, __ = open_session(session, StaffSession, user_id=user.id, tenant_id=user.tenant_id, pending_step=step)
        return {"token": token, "second_step": step}
    return start(session, user)


def second_step(session, user):
    """What ``user`` must do after the password: enter a code, set two-step sign-in up first, or nothing."""
    if staff_totp.enabled(user):
        return CODE
    if general_settings(session, user.tenant_id)["require_staff_two_step"]:
        return ENROL
    return None


def start(session, user):
    """Open a signed-in session for ``user``; return its token, CSRF token and who it is."""
    token, csrf_token = open_session(session, StaffSession, user_id=user.id, tenant_id=user.tenant_id)
    return {"token": token, "csrf_token": csrf_token, **describe(session, user)}


def pending(session, token, steps):
    """Return the session of ``token`` and its user when it waits for one of ``steps`` (None: signed in)."""
    row = live_session(session, StaffSession, token)
    if row.pending_step not in steps or (
            row.pending_step and utcnow() - as_utc(row.created_at) > PENDING_TTL):
        raise Unauthenticated(_(SESSION_ENDED))
    return row, session.get(StaffUser, row.user_id)


def finish_pending(session, row, user):
    """Replace the pending session ``row`` with a signed-in one (a new token: the old one stops working)."""
    row.revoked_at = utcnow()
    return start(session, user)


def verify_code(session, token, code, address, box):
    """Complete a two-step sign-in with a code from the app or a recovery code; return the new session."""
    row, user = pending(session, token, {CODE})
    staff_totp.check(session, user, code, address, box)
    return finish_pending(session, row, user)


def resolve(session, token):
    """Return who the session of ``token`` belongs to, restarting its idle timer."""
    row, user = pending(session, token, {None})
    return {"csrf_token": row.csrf_token, **describe(session, user), "keep_for": keep_for(row, utcnow())}


def sign_out(session, token):
    """End the session of ``token``."""
    revoke(session, StaffSession, StaffSession.token_hash == token_hash(token or ""))


def describe(session, user):
    """Return a staff member and their tenant as the gateway shows them."""
    tenant = session.get(Tenant, user.tenant_id)
    return {"user": StaffUserSchema().dump(user), "tenant": TenantSchema().dump(tenant)}
