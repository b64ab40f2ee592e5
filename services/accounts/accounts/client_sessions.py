"""Client sessions: opened at sign-in, resolved on each request, moved between linked accounts, ended."""
from accounts.models import ClientSession, PortalUser
from accounts.portal_users import linked_accounts
from accounts.sessions import (SESSION_ENDED, WRONG_CREDENTIALS, keep_for, live_session, open_session, revoke,
                              revoke_all_but)
from accounts.tokens import token_hash
from shared.clock import utcnow
from shared.errors import NotFound, Unauthenticated
from shared.i18n import _


def start(session, user, account_id=None):
    """Open a session for ``user`` on ``account_id`` (else their first account); refuse a user with none."""
    accounts = linked_accounts(session, user)
    if not accounts:
        raise Unauthenticated(_(WRONG_CREDENTIALS))
    current = next((item for item in accounts if item["id"] == account_id), accounts[0])
    token, csrf_token = open_session(session, ClientSession, portal_user_id=user.id,
                                     tenant_id=user.tenant_id, account_id=current["id"])
    return {"token": token, **describe(user, csrf_token, current, accounts)}


def describe(user, csrf_token, current, accounts):
    """Return what the portal shows of a session: who, which account now, which others."""
    return {"csrf_token": csrf_token,
            "portal_user": {"id": user.id, "email": user.email, "username": user.username},
            "language": user.language,  # the pages' language, when the client chose one
            "account": current, "accounts": accounts}


def _live(session, tenant_id, token):
    row = live_session(session, ClientSession, token, tenant_id)
    user = session.get(PortalUser, row.portal_user_id)
    return row, user, linked_accounts(session, user)


def resolve(session, tenant_id, token):
    """Return the session of ``token``, ending it when its account is no longer linked."""
    row, user, accounts = _live(session, tenant_id, token)
    current = next((item for item in accounts if item["id"] == row.account_id), None)
    if current is None:  # the link was removed since: the session no longer grants anything
        row.revoked_at = utcnow()
        raise Unauthenticated(_(SESSION_ENDED))
    return {**describe(user, row.csrf_token, current, accounts), "keep_for": keep_for(row, utcnow())}


def switch_account(session, tenant_id, token, account_id):
    """Move the session of ``token`` to another account linked to its user."""
    row, user, accounts = _live(session, tenant_id, token)
    current = next((item for item in accounts if item["id"] == account_id), None)
    if current is None:
        raise NotFound(_("No such account."))
    row.account_id = account_id
    return describe(user, row.csrf_token, current, accounts)


def sign_out(session, tenant_id, token):
    """End the session of ``token``."""
    revoke(session, ClientSession, ClientSession.token_hash == token_hash(token or ""),
           ClientSession.tenant_id == tenant_id)


def end_all(session, user):
    """End every session of ``user``."""
    revoke(session, ClientSession, ClientSession.portal_user_id == user.id)


def end_others(session, user, keep_token):
    """End every session of ``user`` but the one of ``keep_token`` (their password or email changed)."""
    revoke_all_but(session, ClientSession, keep_token, ClientSession.portal_user_id == user.id)
