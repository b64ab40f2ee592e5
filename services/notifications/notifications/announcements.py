"""Announcements: staff tell every client, or chosen accounts, something between two dates; clients see the live
ones on Home, and the newest they have not dismissed as a notice at sign-in.

A day is a UTC calendar day (notifications keeps no time zone of the business): an announcement is live from the
start of ``starts_on`` to the end of ``ends_on``. The sign-in notice is dismissed per portal user, not per account:
each person who signs in to a shared account is told once, and one person's Dismiss hides it from no one else.
"""
from sqlalchemy import bindparam, delete, exists, or_, select

from notifications.announcement_models import (CHOSEN, EVERYONE, Announcement, AnnouncementAccount,
                                               AnnouncementDismissal)
from notifications.rendering import html_to_text, sanitise_html
from shared.clock import utcnow
from shared.errors import InvalidInput, NotFound
from shared.i18n import N_, _

NOT_FOUND = N_("No such announcement.")
EMPTY_TEXT = N_("Write the announcement's text.")


def today():
    return utcnow().date()


def status_of(row, day):
    if row.starts_on > day:
        return "scheduled"
    if row.ends_on is not None and row.ends_on < day:
        return "ended"
    return "live"


def an_id(value):
    """Whether ``value`` may name a row: an integer (not a boolean) that every backend's 64-bit integer holds."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2 ** 63


def find(session, tenant_id, announcement_id):
    row = session.get(Announcement, announcement_id) if an_id(announcement_id) else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound(_(NOT_FOUND))
    return row


def chosen_accounts(session, announcement_id):
    return list(session.scalars(select(AnnouncementAccount.account_id)
                                .where(AnnouncementAccount.announcement_id == announcement_id)
                                .order_by(AnnouncementAccount.account_id)))


def describe(session, row, day):
    return {"id": row.id, "title": row.title, "html": row.html, "audience": row.audience,
            "account_ids": chosen_accounts(session, row.id) if row.audience == CHOSEN else [],
            "starts_on": row.starts_on, "ends_on": row.ends_on, "status": status_of(row, day),
            "created_at": row.created_at, "updated_at": row.updated_at}


def list_all(session, tenant_id):
    """Every announcement of the business, the newest start first."""
    return list(session.scalars(select(Announcement).where(Announcement.tenant_id == tenant_id)
                                .order_by(Announcement.starts_on.desc(), Announcement.id.desc())))


def _fill(session, row, data):
    html = sanitise_html(data["html"])
    if not html_to_text(html).strip():
        raise InvalidInput(_(EMPTY_TEXT), {"html": [_(EMPTY_TEXT)]})
    row.title, row.html, row.audience = data["title"], html, data["audience"]
    row.starts_on, row.ends_on, row.updated_at = data["starts_on"], data["ends_on"], utcnow()
    session.add(row)
    session.flush()
    session.execute(delete(AnnouncementAccount).where(AnnouncementAccount.announcement_id == row.id))
    for account_id in (data["account_ids"] or []) if data["audience"] == CHOSEN else []:
        session.add(AnnouncementAccount(announcement_id=row.id, account_id=account_id, tenant_id=row.tenant_id))
    session.flush()
    return row


def create(session, tenant_id, data, staff_id):
    """Store a new announcement (``data`` loaded by AnnouncementInputSchema, its accounts checked)."""
    return _fill(session, Announcement(tenant_id=tenant_id, created_by=staff_id, created_at=utcnow()), data)


def update(session, tenant_id, announcement_id, data):
    return _fill(session, find(session, tenant_id, announcement_id), data)


def withdraw(session, tenant_id, announcement_id):
    """Delete the announcement (its chosen accounts and dismissals go with it)."""
    row = find(session, tenant_id, announcement_id)
    session.execute(delete(AnnouncementAccount).where(AnnouncementAccount.announcement_id == row.id))
    session.execute(delete(AnnouncementDismissal).where(AnnouncementDismissal.announcement_id == row.id))
    session.delete(row)
    session.flush()
    return row.id


ANNOUNCEMENTS, CHOSEN_ACCOUNTS, DISMISSALS = (Announcement.__table__, AnnouncementAccount.__table__,
                                             AnnouncementDismissal.__table__)
# What a client is shown of an announcement, read as plain rows (Home reads them on every page).
CLIENT_COLUMNS = tuple(ANNOUNCEMENTS.c[name] for name in ("id", "title", "html", "starts_on", "ends_on"))


def live_query(tenant_id, account_id, day):
    """The announcements live on ``day`` for the account (CLIENT_COLUMNS), newest first."""
    chosen = exists().where(CHOSEN_ACCOUNTS.c.announcement_id == ANNOUNCEMENTS.c.id,
                            CHOSEN_ACCOUNTS.c.account_id == account_id)
    return (select(*CLIENT_COLUMNS)
            .where(ANNOUNCEMENTS.c.tenant_id == tenant_id, ANNOUNCEMENTS.c.starts_on <= day,
                   or_(ANNOUNCEMENTS.c.ends_on.is_(None), ANNOUNCEMENTS.c.ends_on >= day),
                   or_(ANNOUNCEMENTS.c.audience == EVERYONE, chosen))
            .order_by(ANNOUNCEMENTS.c.id.desc()))


# Built once (Home asks it on every page), with whether the portal user dismissed each one.
LIVE_WITH_DISMISSED = live_query(bindparam("tenant_id"), bindparam("account_id"), bindparam("day")).add_columns(
    exists().where(DISMISSALS.c.announcement_id == ANNOUNCEMENTS.c.id,
                   DISMISSALS.c.portal_user_id == bindparam("portal_user_id")).label("dismissed"))


def client_view(row):
    """An announcement as a client sees it (a row of CLIENT_COLUMNS)."""
    return {"id": row.id, "title": row.title, "html": row.html, "starts_on": row.starts_on.isoformat(),
            "ends_on": row.ends_on.isoformat() if row.ends_on is not None else None}


def live_and_notice(session, tenant_id, account_id, portal_user_id, day):
    """``(live, notice)``: the announcements live on ``day`` for the account (rows of CLIENT_COLUMNS), newest
    first, and the newest of them this portal user has not dismissed (or None)."""
    rows = session.connection().execute(LIVE_WITH_DISMISSED, {
        "tenant_id": tenant_id, "account_id": account_id, "day": day, "portal_user_id": portal_user_id}).all()
    return rows, next((row for row in rows if not row.dismissed), None)


def dismiss(session, tenant_id, account_id, portal_user_id, announcement_id, day):
    """Dismiss the notice of an announcement live for the account; any other id is NotFound."""
    if not an_id(announcement_id) or session.execute(
            live_query(tenant_id, account_id, day).where(ANNOUNCEMENTS.c.id == announcement_id)).first() is None:
        raise NotFound(_(NOT_FOUND))
    if session.get(AnnouncementDismissal, (announcement_id, portal_user_id)) is None:
        session.add(AnnouncementDismissal(announcement_id=announcement_id, portal_user_id=portal_user_id,
                                          tenant_id=tenant_id, dismissed_at=utcnow()))
        session.flush()
