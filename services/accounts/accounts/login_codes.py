"""One-time sign-in codes: sent by text to the client's mobile number (else email), good for ten minutes and five
guesses."""
from sqlalchemy import select

from accounts import client_sessions, throttling, tokens
from accounts.models import PortalUser, SignInToken
from accounts.portal_users import find_by_login, linked_accounts, own_account
from accounts.sign_in import failed, require_method, signed_in
from shared.errors import Unauthenticated
from shared.i18n import _
from shared.events import LOGIN_CODE_ISSUED


def request_code(session, outbox, tenant_id, values, address, settings):
    """Send a code to the login's mobile number (else email); answer the same whether or not the login exists."""
    require_method(settings, "one_time_code")
    user = find_by_login(session, tenant_id, values["login"], settings)
    who = throttling.login_identity(user, values["login"])  # every request counts: codes cost money to send
    throttling.count(session, throttling.CODE_SEND, throttling.client_buckets(tenant_id, who, address))
    if user is not None and not linked_accounts(session, user):
        user = None
    attempt, __ = tokens.new_token()
    code = tokens.new_code()
    row = tokens.issue(session, tenant_id, user, "login_code", tokens.CODE_TTL, code, attempt=attempt)
    if user is not None:
        channel, to = code_destination(session, user)
        outbox.add(session, LOGIN_CODE_ISSUED, {
            "portal_user_id": user.id, "channel": channel, "to": to, "code": code,
            "expires_at": row.expires_at.isoformat()}, tenant_id=tenant_id)
    return {"attempt": attempt}


def code_destination(session, user):
    """Where ``user``'s code goes: ``("sms", number)`` to the mobile number of their own account (the one on their
    Account tab), else ``("email", address)``."""
    account = own_account(session, user)
    return ("sms", account.mobile_phone) if account is not None and account.mobile_phone else ("email", user.email)


def sign_in_with_code(session, outbox, tenant_id, attempt, values, settings, address=None, origin=None):
    """Open a session when ``values`` hold the code sent for ``attempt``, spending a guess otherwise."""
    require_method(settings, "one_time_code")
    attempt_hash = tokens.token_hash(attempt or "")
    row = session.scalar(select(SignInToken).where(
        SignInToken.tenant_id == tenant_id, SignInToken.purpose == "login_code",
        SignInToken.attempt_hash == attempt_hash))
    # the identity tried is the portal user the code went to (an unknown login's attempt stands for it)
    who = f"user:{row.portal_user_id}" if row is not None and row.portal_user_id else f"attempt:{attempt_hash}"
    with throttling.attempt(session, throttling.CODE_CHECK, throttling.client_buckets(tenant_id, who, address)):
        user = session.get(PortalUser, row.portal_user_id) if row is not None and row.portal_user_id else None
        try:
            tokens.check_code(session, row, values["code"])
        except Unauthenticated:
            failed(session, outbox, user, origin, "a wrong one-time code")
            raise
        if user is None:  # never sent: no code can match, but stay on the safe side
            raise Unauthenticated(_(tokens.SPENT_CODE))
    signed_in(session, outbox, user, origin, "a one-time code")
    return client_sessions.start(session, user)
