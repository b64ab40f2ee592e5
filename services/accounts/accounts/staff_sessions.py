"""Staff sessions: signing in with email and password, resolving a session's token, signing out."""
from sqlalchemy import select

from accounts import throttling
from accounts.models import StaffSession, StaffUser, Tenant
from accounts.passwords import verify_password
from accounts.schemas import StaffUserSchema, TenantSchema
from accounts.sessions import WRONG_CREDENTIALS, live_session, open_session, revoke
from accounts.tokens import token_hash
from shared.clock import utcnow
from shared.errors import Unauthenticated

TOO_MANY_FAILURES = "Too many failed attempts. Wait 15 minutes, then try again."


def sign_in(session, values, address):
    """Check a staff email and password; open a session and return its token, CSRF token and who it is."""
    email = values["email"].strip().lower()
    now = utcnow()
    keys = throttling.staff_keys(email, address)
    throttling.refuse_when_throttled(session, keys, now, TOO_MANY_FAILURES)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if not verify_password(user.password_hash if user else None, values["password"]):
        throttling.count_failure(session, keys, now)
        session.commit()  # the failure counts even though the call fails
        raise Unauthenticated(WRONG_CREDENTIALS)
    throttling.forget_failures(session, keys[0])
    token, csrf_token = open_session(session, StaffSession, user_id=user.id, tenant_id=user.tenant_id)
    return {"token": token, "csrf_token": csrf_token, **describe(session, user)}


def resolve(session, token):
    """Return who the session of ``token`` belongs to, restarting its idle timer."""
    row = live_session(session, StaffSession, token)
    return {"csrf_token": row.csrf_token, **describe(session, session.get(StaffUser, row.user_id))}


def sign_out(session, token):
    """End the session of ``token``."""
    revoke(session, StaffSession, StaffSession.token_hash == token_hash(token or ""))


def describe(session, user):
    """Return a staff member and their tenant as the gateway shows them."""
    tenant = session.get(Tenant, user.tenant_id)
    return {"user": StaffUserSchema().dump(user), "tenant": TenantSchema().dump(tenant)}
