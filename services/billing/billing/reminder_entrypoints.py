"""The billing service's timer of visit reminders (rules in visit_reminders.py)."""
from nameko.timer import timer

from billing import visit_reminders
from shared.config import env

# How often each instance looks for visits of tomorrow to remind (a test sets a short one).
REMINDER_TICK_SECONDS = env("BILLING_REMINDER_TICK_SECONDS", 300.0, float)


class VisitReminderEntrypoints:
    """Mixed into BillingService."""

    @timer(interval=REMINDER_TICK_SECONDS)
    def send_visit_reminders(self):
        """Publish VISIT_REMINDER_DUE once per visit of tomorrow (exactly once across instances)."""
        visit_reminders.tick(self.db, self.outbox)
