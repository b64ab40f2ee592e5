"""Staff alerts: who hears about which client action (the Alerts tab), in plain words, read or unread.

An event becomes one alert per staff member chosen on the Alerts tab for its action. The
account's name is not in billing's events, so alerts name the account by its number.
"""
from sqlalchemy import func, select, update

from notifications.models import StaffAlert
from notifications.rendering import format_money, invoice_numbers
from notifications.settings import TABS
from shared.errors import NotFound
from shared.messaging import now
from shared.settings_store import read_settings

TEXT_MAX = 500
SCOPES = {"new_jobs": "new jobs only", "all_scheduled_jobs": "all scheduled jobs"}
METHOD_KINDS = {"card": ("card_removed", "a card"), "ach": ("bank_account_removed", "a bank account")}


# --- what each event says -------------------------------------------------------------------

def _by_whom(actor):
    """A note on who acted when it was not the client: staff, or autopay's charge run."""
    kind = (actor or {}).get("kind")
    if kind == "staff":
        staff_id = actor.get("id")
        return f" (done by staff member {staff_id})" if staff_id else " (done by staff)"
    return ""


def _with(method_label):
    return f" with {method_label}" if method_label else ""


def payment_made(data):
    account, amount = data["account_id"], format_money(data["amount"])
    numbers = [item.get("number") for item in data["invoices"] if item.get("number") is not None]
    towards = f" for invoice{'s' if len(numbers) > 1 else ''} {invoice_numbers(numbers)}" if numbers else ""
    if data["source"] == "autopay":
        return f"Autopay charged account {account} {amount}{_with(data['method_label'])}{towards}."
    return f"Account {account} paid {amount}{_with(data['method_label'])}{towards}{_by_whom(data['actor'])}."


def payment_failed(data):
    account, amount = data["account_id"], format_money(data["amount"])
    if data["source"] == "autopay":
        text = f"Autopay could not charge account {account} {amount}{_with(data['method_label'])}."
    else:
        text = (f"A payment of {amount} by account {account}{_with(data['method_label'])} did not go "
                f"through{_by_whom(data['actor'])}.")
    reason = (data.get("message") or "").strip()
    if reason and reason[-1] not in ".!?":
        reason += "."
    return text + " Nothing was charged." + (f" Reason: {reason}" if reason else "")


def prepayment_made(data):
    return (f"Account {data['account_id']} made a prepayment of {format_money(data['amount'])}"
            f"{_with(data['method_label'])}{_by_whom(data['actor'])}.")


def autopay_changed(data, turned):
    scope = SCOPES.get(data.get("scope"))
    detail = f" ({scope})" if scope else ""
    actor = data.get("actor") or {}
    if actor.get("kind") == "staff":
        who = f"Staff member {actor['id']}" if actor.get("id") else "Staff"
        return f"{who} turned {turned} autopay for account {data['account_id']}{detail}."
    return f"Account {data['account_id']} turned {turned} autopay{detail}."


def method_removed(data):
    """Return (action, text) of a removed card or bank account."""
    action, what = METHOD_KINDS.get(data["kind"], METHOD_KINDS["card"])
    return action, f"Account {data['account_id']} removed {what} on file: {data['label']}{_by_whom(data['actor'])}."


# --- raising and reading alerts -------------------------------------------------------------

def recipients(session, tables, tenant_id, action):
    """The staff user ids the Alerts tab names for ``action``."""
    return read_settings(session, tables.tenant_settings, tenant_id, TABS, "alerts").get(action) or []


def raise_alerts(session, tables, tenant_id, action, text, account_id, source_event_id):
    """Add one unread alert per staff member chosen for ``action``; return how many were added.

    Someone already alerted for this event (a redelivery) is not alerted again.
    """
    staff_ids = recipients(session, tables, tenant_id, action)
    if not staff_ids:
        return 0
    already = set(session.scalars(select(StaffAlert.staff_user_id).where(
        StaffAlert.source_event_id == source_event_id))) if source_event_id else set()
    moment = now()
    added = 0
    for staff_id in staff_ids:
        if staff_id in already:
            continue
        session.add(StaffAlert(tenant_id=tenant_id, staff_user_id=staff_id, action=action,
                               text=text[:TEXT_MAX], account_id=account_id,
                               source_event_id=source_event_id, created_at=moment))
        added += 1
    session.flush()
    return added


def _mine(tenant_id, staff_id):
    return (StaffAlert.tenant_id == tenant_id, StaffAlert.staff_user_id == staff_id)


def list_alerts(session, tenant_id, staff_id, unread_only, limit):
    """The staff member's alerts, newest first."""
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
        raise NotFound(f"No such alert: {', '.join(str(alert_id) for alert_id in missing[:10])}.",
                       {"alert_ids": ["Some of these alerts do not exist or are not yours."]})
    result = session.execute(update(StaffAlert).where(
        *_mine(tenant_id, staff_id), StaffAlert.id.in_(wanted), StaffAlert.read_at.is_(None))
        .values(read_at=now()))
    return result.rowcount
