"""Who acted, by name, for staff: tickets asks accounts, which owns the names, and never takes a name a caller sent.

A client's action (a ticket, a reply, a chat message, an upload) asks accounts' ``get_my_names`` as that client
(the nested call carries their passport): the name of the account they act for and their own. A staff member's
reply asks ``get_client`` as that staff member (to email the client), and a document staff share is signed with
their name from ``list_staff_users``. The answer is remembered where it is shown again
(a ticket's or a thread's ``client_name``, a document's uploader), so a later event without a caller (a client's
emailed reply) still names the client. Accounts not answering in time never stops the action: the name is then
left out, and alerts fall back to the account's number.
"""
import logging

import eventlet
from nameko.exceptions import RemoteError

from shared.errors import PorticoError

ACCOUNTS_TIMEOUT_SECONDS = 2
NAME_LENGTH = 120

log = logging.getLogger(__name__)


def _asked(session, call, what):
    session.rollback()  # no transaction (on SQLite, the service's one connection) waits on accounts
    try:
        with eventlet.Timeout(ACCOUNTS_TIMEOUT_SECONDS, PorticoError("accounts did not answer in time")):
            return call() or {}
    except (PorticoError, RemoteError) as error:
        log.warning("%s without names: accounts could not say (%s)", what, type(error).__name__)
        return {}


def clip(name):
    return name[:NAME_LENGTH] if isinstance(name, str) and name.strip() else None


def of_calling_client(session, accounts):
    """``{"account": name, "person": name}`` of the calling client (either None when accounts cannot say)."""
    found = _asked(session, accounts.get_my_names, "a client's action")
    return {"account": clip(found.get("account_name")), "person": clip(found.get("portal_user_name"))}


def of_staff_member(session, accounts, staff_id):
    """The calling staff member's name (their email when they have none), or None."""
    members = _asked(session, accounts.list_staff_users, "a staff action")
    members = members.get("items", []) if isinstance(members, dict) else members
    found = next((member for member in members if member.get("id") == staff_id), {})
    return clip(found.get("name") or found.get("email"))

