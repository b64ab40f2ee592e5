"""``access_changed``: whenever a change could alter what a resolved session says, accounts announces it.

The gateway keeps resolved sessions, the business found by its slug and its portal configuration until an
event says they changed (docs/caching.md). Rather than trusting every code path to remember to announce, the
worker's database session is watched: each flush notes the people (or the whole business) whose sessions'
answers the flushed rows feed, and the commit writes one event per business into the outbox, in the same
transaction. A session's idle timer moving (``last_seen_at``) changes no answer and is not announced.
"""
from nameko.extensions import DependencyProvider
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from accounts.models import ClientAccount, ClientSession, PortalLink, PortalUser, StaffSession, StaffUser, Tenant
from shared.events import ACCESS_CHANGED

WRITER = "portico_access_outbox"  # session.info: the worker's OutboxWriter, set while a worker runs
CHANGED = "portico_access_changed"  # session.info: {tenant_id: {"staff": set, "portal": set, "whole": bool}}
UNANNOUNCED_COLUMNS = {"last_seen_at"}  # the idle timer: no cached answer shows it


def _changes(session, tenant_id):
    found = session.info.setdefault(CHANGED, {})
    return found.setdefault(tenant_id, {"staff": set(), "portal": set(), "whole": False})


def note_staff(session, tenant_id, staff_user_id):
    _changes(session, tenant_id)["staff"].add(staff_user_id)


def note_portal_user(session, tenant_id, portal_user_id):
    _changes(session, tenant_id)["portal"].add(portal_user_id)


def note_whole_business(session, tenant_id):
    _changes(session, tenant_id)["whole"] = True


def _changed_columns(row):
    state = inspect(row)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _note_row(session, row, is_new):
    """Note whose answers ``row`` (added, changed or deleted) feeds; a new session or person feeds none yet."""
    if isinstance(row, (ClientSession, StaffSession)):
        if is_new or not _changed_columns(row) - UNANNOUNCED_COLUMNS:
            return
        if isinstance(row, ClientSession):
            note_portal_user(session, row.tenant_id, row.portal_user_id)
        else:
            note_staff(session, row.tenant_id, row.user_id)
    elif isinstance(row, PortalLink):  # a new link adds an account to the user's live sessions
        with session.no_autoflush:
            user = session.get(PortalUser, row.portal_user_id)
        if user is not None:
            note_portal_user(session, user.tenant_id, user.id)
    elif is_new:
        return
    elif isinstance(row, PortalUser):
        note_portal_user(session, row.tenant_id, row.id)
    elif isinstance(row, StaffUser):
        note_staff(session, row.tenant_id, row.id)
    elif isinstance(row, Tenant):
        note_whole_business(session, row.id)
    elif isinstance(row, ClientAccount):  # linked accounts are listed by name in every client session
        note_whole_business(session, row.tenant_id)


@event.listens_for(Session, "after_flush")
def _noted_in_flush(session, _flush_context):
    if WRITER not in session.info:
        return
    for row in session.new:
        _note_row(session, row, True)
    for row in list(session.dirty) + list(session.deleted):
        _note_row(session, row, False)


@event.listens_for(Session, "before_commit")
def _announce(session):
    """Write the noted changes as events into the transaction about to commit."""
    writer = session.info.get(WRITER)
    if writer is None:
        return
    session.flush()  # the last changes are noted before the events are written
    for tenant_id, change in sorted(session.info.pop(CHANGED, {}).items()):
        writer.add(session, ACCESS_CHANGED, {"staff_user_ids": sorted(change["staff"]),
                                             "portal_user_ids": sorted(change["portal"]),
                                             "whole_business": change["whole"]}, tenant_id=tenant_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous_transaction):
    session.info.pop(CHANGED, None)  # rolled back: nothing changed


class AccessChanges(DependencyProvider):
    """Watch the worker's database session, announcing through the worker's outbox (``db`` and ``outbox``)."""

    def get_dependency(self, worker_ctx):
        return self

    def worker_setup(self, worker_ctx):
        service = worker_ctx.service
        service.db.info[WRITER] = service.outbox

    def worker_teardown(self, worker_ctx):
        worker_ctx.service.db.info.pop(WRITER, None)
