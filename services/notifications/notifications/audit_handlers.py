"""The audit facts of accounts, billing and tickets: each kept once in its account's history (audit_log.py), and
alerts raised from those that no other event announces (fact_alerts.py)."""
from notifications import access, audit_log, fact_alerts, messages
from notifications.schemas import AuditEntrySchema, AuditFiltersSchema
from shared.context import tenant_rpc
from shared.errors import invalid
from shared.events import ACCOUNTS_AUDIT, BILLING_AUDIT, TICKETS_AUDIT
from shared.fields import MAX_ID
from shared.i18n import _
from shared.messaging import on_event
from shared.validation import load_or_raise


class AuditHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db``, ``ctx`` and the inbox."""

    @tenant_rpc
    def list_audit(self, account_id, filters=None):
        """A page of one client account's history for the business's staff, newest first:
        ``{"items": [...], "next_cursor": id or None}``; ``filters`` as AuditFiltersSchema (actions, actor_kind,
        since, until, cursor, limit). An account of another business simply has no entries here."""
        access.staff_member(self.ctx)
        if not isinstance(account_id, int) or isinstance(account_id, bool) or not 1 <= account_id <= MAX_ID:
            raise invalid("account_id", _("Send the id of a client account."))
        values = load_or_raise(AuditFiltersSchema, filters if filters is not None else {})
        rows, cursor = audit_log.list_entries(self.db, self.ctx.tenant_id, account_id, values)
        return {"items": AuditEntrySchema(many=True).dump(rows), "next_cursor": cursor}

    def _keep_fact(self, contract, event):
        data = messages.load_event(contract, event)
        if audit_log.keep(self.db, contract.source, event, data) is not None:
            fact_alerts.raise_from_fact(self.db, event, data)

    @on_event(ACCOUNTS_AUDIT)
    def handle_accounts_audit_fact(self, event):
        self._keep_fact(ACCOUNTS_AUDIT, event)

    @on_event(BILLING_AUDIT)
    def handle_billing_audit_fact(self, event):
        self._keep_fact(BILLING_AUDIT, event)

    @on_event(TICKETS_AUDIT)
    def handle_tickets_audit_fact(self, event):
        self._keep_fact(TICKETS_AUDIT, event)
