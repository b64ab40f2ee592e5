"""Staff alerts: one per staff member the Alerts tab names for a client action, unread until read."""
from sqlalchemy import func, select, update

from notifications import alert_mail
from notifications.models import StaffAlert, platform
from notifications.settings import TABS
from shared.clock import utcnow
from shared.errors import NotFound
from shared.i18n import _
from shared.settings_store import read_settings

TEXT_MAX = 500


def tab(session, tenant_id):
    """The Alerts tab's settings of the tenant."""
    return read_settings(session, platform.tenant_settings, tenant_id, TABS, "alerts")


def recipients(session, tenant_id, action):
    """Return the staff user ids the Alerts tab names for ``action``."""
    return tab(session, tenant_id).get(action) or []


def raise_alerts(session, tenant_id, action, text, account_id, source_event_id, link=None, also=()):
    """Add one unread alert per staff member chosen for ``action`` and per one of ``also`` (staff user ids
    alerted whatever the tab says, e.g. a ticket's assignee); return how many were added.

    Someone already alerted for this event (a redelivery) is not alerted again. When the tab says so
    (``email_<action>``), the staff it names also get the alert by email (alert_mail.py).
    """
    settings = tab(session, tenant_id)
    chosen = settings.get(action) or []
    staff_ids = list(dict.fromkeys([*chosen, *(i for i in also if i)]))
    if not staff_ids:
        return 0
    alert_mail.queue_alert_emails(session, tenant_id, action, text, link, chosen, source_event_id, settings)
    already = set(session.scalars(select(StaffAlert.staff_user_id).where(
        StaffAlert.source_event_id == source_event_id))) if source_event_id else set()
    moment = utcnow()
    added = 0
    for staff_id in staff_ids:
        if staff_id in already:
            continue
        session.add(StaffAlert(tenant_id=tenant_id, staff_user_id=staff_id, action=action,
                               text=text[:TEXT_MAX], account_id=account_id, link=link,
                               source_event_id=source_event_id, created_at=moment))
        added += 1
    session.flush()
    return added


def _mine(tenant_id, staff_id):
    return (StaffAlert.tenant_id == tenant_id, StaffAlert.staff_user_id == staff_id)


def list_alerts(session, tenant_id, staff_id, unread_only, limit):
    """Return the staff member's alerts, newest first."""
    query = select(StaffAlert).where(*_mine(tenant_id, staff_id))
    if unread_only:
        query = query.where(StaffAlert.read_at.is_(None))
    return session.scalars(query.order_by(StaffAlert.id.desc()).limit(limit)).all()


def count_unread(session, tenant_id, staff_id):
    return session.scalar(select(func.count(StaffAlert.id)).where(
        *_mine(tenant_id, staff_id), StaffAlert.read_at.is_(None)))


def mark_read(session, tenant_id, staff_id, alert_ids):
    """Mark the staff member's ``alert_ids`` read; any other id (someone else's too) is NotFound.

    Return how many were unread until now. Nothing changes when one id is not theirs.
    """
    wanted = set(alert_ids)
    if not wanted:
        return 0
    found = set(session.scalars(select(StaffAlert.id).where(
        *_mine(tenant_id, staff_id), StaffAlert.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise NotFound(_("No such alert: %(ids)s.", ids=", ".join(str(alert_id) for alert_id in missing[:10])),
                       {"alert_ids": [_("Some of these alerts do not exist or are not yours.")]})
    result = session.execute(update(StaffAlert).where(
        *_mine(tenant_id, staff_id), StaffAlert.id.in_(wanted), StaffAlert.read_at.is_(None))
        .values(read_at=utcnow()))
    return result.rowcount
