"""The billing service's entrypoints: invoices, payments, cards on file, autopay, charge runs (estimates in
estimate_entrypoints.py)."""
import eventlet
from eventlet import tpool
from nameko.rpc import RpcProxy
from nameko.timer import timer

from billing import (VERSION, access, audit_facts, autopay, charge_groups, charge_run_lists, charge_runs, checkout,
                     credit, documents, estimates, history, invoice_emails, invoice_list, invoices, known_accounts,
                     local_time, methods, recovery, refunds, services_tab)
from billing.autopay_cycle_entrypoints import AutopayCycleEntrypoints
from billing.dependencies import ChargingPool, PaymentProcessor
from billing.estimate_entrypoints import EstimateEntrypoints
from billing.job_entrypoints import JobEntrypoints
from billing.look_entrypoints import LookHandlers
from billing.models import platform
from billing.processor_entrypoints import ProcessorEntrypoints
from billing.refund_entrypoints import RefundEntrypoints
from billing.reminder_entrypoints import VisitReminderEntrypoints
from billing.request_entrypoints import RequestEntrypoints
from billing.schemas import ApplyCreditSchema
from billing.services_tab_entrypoints import ServicesTabEntrypoints
from billing.settings import TABS
from shared.batch import batchable
from shared.audit import who
from shared.blob_provider import BlobStore
from shared.context import tenant_rpc
from shared.entrypoints import StandardEntrypoints
from shared.errors import ServiceTimeout, invalid
from shared.i18n import _
from shared.events import INVOICE_CHARGE_REQUESTED
from shared.messaging import Outbox, ReliableEventHandler
from shared.settings_store import read_settings
from shared.validation import dict_get, load_or_raise

# Any of these on gives the client's Billing tab something to show; all off, the portal leaves the tab out.
BILLING_TAB_FEATURES = ("show_invoices", "online_payments_enabled", "prepayments_enabled", "show_billing_history",
                        "allow_card_changes", "allow_bank_account_changes", "autopay_enabled")
CLIENT_FEATURES = ("show_invoices", "online_payments_enabled", "allow_partial_payments", "allow_credit_at_checkout",
                   "allow_card_changes", "allow_bank_account_changes", "autopay_enabled", "prepayments_enabled",
                   "show_billing_history", "over_limit_action", "card_max_payment", "ach_max_payment")
ACCOUNTS_TIMEOUT_SECONDS = 3  # nameko's own proxy would wait for ever
documents.run_cpu_bound = tpool.execute  # rendering a PDF is CPU work: off the event loop, so heartbeats flow


class BillingService(JobEntrypoints, AutopayCycleEntrypoints, EstimateEntrypoints, VisitReminderEntrypoints,
                     ServicesTabEntrypoints, RequestEntrypoints, LookHandlers, ProcessorEntrypoints,
                     RefundEntrypoints, StandardEntrypoints):
    name = "billing"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    outbox = Outbox(platform)
    processor = PaymentProcessor()
    charging_pool = ChargingPool()
    accounts = RpcProxy("accounts")  # carries the caller's passport, so accounts answers as it would them
    blobs = BlobStore()

    def _settings(self):
        return read_settings(self.db, platform.tenant_settings, self.ctx.tenant_id, TABS, "billing")

    def _services_settings(self, tenant_id=None):
        """The Services tab of ``tenant_id`` (the caller's business by default)."""
        return read_settings(self.db, platform.tenant_settings,
                             self.ctx.tenant_id if tenant_id is None else tenant_id, TABS, "services")

    # --- staff: invoices -----------------------------------------------------------------

    def _known_account(self, tenant_id, account_id):
        """Make sure ``account_id`` is a client of the caller's business, asking accounts as the caller."""
        def confirm(account):
            with eventlet.Timeout(ACCOUNTS_TIMEOUT_SECONDS,
                                  ServiceTimeout(_("The accounts service did not answer in time."))):
                return self.accounts.get_client(account)

        known_accounts.ensure_known(self.db, tenant_id, account_id, confirm)
        return tenant_id

    @tenant_rpc
    def create_invoice(self, invoice):
        tenant_id = access.staff_tenant(self.ctx)
        row = invoices.create_invoice(self.db, self._known_account(tenant_id, dict_get(invoice, "account_id")),
                                      invoice)
        audit_facts.invoice(self.db, self.outbox, row, "invoice_created", who(self.ctx))
        invoice_emails.issued(self.db, self.outbox, tenant_id, row, self.ctx.actor)
        self.db.commit()
        return invoices.describe(row, invoices.lines_of(self.db, row))

    @batchable
    @tenant_rpc
    def list_invoices(self, filters=None):
        return invoice_list.list_invoices(self.db, access.staff_tenant(self.ctx), filters)

    @tenant_rpc
    def get_invoice(self, invoice_id):
        return self._staff_invoice(invoices.find_invoice(self.db, access.staff_tenant(self.ctx), invoice_id))

    def _staff_invoice(self, row):
        """An invoice as staff see it: its lines, why it was voided, and its refunds."""
        return {**invoices.describe_for_staff(row, invoices.lines_of(self.db, row)),
                "refunds": refunds.refunds_of(self.db, row.id)}

    @tenant_rpc
    def void_invoice(self, invoice_id, reason=None):
        """Void an open invoice; anything already paid on it becomes the account's credit."""
        tenant_id = access.staff_tenant(self.ctx)
        row, released = invoices.void_invoice(self.db, tenant_id, invoice_id, {"reason": reason},
                                              self.ctx.actor.get("id"))
        audit_facts.invoice(self.db, self.outbox, row, "invoice_voided", who(self.ctx))
        self.db.commit()
        return {**self._staff_invoice(row), "credit_released": released}

    @tenant_rpc
    def email_invoice(self, invoice_id, to=None):
        """Email one of the business's open invoices with a link to pay it, to ``to`` or the account's contact
        email (INVOICE_EMAIL_REQUESTED naming the staff member; the account's history records it)."""
        tenant_id = access.staff_tenant(self.ctx)
        answer = invoice_emails.email_invoice(self.db, self.outbox, tenant_id, invoice_id, to, who(self.ctx))
        self.db.commit()
        return answer

    def _document(self, row, audience, business_name, account_name=None):
        """Name the PDF of invoice ``row`` for ``audience`` in the blob store, rendering it if it changed."""
        described = invoices.describe(row, invoices.lines_of(self.db, row))
        answer, replaced = documents.invoice_document(self.db, self.blobs, row.tenant_id, described, audience,
                                                      business_name, account_name)
        self.db.commit()
        documents.discard(self.blobs, replaced)
        return answer

    @tenant_rpc
    def invoice_pdf(self, invoice_id, business_name, account_name=None):
        """Return ``{"filename", "blob_id"}`` of the invoice's PDF as staff see it (naming the client)."""
        row = invoices.find_invoice(self.db, access.staff_tenant(self.ctx), invoice_id)
        return self._document(row, "staff", business_name, account_name)

    @batchable
    @tenant_rpc
    def account_billing(self, account_id):
        """Staff view of one account: summary, history, cards, autopay."""
        tenant_id = self._known_account(access.staff_tenant(self.ctx), account_id)
        summary, available = credit.summary_and_credit(self.db, tenant_id, account_id)
        return {"summary": summary,
                "history": history.history(self.db, tenant_id, account_id),
                "payment_methods": methods.list_methods(self.db, tenant_id, account_id),
                "credit": available,
                "autopay": autopay.status(self.db, tenant_id, account_id, self._settings())}

    @tenant_rpc
    def apply_prepayment(self, request):
        tenant_id = access.staff_tenant(self.ctx)
        payment = credit.apply_prepayment_by_hand(self.db, tenant_id, load_or_raise(ApplyCreditSchema, request))
        audit_facts.record(self.db, self.outbox, tenant_id, payment.account_id, "credit_applied",
                           "Applied a prepayment's credit to invoices", who(self.ctx))  # kept in English
        self.db.commit()
        return history.describe_payment(payment)

    @tenant_rpc
    def set_autopay_lock(self, account_id, locked):
        tenant_id = self._known_account(access.staff_tenant(self.ctx), account_id)
        row = autopay.set_lock(self.db, tenant_id, account_id, locked)
        audit_facts.record(self.db, self.outbox, tenant_id, account_id, "autopay_locked" if row.locked else
                           "autopay_unlocked", "Locked autopay on" if row.locked else "Unlocked autopay",
                           who(self.ctx))
        self.db.commit()
        return {"account_id": row.account_id, "locked": row.locked, "enrolled": row.enrolled}

    @tenant_rpc
    def autopay_statuses(self, account_ids):
        tenant_id = access.staff_tenant(self.ctx)
        if not isinstance(account_ids, list) or not all(isinstance(item, int) for item in account_ids):
            raise invalid("account_ids", _("Send a list of account ids."))
        statuses = autopay.statuses(self.db, tenant_id, account_ids)
        return {str(account_id): value for account_id, value in statuses.items()}

    # --- staff: charging autopay invoices ------------------------------------------------------

    @batchable
    @tenant_rpc
    def invoices_to_charge(self, page=None):
        return charge_run_lists.awaiting_page(self.db, access.staff_tenant(self.ctx), page)

    @tenant_rpc
    def start_charge_run(self, invoice_ids=None):
        tenant_id = access.staff_tenant(self.ctx)
        run = charge_runs.start_run(self.db, self.outbox, tenant_id, invoice_ids, self.ctx.actor.get("id"))
        self.db.commit()
        return charge_runs.progress(self.db, tenant_id, run.id)

    @tenant_rpc
    def get_charge_run(self, run_id, with_items=True, page=None):
        tenant_id = access.staff_tenant(self.ctx)
        answer = charge_runs.progress(self.db, tenant_id, run_id)
        if with_items:  # a run found by progress() is the business's
            answer.update(charge_run_lists.item_page(self.db, tenant_id, run_id, page))
        return answer

    @ReliableEventHandler.decorator(INVOICE_CHARGE_REQUESTED.source, INVOICE_CHARGE_REQUESTED.name)
    def handle_invoice_charge_requested(self, event):
        # No inbox claim here: the items' own states make a redelivery finish, not repeat, the charges.
        data = event["data"]
        invoice_ids = data.get("invoice_ids") or [data["invoice_id"]]
        charge_groups.charge_group(self.db, self.outbox, self.processor, event["tenant_id"], data["run_id"],
                                   invoice_ids, self.charging_pool)

    # --- the client's tab bar and Billing tab ---------------------------------------------------

    @batchable
    @tenant_rpc
    def my_tab_bar(self):
        """What the portal's tab bar shows of billing's tabs, in one call per page: whether the Billing and Services
        tabs are shown, and how many estimates await the client's answer (None: the portal shows no estimates)."""
        tenant_id, account_id = access.client_account(self.ctx)
        services = self._services_settings(tenant_id)
        settings = self._settings()
        awaiting = (estimates.count_awaiting(self.db, tenant_id, account_id, local_time.today(services))
                    if settings["show_estimates"] else None)
        return {"billing": any(settings[key] for key in BILLING_TAB_FEATURES),
                "services": services_tab.tab_shown(services), "estimates_awaiting": awaiting}

    @batchable
    @tenant_rpc
    def my_summary(self):
        tenant_id, account_id = access.client_account(self.ctx)
        settings = self._settings()
        summary, available = credit.summary_and_credit(self.db, tenant_id, account_id)
        return {**summary, "credit": available, "features": {key: settings[key] for key in CLIENT_FEATURES}}

    @batchable
    @tenant_rpc
    def my_invoices(self, filters=None):
        tenant_id, account_id = access.client_account(self.ctx)
        access.require_setting(self._settings(), "show_invoices", _("Invoices are not shown in this portal."))
        return invoice_list.list_invoices(self.db, tenant_id, {**(filters or {}), "account_id": None},
                                          account_id=account_id)

    @tenant_rpc
    def my_invoice_pdf(self, invoice_id, business_name):
        tenant_id, account_id = access.client_account(self.ctx)
        access.require_setting(self._settings(), "show_invoices", _("Invoices are not shown in this portal."))
        return self._document(invoices.find_invoice(self.db, tenant_id, invoice_id, account_id), "client",
                              business_name)

    @batchable
    @tenant_rpc
    def quote_payment(self, request):
        """Say what a checkout would charge and whether it goes over the tenant's limit."""
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        settings = access.require_setting(self._settings(), "online_payments_enabled",
                                          _("Online payments are turned off."))
        return checkout.quote(self.db, tenant_id, account_id, request, settings)

    @tenant_rpc
    def pay_invoices(self, idempotency_key, request):
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        settings = access.require_setting(self._settings(), "online_payments_enabled",
                                          _("Online payments are turned off for this portal."))
        return checkout.pay_invoices(self.db, self.outbox, self.processor, tenant_id, account_id,
                                     idempotency_key, request, settings, self.ctx.actor,
                                     self.ctx.origin)

    @tenant_rpc
    def make_prepayment(self, idempotency_key, request):
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        settings = access.require_setting(self._settings(), "prepayments_enabled",
                                          _("Prepayments are not available in this portal."))
        return checkout.make_prepayment(self.db, self.outbox, self.processor, tenant_id, account_id,
                                        idempotency_key, request, settings, self.ctx.actor,
                                        self.ctx.origin)

    @batchable
    @tenant_rpc
    def my_history(self):
        tenant_id, account_id = access.client_account(self.ctx)
        access.require_setting(self._settings(), "show_billing_history",
                               _("Billing history is not shown in this portal."))
        return history.history(self.db, tenant_id, account_id)

    @tenant_rpc
    def find_payment(self, payment_id):
        """A client's own payment (for receipts); other ids are not found."""
        tenant_id, account_id = access.client_account(self.ctx)
        return history.find_payment(self.db, tenant_id, account_id, payment_id)

    @batchable
    @tenant_rpc
    def my_payment_methods(self):
        tenant_id, account_id = access.client_account(self.ctx)
        return methods.list_methods(self.db, tenant_id, account_id)

    @tenant_rpc
    def add_payment_method(self, method):
        tenant_id, account_id = access.client_account(self.ctx, "pay")
        row = methods.add_method(self.db, tenant_id, account_id, method)
        audit_facts.method_added(self.db, self.outbox, row, who(self.ctx))
        self.db.commit()
        return methods.describe_method(row)

    @tenant_rpc
    def remove_payment_method(self, payment_method_id):
        tenant_id, account_id = access.client_account(self.ctx, "manage")
        row = methods.find_method(self.db, tenant_id, account_id, payment_method_id)
        access.require_method_changes(self._settings(), row.kind)
        methods.remove_method(self.db, self.outbox, row, self.ctx.actor)
        audit_facts.method_removed(self.db, self.outbox, row, who(self.ctx))
        self.db.commit()
        methods.forget_token(self.processor, row.token)
        return {}

    @tenant_rpc
    def replace_payment_method(self, payment_method_id, method):
        """Update a card or bank account: the new one takes the old one's place (autopay too)."""
        tenant_id, account_id = access.client_account(self.ctx, "manage")
        old = methods.find_method(self.db, tenant_id, account_id, payment_method_id)
        access.require_method_changes(self._settings(), old.kind)
        new = methods.replace_method(self.db, old, method)
        audit_facts.method_replaced(self.db, self.outbox, old, new, who(self.ctx))
        self.db.commit()
        return methods.describe_method(new)

    @batchable
    @tenant_rpc
    def my_autopay(self):
        tenant_id, account_id = access.client_account(self.ctx)
        return autopay.status(self.db, tenant_id, account_id, self._settings())

    @tenant_rpc
    def enroll_autopay(self, payment_method_id, consent):
        tenant_id, account_id = access.client_account(self.ctx, "manage")
        settings = access.require_setting(self._settings(), "autopay_enabled",
                                          _("Autopay is not available in this portal."))
        autopay.enroll(self.db, self.outbox, tenant_id, account_id, payment_method_id, consent, settings,
                       self.ctx.actor)
        audit_facts.autopay_changed(self.db, self.outbox, tenant_id, account_id, True, who(self.ctx))
        self.db.commit()
        return autopay.status(self.db, tenant_id, account_id, settings)

    @tenant_rpc
    def cancel_autopay(self):
        tenant_id, account_id = access.client_account(self.ctx, "manage")
        enrolled = autopay.status(self.db, tenant_id, account_id, self._settings())["enrolled"]
        autopay.cancel(self.db, self.outbox, tenant_id, account_id, self.ctx.actor)
        if enrolled:
            audit_facts.autopay_changed(self.db, self.outbox, tenant_id, account_id, False, who(self.ctx))
        self.db.commit()
        return autopay.status(self.db, tenant_id, account_id, self._settings())

    @timer(interval=30)
    def recover_pending_payments(self):
        """Settle payments a crash or an outage left pending (safe on every instance at once)."""
        recovery.recover_pending(self.db, self.outbox, self.processor)
