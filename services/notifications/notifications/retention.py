"""What notifications deletes once it has served (shared.retention): old messages and alerts.

A message is kept while it is pending, whatever its age; its one-time secret is dropped as soon as
it is sent or failed (delivery.py), and the rest (recipient, subject, body with the secret hidden)
after ``MESSAGE_RETENTION_DAYS``.

Audit history (audit_log.py) is append-only: this rule is the only thing that ever deletes an entry, once it is
older than ``AUDIT_RETENTION_DAYS`` (seven years by default, counted from when the change was made; ``forever``
keeps every entry). docs/audit.md.
"""
from notifications.models import AuditEntry, Message, StaffAlert
from shared.retention import Rule

AUDIT_RETENTION_DEFAULT_DAYS = 2557  # seven years

RULES = (
    Rule("sent or failed messages", Message.__table__, "created_at", "MESSAGE_RETENTION_DAYS", 365,
         only=lambda table: table.c.status != "pending"),
    Rule("staff alerts", StaffAlert.__table__, "created_at", "ALERT_RETENTION_DAYS", 365),
    Rule("audit entries", AuditEntry.__table__, "occurred_at", "AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DEFAULT_DAYS),
)
