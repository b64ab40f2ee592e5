"""The client accounts billing acts on: confirmed by accounts, which owns them, the first time each is used.

A staff member's passport says which business they work for, not which accounts it has; an account
id in a request is checked with accounts (as that same staff member) before billing stores
anything for it, and remembered once confirmed.
"""
from sqlalchemy.exc import IntegrityError

from billing.models import KnownAccount
from shared.clock import utcnow


def ensure_known(session, tenant_id, account_id, confirm):
    """Return once ``account_id`` is a client of ``tenant_id``; ``confirm(account_id)`` asks accounts the first time.

    ``confirm`` raises NotFound for an id that is not the business's client. An id that is not a number is
    left to the request's own schema to refuse.
    """
    if not isinstance(account_id, int) or isinstance(account_id, bool) or not 0 < account_id < 2 ** 63:
        return
    if session.get(KnownAccount, (tenant_id, account_id)) is not None:
        return
    # Called before the request writes anything: end the read, so no transaction (on SQLite, the
    # service's one connection) waits on accounts' answer.
    session.rollback()
    confirm(account_id)
    try:
        with session.begin_nested():  # two first uses at once: one insert wins, both are confirmed
            session.add(KnownAccount(tenant_id=tenant_id, account_id=account_id, confirmed_at=utcnow()))
    except IntegrityError:
        pass
