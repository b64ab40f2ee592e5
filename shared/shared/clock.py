"""Moments in UTC, whichever database handed them back."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def as_utc(moment):
    """Return ``moment`` in UTC; a zone-less one (as SQLite hands back) already is."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def iso_utc(moment):
    """A stored moment as ISO 8601 text in UTC, or None."""
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()
