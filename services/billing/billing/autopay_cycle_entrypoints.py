"""The billing service's entrypoints of the daily autopay cycle (rules in autopay_cycles.py)."""
from nameko.timer import timer

from billing import access, autopay_cycles
from shared.batch import batchable
from shared.config import env
from shared.context import tenant_rpc

# How often each instance looks for a business whose charge hour has come: the charge happens within this
# long of the hour. A test sets a short one (it moves a test clock, see shared/clock.py).
CYCLE_TICK_SECONDS = env("BILLING_AUTOPAY_TICK_SECONDS", 60.0, float)


class AutopayCycleEntrypoints:
    """Mixed into BillingService: the cycle's timer and the staff's view of it."""

    @timer(interval=CYCLE_TICK_SECONDS)
    def start_autopay_cycles(self):
        """Charge each business's due autopay invoices once a day (exactly once across instances)."""
        autopay_cycles.tick(self.db, self.outbox)

    @batchable
    @tenant_rpc
    def autopay_schedule(self):
        """When the next automatic charge happens (local time) and the last few daily cycles."""
        tenant_id = access.staff_tenant(self.ctx)
        return autopay_cycles.schedule(self.db, tenant_id, autopay_cycles.settings_of(self.db, tenant_id))
