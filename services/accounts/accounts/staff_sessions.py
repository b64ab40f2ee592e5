"""Staff sessions: signing in with email and password, resolving a session's token, signing out."""
from sqlalchemy import select

from accounts import throttling
from accounts.models import StaffSession, StaffUser, Tenant
from accounts.passwords import verify_password
from accounts.schemas import StaffUserSchema, TenantSchema
from accounts.sessions import WRONG_CREDENTIALS, live_session, open_session, revoke
from accounts.tokens import token_hash
from shared.errors import Unauthenticated


def sign_in(session, values, address):
    """Check a staff email and password; open a session and return its token, CSRF token and who it is."""
    email = values["email"].strip().lower()
    with throttling.attempt(session, throttling.SIGN_IN, throttling.staff_buckets(email, address)):
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if not verify_password(user.password_hash if user else None, values["password"]):
            raise Unauthenticated(WRONG_CREDENTIALS)
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
