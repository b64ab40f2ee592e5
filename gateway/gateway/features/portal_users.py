"""Clients' portal access: who has an account, invitations, password resets and links to more accounts."""
from gateway.features import autopay
from gateway.services import rpc


def list_portal_users(query="", without_portal=False):
    return rpc().call("accounts", "list_portal_users", without_portal=without_portal, query=query or None)


def list_portal_users_with_autopay(query="", without_portal=False):
    """Return the Portal users list, each row with its account's autopay state (None when billing is silent)."""
    return autopay.with_autopay_statuses(list_portal_users(query, without_portal))


def invite(client_ids):
    """Invite clients to the portal, or resend their invitation; return one result per client."""
    return rpc().call("accounts", "invite_clients", list(client_ids))


def send_password_resets(client_ids):
    """Email clients a password reset link; return one result per client."""
    return rpc().call("accounts", "send_password_resets", list(client_ids))


def link_portal_user(portal_user_id, account_id, rights):
    """Give a portal user access to one more account, with ``view``, ``pay`` or ``manage`` rights."""
    return rpc().call("accounts", "link_portal_user", portal_user_id, account_id, rights)
