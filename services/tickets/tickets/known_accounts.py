"""The client accounts accounts confirmed as the business's, remembered once for tickets, chat and documents.

A staff member's passport names their business, not its accounts: an account id staff send (to open a ticket
or a chat thread for it, to share a document with it) is asked of accounts' ``get_client`` the first time, as
that staff member (the nested call carries their passport), and remembered once confirmed (as billing does).
A client's passport names their account, which accounts signed: that is remembered without asking.
"""
import eventlet
from sqlalchemy.exc import IntegrityError

from shared.clock import utcnow
from shared.errors import NotFound, ServiceTimeout
from shared.i18n import _
from tickets.models import KnownAccount

ACCOUNTS_TIMEOUT_SECONDS = 3  # nameko's own proxy would wait for ever


def ask(accounts, method, *args):
    """``accounts.<method>(*args)``, or ServiceTimeout when accounts does not answer in time."""
    with eventlet.Timeout(ACCOUNTS_TIMEOUT_SECONDS, ServiceTimeout(_("The accounts service did not answer in time."))):
        return getattr(accounts, method)(*args)


def ensure_known(session, accounts, tenant_id, account_id):
    """The account's row once ``account_id`` is a client of ``tenant_id``; NotFound when accounts says it is not."""
    if not isinstance(account_id, int) or isinstance(account_id, bool) or not 0 < account_id < 2 ** 63:
        raise NotFound(_("No such client."))
    known = session.get(KnownAccount, (tenant_id, account_id))
    if known is not None:
        return known
    session.rollback()  # no transaction (on SQLite, the service's one connection) waits on accounts' answer
    ask(accounts, "get_client", account_id)  # NotFound unless it is this business's client
    return remember(session, tenant_id, account_id)


def remember(session, tenant_id, account_id):
    """The account's row, written now unless it is there already (another worker may write it meanwhile)."""
    known = session.get(KnownAccount, (tenant_id, account_id))
    if known is not None:
        return known
    try:
        with session.begin_nested():
            session.add(KnownAccount(tenant_id=tenant_id, account_id=account_id, confirmed_at=utcnow()))
    except IntegrityError:
        pass
    return session.get(KnownAccount, (tenant_id, account_id))
