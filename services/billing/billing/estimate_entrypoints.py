"""Billing's estimate entrypoints: staff create, edit, send, list and print estimates; a client sees the ones sent
to their account and approves or declines them (a mixin of BillingService, which provides ``db``, ``ctx``,
``outbox``, ``blobs``, ``_settings`` and ``_known_account``).

Everything a client does needs the Billing tab's ``show_estimates``; deciding needs ``allow_estimate_decisions``
too. Dates (``valid_until``, expiry) are the business's, in the Services tab's time zone.
"""
from billing import access, audit_facts, documents, estimates, local_time
from shared.audit import who
from shared.context import tenant_rpc
from shared.events import ESTIMATE_SENT
from shared.i18n import N_, _
from shared.validation import dict_get

HIDDEN = N_("Estimates are not shown in this portal.")
NO_DECISIONS = N_("Estimates cannot be approved or declined here; please contact the business.")
DECIDE_RIGHT = "manage"  # approving commits the account to work and its price


class EstimateEntrypoints:
    def _estimates_today(self, tenant_id):
        """Today's date where the business works."""
        return local_time.today(self._services_settings(tenant_id))

    def _estimate(self, estimate, tenant_id):
        return estimates.describe(estimate, self._estimates_today(tenant_id), estimates.lines_of(self.db, estimate))

    def _estimate_document(self, estimate, audience, business_name, account_name=None):
        described = self._estimate(estimate, estimate.tenant_id)
        answer, replaced = documents.estimate_document(self.db, self.blobs, estimate.tenant_id, described, audience,
                                                       business_name, account_name)
        self.db.commit()
        documents.discard(self.blobs, replaced)
        return answer

    def _client_estimates(self, decide=False):
        """The signed-in client's ``(tenant_id, account_id, settings)`` when the business shows estimates (and lets
        clients decide them, when ``decide``)."""
        tenant_id, account_id = access.client_account(self.ctx, DECIDE_RIGHT if decide else "view")
        settings = access.require_setting(self._settings(), "show_estimates", _(HIDDEN))
        if decide:
            access.require_setting(settings, "allow_estimate_decisions", _(NO_DECISIONS))
        return tenant_id, account_id, settings

    # --- staff ------------------------------------------------------------------------------------

    @tenant_rpc
    def create_estimate(self, estimate):
        """A draft estimate with lines for one of the business's clients."""
        tenant_id = self._known_account(access.staff_tenant(self.ctx), dict_get(estimate, "account_id"))
        row = estimates.create(self.db, tenant_id, estimate, self._estimates_today(tenant_id))
        self.db.commit()
        return self._estimate(row, tenant_id)

    @tenant_rpc
    def update_estimate(self, estimate_id, changes):
        """Change a draft's title, message, validity date or lines (only the fields sent)."""
        tenant_id = access.staff_tenant(self.ctx)
        row = estimates.edit(self.db, tenant_id, estimate_id, changes, self._estimates_today(tenant_id))
        self.db.commit()
        return self._estimate(row, tenant_id)

    @tenant_rpc
    def send_estimate(self, estimate_id):
        """Send a draft to the client (draft -> sent)."""
        tenant_id = access.staff_tenant(self.ctx)
        row = estimates.send(self.db, tenant_id, estimate_id, self._estimates_today(tenant_id))
        audit_facts.estimate_sent(self.db, self.outbox, row, who(self.ctx))
        self.outbox.add(self.db, ESTIMATE_SENT, {
            "estimate_id": row.id, "account_id": row.account_id, "number": row.number, "title": row.title,
            "total": row.total, "expires_on": row.valid_until.isoformat() if row.valid_until else None,
            "actor": self.ctx.actor})
        self.db.commit()
        return self._estimate(row, tenant_id)

    @tenant_rpc
    def list_estimates(self, filters=None):
        tenant_id = access.staff_tenant(self.ctx)
        return estimates.list_estimates(self.db, tenant_id, filters, self._estimates_today(tenant_id))

    @tenant_rpc
    def get_estimate(self, estimate_id):
        tenant_id = access.staff_tenant(self.ctx)
        return self._estimate(estimates.find(self.db, tenant_id, estimate_id), tenant_id)

    @tenant_rpc
    def estimate_pdf(self, estimate_id, business_name, account_name=None):
        """``{"filename", "blob_id"}`` of the estimate's PDF as staff see it (naming the client)."""
        row = estimates.find(self.db, access.staff_tenant(self.ctx), estimate_id)
        return self._estimate_document(row, "staff", business_name, account_name)

    # --- the client ---------------------------------------------------------------------------------

    @tenant_rpc
    def my_estimates(self, filters=None):
        """The estimates sent to the client's account (never drafts), newest first, and whether they may decide."""
        tenant_id, account_id, settings = self._client_estimates()
        listed = estimates.list_estimates(self.db, tenant_id, filters, self._estimates_today(tenant_id),
                                          account_id=account_id)
        return {**listed, "can_decide": settings["allow_estimate_decisions"]}

    @tenant_rpc
    def get_my_estimate(self, estimate_id):
        tenant_id, account_id, settings = self._client_estimates()
        described = self._estimate(estimates.find(self.db, tenant_id, estimate_id, account_id), tenant_id)
        return {**described, "can_decide": settings["allow_estimate_decisions"] and described["status"] == "sent"}

    @tenant_rpc
    def my_estimate_pdf(self, estimate_id, business_name):
        tenant_id, account_id, __ = self._client_estimates()
        return self._estimate_document(estimates.find(self.db, tenant_id, estimate_id, account_id), "client",
                                       business_name)

    @tenant_rpc
    def decide_estimate(self, estimate_id, decision):
        """Approve or decline a sent estimate: ``{"decision": "approved"|"declined", "note"?}``. Approving puts a
        job on the waiting list; deciding twice, or after it expired, is a Conflict."""
        tenant_id, account_id, __ = self._client_estimates(decide=True)
        row = estimates.decide(self.db, self.outbox, tenant_id, account_id, estimate_id, decision, self.ctx.actor,
                               self._estimates_today(tenant_id))
        audit_facts.estimate_decided(self.db, self.outbox, row, who(self.ctx))
        self.db.commit()
        return {**self._estimate(row, tenant_id), "can_decide": False}
