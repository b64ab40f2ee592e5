"""The names alerts use: each client account's name and contact details (accounts' ACCOUNT_SAVED) and each staff
member's name and email (accounts' STAFF_USER_SAVED), kept here so an alert never waits on accounts.

Events are handled by several workers and retried after a failure, so an older one can arrive after a newer one:
a row changes only for a change made later than the one it holds (the envelope's ``occurred_at``).
"""
from sqlalchemy import select

from notifications.messages import load_event
from notifications.models import AccountName, StaffMember
from shared.clock import as_utc, occurred_at
from shared.events import ACCOUNT_SAVED, STAFF_USER_SAVED
from shared.i18n import _, known_language
from shared.messaging import on_event

NAME_MAX = 120


def _newer(row, moment):
    return row is None or as_utc(row.updated_at) <= moment


def save_account(session, tenant_id, data, moment):
    """Keep an account's name, contact email, mobile number and language as of ``moment``, unless newer ones are
    kept."""
    row = session.get(AccountName, (tenant_id, data["account_id"]))
    if not _newer(row, moment):
        return row
    row = row or AccountName(tenant_id=tenant_id, account_id=data["account_id"])
    row.name = data["name"][:NAME_MAX]
    row.contact_email, row.mobile_phone, row.updated_at = data["contact_email"], data["mobile_phone"], moment
    row.language = known_language(data.get("language"))  # None: the business's default
    session.add(row)
    session.flush()
    return row


def remember_name(session, tenant_id, account_id, name, moment):
    """An event that names the client (tickets' ``client_name``) names an account accounts has not told of yet.

    It never overrides what ACCOUNT_SAVED said: that event carries the contact details too.
    """
    if not name or account_id is None or session.get(AccountName, (tenant_id, account_id)) is not None:
        return
    session.add(AccountName(tenant_id=tenant_id, account_id=account_id, name=name[:NAME_MAX], updated_at=moment))
    session.flush()


def account_name(session, tenant_id, account_id):
    """The client account's name, or "Account <id>" before accounts told of it."""
    if account_id is None:
        return _("A client")
    name = session.scalar(select(AccountName.name).where(AccountName.tenant_id == tenant_id,
                                                         AccountName.account_id == account_id))
    return name or _("Account %(id)s", id=account_id)


def account_contact(session, tenant_id, account_id):
    """``{name, contact_email, mobile_phone, language}`` of the account, or None before accounts told of it."""
    row = session.get(AccountName, (tenant_id, account_id))
    if row is None:
        return None
    return {"name": row.name, "contact_email": row.contact_email, "mobile_phone": row.mobile_phone,
            "language": row.language}


def save_staff(session, tenant_id, data, moment):
    """Keep a staff member's name and email as of ``moment``, unless newer ones are kept."""
    row = session.get(StaffMember, (tenant_id, data["staff_user_id"]))
    if not _newer(row, moment):
        return row
    row = row or StaffMember(tenant_id=tenant_id, staff_user_id=data["staff_user_id"])
    row.name, row.email, row.updated_at = data["name"][:NAME_MAX], data["email"], moment
    session.add(row)
    session.flush()
    return row


def staff_name(session, tenant_id, staff_id):
    """The staff member's name, or None when accounts has not told of them."""
    if staff_id is None:
        return None
    return session.scalar(select(StaffMember.name).where(StaffMember.tenant_id == tenant_id,
                                                         StaffMember.staff_user_id == staff_id))


def staff_emails(session, tenant_id, staff_ids):
    """``{staff_user_id: email}`` of those of ``staff_ids`` whose email is known."""
    if not staff_ids:
        return {}
    return dict(session.execute(select(StaffMember.staff_user_id, StaffMember.email).where(
        StaffMember.tenant_id == tenant_id, StaffMember.staff_user_id.in_(list(staff_ids)))).all())


class Namer:
    """Names for one event's alert: the client account's and the acting staff member's, read once each."""

    def __init__(self, session, tenant_id):
        self.session, self.tenant_id = session, tenant_id

    def client(self, account_id):
        return account_name(self.session, self.tenant_id, account_id)

    def staff(self, staff_id):
        """"Sam Staff", or "staff member 4" when accounts has not told of them, or "staff" with no id."""
        if staff_id is None:
            return _("staff")
        return staff_name(self.session, self.tenant_id, staff_id) or _("staff member %(id)s", id=staff_id)


class NameHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(ACCOUNT_SAVED)
    def handle_account_saved(self, event):
        save_account(self.db, event["tenant_id"], load_event(ACCOUNT_SAVED, event), occurred_at(event))

    @on_event(STAFF_USER_SAVED)
    def handle_staff_user_saved(self, event):
        save_staff(self.db, event["tenant_id"], load_event(STAFF_USER_SAVED, event), occurred_at(event))
