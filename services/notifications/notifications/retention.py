"""What notifications deletes once it has served (shared.retention): old messages, alerts and feed items.

A message is kept while it is pending, whatever its age; its one-time secret is dropped as soon as
it is sent or failed (delivery.py), and the rest (recipient, subject, body with the secret hidden)
after ``MESSAGE_RETENTION_DAYS``.

Audit history (audit_log.py) is append-only: this rule is the only thing that ever deletes an entry, once it is
older than ``AUDIT_RETENTION_DAYS`` (seven years by default, counted from when the change was made; ``forever``
keeps every entry). docs/audit.md.

A client's feed item goes once it has been read and is older than ``FEED_RETENTION_DAYS``; an unread one stays, and
so does an announcement's (the feed adds a live announcement's item back whenever it is missing: feed.py).
"""
from notifications.models import AuditEntry, FeedItem, Message, StaffAlert
from shared.retention import Rule

AUDIT_RETENTION_DEFAULT_DAYS = 2557  # seven years

RULES = (
    Rule("sent or failed messages", Message.__table__, "created_at", "MESSAGE_RETENTION_DAYS", 365,
         only=lambda table: table.c.status != "pending"),
    Rule("staff alerts", StaffAlert.__table__, "created_at", "ALERT_RETENTION_DAYS", 365),
    Rule("read feed items", FeedItem.__table__, "created_at", "FEED_RETENTION_DAYS", 365,
         only=lambda table: table.c.read_at.isnot(None) & (table.c.kind != "announcement")),
    Rule("audit entries", AuditEntry.__table__, "occurred_at", "AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DEFAULT_DAYS),
)
