"""Billing's entrypoints for service requests (rules in service_requests.py): a client asks to move or cancel a
visit of their account or for a new service; staff list and decide requests; tickets checks a client's visit
reference. A mixin of BillingService, which provides ``db``, ``ctx``, ``outbox`` and ``_services_settings``.

A client acts for the account their passport names (the view right is enough: a request only asks); every
setting and the cut-off are checked here whatever a page offered.
"""
from billing import access, audit_facts, local_time, service_list, service_requests
from shared.audit import who
from shared.context import tenant_rpc


class RequestEntrypoints:

    # --- clients ------------------------------------------------------------------------------------

    @tenant_rpc
    def request_visit_change(self, visit_id, request):
        """Ask to move (``{kind: "reschedule", preferred_dates: [1-3 dates], note?}``) or cancel (``{kind:
        "cancel", note?}``) a scheduled visit of the client's account, before the business's cut-off."""
        tenant_id, account_id = access.client_account(self.ctx)
        row = service_requests.ask_about_visit(self.db, self.outbox, tenant_id, account_id, visit_id, request,
                                               self._services_settings(), self.ctx.actor)
        return self._request_answer(row, audit_facts.request_made)

    def _request_answer(self, row, fact):
        """Record ``fact`` of the request ``row``, commit, and describe it."""
        fact(self.db, self.outbox, row, service_requests.about(self.db, row), who(self.ctx))
        self.db.commit()
        return service_requests.describe(self.db, row)

    @tenant_rpc
    def my_offered_services(self):
        """The services the client may request (when the business takes service requests)."""
        tenant_id, _ = access.client_account(self.ctx)
        service_requests.require_allowed(self._services_settings(), "new_service")
        return [{key: item[key] for key in ("id", "name", "description", "price", "recurrence", "interval_weeks")}
                for item in service_list.list_services(self.db, tenant_id, offered_only=True)]

    @tenant_rpc
    def request_service(self, request):
        """Ask for a service the business offers: ``{service_id, preferred_dates: [1-3 dates], note?}``."""
        tenant_id, account_id = access.client_account(self.ctx)
        row = service_requests.ask_for_service(self.db, self.outbox, tenant_id, account_id, request,
                                               self._services_settings(), self.ctx.actor)
        return self._request_answer(row, audit_facts.request_made)

    @tenant_rpc
    def my_visit_request_options(self, visit_id):
        """What the client may ask about a visit of their account (for the request pages): ``{visit,
        can_reschedule, can_cancel, requests_until, until_text, too_late, pending}``."""
        tenant_id, account_id = access.client_account(self.ctx)
        return service_requests.visit_options(self.db, tenant_id, account_id, visit_id, self._services_settings())

    @tenant_rpc
    def my_visit_reference(self, visit_id):
        """``{kind: "visit", id, label}`` of a visit of the client's account, for a ticket about it (tickets asks
        as the client); a visit of another account is not found."""
        tenant_id, account_id = access.client_account(self.ctx)
        return service_requests.visit_reference(self.db, tenant_id, account_id, visit_id)

    # --- staff --------------------------------------------------------------------------------------

    @tenant_rpc
    def list_service_requests(self, filters=None):
        """The business's requests (pending by default, ``{status?, account_id?}``), newest first."""
        return service_requests.list_requests(self.db, access.staff_tenant(self.ctx), filters)

    @tenant_rpc
    def get_service_request(self, request_id):
        tenant_id = access.staff_tenant(self.ctx)
        return service_requests.describe(self.db, service_requests.find_request(self.db, tenant_id, request_id))

    @tenant_rpc
    def decide_service_request(self, request_id, decision):
        """Accept (``{outcome: "accept", scheduled_on?, window_start?, window_end?, reason?}``) or decline
        (``{outcome: "decline", reason}``) a pending request; the outcome is added to its ticket."""
        tenant_id = access.staff_tenant(self.ctx)
        today = local_time.today(self._services_settings())
        row = service_requests.decide(self.db, self.outbox, tenant_id, request_id, decision,
                                      self.ctx.claims.actor_id, today)
        return self._request_answer(row, audit_facts.request_decided)
