"""What notifications deletes once it has served (shared.retention): old messages and alerts.

A message is kept while it is pending, whatever its age; its one-time secret is dropped as soon as
it is sent or failed (delivery.py), and the rest (recipient, subject, body with the secret hidden)
after ``MESSAGE_RETENTION_DAYS``.
"""
from notifications.models import Message, StaffAlert
from shared.retention import Rule

RULES = (
    Rule("sent or failed messages", Message.__table__, "created_at", "MESSAGE_RETENTION_DAYS", 365,
         only=lambda table: table.c.status != "pending"),
    Rule("staff alerts", StaffAlert.__table__, "created_at", "ALERT_RETENTION_DAYS", 365),
)
