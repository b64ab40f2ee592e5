"""Each client account's audit history: the facts the other services record (shared.audit), kept once each.

Append-only: an entry is added once per fact (the event id of its envelope is unique, a second guard behind the
inbox), never changed, and deleted only by the retention rule (retention.py, ``AUDIT_RETENTION_DAYS``).
"""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from notifications.models import AuditEntry
from shared.clock import occurred_at

SUMMARY_MAX, DEVICE_MAX, IP_MAX, LINK_MAX = 500, 200, 45, 200


def _text(value, limit):
    return value[:limit] if isinstance(value, str) and value else None


def _integer(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def keep(session, source, event, data):
    """Add the fact of ``event`` (its payload loaded as ``data``) to its account's history; a fact already kept
    (the same event id) adds nothing. Return the new entry, or None."""
    if session.scalar(select(AuditEntry.id).where(AuditEntry.event_id == event["event_id"])) is not None:
        return None
    actor, origin = data.get("actor") or {}, data.get("origin") or {}
    entry = AuditEntry(
        tenant_id=event["tenant_id"], account_id=data["account_id"], action=data["action"][:40],
        summary=data["summary"][:SUMMARY_MAX], actor_kind=_text(actor.get("kind"), 20),
        actor_id=_integer(actor.get("id")), ip=_text(origin.get("ip"), IP_MAX),
        device=_text(origin.get("device"), DEVICE_MAX), changes=data.get("changes") or {},
        link=_text(data.get("link"), LINK_MAX), source=source, occurred_at=occurred_at(event),
        event_id=event["event_id"])
    session.add(entry)
    session.flush()
    return entry


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _filtered(query, filters):
    if filters.get("actions"):
        query = query.where(AuditEntry.action.in_(filters["actions"]))
    if filters.get("actor_kind"):
        query = query.where(AuditEntry.actor_kind == filters["actor_kind"])
    if filters.get("since"):
        query = query.where(AuditEntry.occurred_at >= _day_start(filters["since"]))
    if filters.get("until") and filters["until"] < date.max:  # the last day there is: no end at all
        query = query.where(AuditEntry.occurred_at < _day_start(filters["until"] + timedelta(days=1)))
    return query


def list_entries(session, tenant_id, account_id, filters):
    """A page of the account's history, newest first: ``(entries, next cursor or None)``.

    ``filters``: ``actions``, ``actor_kind``, ``since`` and ``until`` (dates, UTC, both included), ``cursor``
    (the id the previous page ended before) and ``limit``.
    """
    query = select(AuditEntry).where(AuditEntry.tenant_id == tenant_id, AuditEntry.account_id == account_id)
    query = _filtered(query, filters)
    if filters.get("cursor"):
        query = query.where(AuditEntry.id < filters["cursor"])
    limit = filters["limit"]
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
