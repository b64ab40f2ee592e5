"""Interim: times in UTC (replaced by shared.clock once it is on main)."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def as_utc(moment):
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)
