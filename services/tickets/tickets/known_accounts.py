"""The client accounts accounts confirmed to tickets, per business: staff open a ticket only for their own client.

A staff member's passport names their business, not its accounts; an account id staff send is checked with
accounts (as that staff member) the first time, and remembered once confirmed (as billing does).
"""
from sqlalchemy.exc import IntegrityError

from shared.clock import utcnow
from tickets.models import TicketAccount


def ensure_known(session, tenant_id, account_id, confirm):
    """Return once ``account_id`` is a client of ``tenant_id``; ``confirm`` (NotFound otherwise) asks accounts."""
    if session.get(TicketAccount, (tenant_id, account_id)) is not None:
        return
    session.rollback()  # no transaction waits on accounts' answer
    confirm(account_id)
    try:
        with session.begin_nested():
            session.add(TicketAccount(tenant_id=tenant_id, account_id=account_id, confirmed_at=utcnow()))
    except IntegrityError:
        pass
