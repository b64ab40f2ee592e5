"""The billing service's entrypoints: invoices, payments, cards on file, autopay, charge runs."""
import base64
from datetime import timedelta

from eventlet import tpool
from nameko.timer import timer

from billing import VERSION, autopay, charge_runs, invoices, payments
from billing.models import Autopay, Payment, PaymentMethod, platform
from billing.pdf import render_invoice
from billing.processor import processor_from_env
from billing.schemas import ApplyCreditSchema
from billing.settings import TABS
from shared.context import CallContext, tenant_rpc
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import Conflict, NotFound, PermissionDenied, invalid
from shared.events import INVOICE_CHARGE_REQUESTED, PAYMENT_METHOD_REMOVED
from shared.messaging import Outbox, ReliableEventHandler
from shared.settings_store import read_settings

RIGHTS = ("view", "pay", "manage")
PENDING_GRACE_SECONDS = 120  # longer than any charge takes, so a live request is never overtaken


class BillingService(StandardEntrypoints):
    name = "billing"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    outbox = Outbox(platform)
    processor = processor_from_env()

    # --- who is calling, and what the tenant allows -----------------------------------------------

    def _settings(self, tab="billing"):
        return read_settings(self.db, platform.tenant_settings, self.ctx.tenant_id, TABS, tab)

    def _staff(self):
        if self.ctx.actor.get("kind") != "staff":
            raise PermissionDenied("Only staff can do this.")
        return self.ctx.tenant_id

    def _client(self, needs="view"):
        """The client's current account, refusing rights the link does not give."""
        actor = self.ctx.actor
        if actor.get("kind") != "client" or not isinstance(actor.get("account_id"), int):
            raise PermissionDenied("Only a signed-in client can do this.")
        if RIGHTS.index(actor.get("rights", "view")) < RIGHTS.index(needs):
            raise PermissionDenied("Your access to this account does not allow this.")
        return self.ctx.tenant_id, actor["account_id"]

    def _feature(self, setting, message, tab="billing"):
        settings = self._settings(tab)
        if not settings[setting]:
            raise PermissionDenied(message)
        return settings

    # --- staff: jobs and invoices -----------------------------------------------------------------

    @tenant_rpc
    def create_job(self, job):
        row = invoices.create_job(self.db, self._staff(), job)
        self.db.commit()
        return {"id": row.id, "account_id": row.account_id, "title": row.title, "status": row.status,
                "autopay": row.autopay}

    @tenant_rpc
    def create_invoice(self, invoice):
        row = invoices.create_invoice(self.db, self._staff(), invoice)
        self.db.commit()
        return invoices.describe(row, invoices.lines_of(self.db, row))

    @tenant_rpc
    def list_invoices(self, filters=None):
        return invoices.list_invoices(self.db, self._staff(), filters)

    @tenant_rpc
    def get_invoice(self, invoice_id):
        row = invoices.find_invoice(self.db, self._staff(), invoice_id)
        return invoices.describe_for_staff(row, invoices.lines_of(self.db, row))

    @tenant_rpc
    def void_invoice(self, invoice_id, reason=None):
        """Void an open invoice; anything already paid on it becomes the account's credit."""
        tenant_id = self._staff()
        row, released = invoices.void_invoice(self.db, tenant_id, invoice_id, {"reason": reason}, self.ctx.actor)
        self.db.commit()
        return {**invoices.describe_for_staff(row, invoices.lines_of(self.db, row)), "credit_released": released}

    @tenant_rpc
    def invoice_pdf(self, invoice_id, business_name, account_name=None):
        row = invoices.find_invoice(self.db, self._staff(), invoice_id)
        return self._pdf(row, business_name, account_name)

    def _pdf(self, row, business_name, account_name):
        described = invoices.describe(row, invoices.lines_of(self.db, row))
        data = tpool.execute(render_invoice, described, business_name, account_name)
        return {"filename": f"invoice-{row.number}.pdf", "content_base64": base64.b64encode(data).decode()}

    @tenant_rpc
    def account_billing(self, account_id):
        """Staff view of one account: summary, history, cards, autopay."""
        tenant_id = self._staff()
        return {"summary": invoices.account_summary(self.db, tenant_id, account_id),
                "history": payments.history(self.db, tenant_id, account_id),
                "payment_methods": payments.list_methods(self.db, tenant_id, account_id),
                "credit": payments.available_credit(self.db, tenant_id, account_id),
                "autopay": autopay.status(self.db, tenant_id, account_id, self._settings())}

    @tenant_rpc
    def apply_prepayment(self, request):
        tenant_id = self._staff()
        values = invoices.load(ApplyCreditSchema, request)
        payment = payments.apply_prepayment_by_hand(self.db, tenant_id, values)
        self.db.commit()
        return payments.describe_payment(payment)

    @tenant_rpc
    def set_autopay_lock(self, account_id, locked):
        row = autopay.set_lock(self.db, self._staff(), account_id, locked)
        self.db.commit()
        return {"account_id": row.account_id, "locked": row.locked, "enrolled": row.enrolled}

    @tenant_rpc
    def autopay_statuses(self, account_ids):
        if not isinstance(account_ids, list) or not all(isinstance(item, int) for item in account_ids):
            raise invalid("account_ids", "Send a list of account ids.")
        statuses = autopay.statuses(self.db, self._staff(), account_ids)
        return {str(account_id): value for account_id, value in statuses.items()}

    # --- staff: charging autopay invoices ------------------------------------------------------

    @tenant_rpc
    def invoices_to_charge(self):
        return charge_runs.describe_awaiting(charge_runs.invoices_to_charge(self.db, self._staff()))

    @tenant_rpc
    def start_charge_run(self, invoice_ids=None):
        tenant_id = self._staff()
        run = charge_runs.start_run(self.db, self.outbox, tenant_id, invoice_ids, self.ctx.actor.get("id"))
        self.db.commit()
        return charge_runs.progress(self.db, tenant_id, run.id, with_items=False)

    @tenant_rpc
    def get_charge_run(self, run_id, with_items=True):
        return charge_runs.progress(self.db, self._staff(), run_id, bool(with_items))

    @ReliableEventHandler.decorator(INVOICE_CHARGE_REQUESTED.source, INVOICE_CHARGE_REQUESTED.name)
    def handle_invoice_charge_requested(self, event):
        # No inbox claim here: the item's own state makes a redelivery finish, not repeat, the charge.
        data = event["data"]
        charge_runs.charge_item(self.db, self.outbox, self.processor, event["tenant_id"], data["run_id"],
                                data["invoice_id"], None)

    # --- the client's Billing tab ---------------------------------------------------------------

    @tenant_rpc
    def my_summary(self):
        tenant_id, account_id = self._client()
        settings = self._settings()
        summary = invoices.account_summary(self.db, tenant_id, account_id)
        return {**summary, "credit": payments.available_credit(self.db, tenant_id, account_id),
                "features": {key: settings[key] for key in (
                    "show_invoices", "online_payments_enabled", "allow_partial_payments",
                    "allow_credit_at_checkout", "allow_card_changes", "allow_bank_account_changes",
                    "autopay_enabled", "prepayments_enabled", "show_billing_history", "over_limit_action",
                    "card_max_payment", "ach_max_payment")}}

    @tenant_rpc
    def my_invoices(self, filters=None):
        tenant_id, account_id = self._client()
        self._feature("show_invoices", "Invoices are not shown in this portal.")
        return invoices.list_invoices(self.db, tenant_id, {**(filters or {}), "account_id": None},
                                      account_id=account_id)

    @tenant_rpc
    def my_invoice_pdf(self, invoice_id, business_name):
        tenant_id, account_id = self._client()
        self._feature("show_invoices", "Invoices are not shown in this portal.")
        return self._pdf(invoices.find_invoice(self.db, tenant_id, invoice_id, account_id), business_name, None)

    @tenant_rpc
    def quote_payment(self, request):
        """Say what a checkout would charge and whether it goes over the tenant's limit."""
        tenant_id, account_id = self._client("pay")
        settings = self._feature("online_payments_enabled", "Online payments are turned off.")
        values = invoices.load(payments.PayInvoicesSchema, request)
        rows = [invoices.find_invoice(self.db, tenant_id, invoice_id, account_id)
                for invoice_id in values["invoice_ids"]]
        invoices.refuse_void(rows)
        plan = payments.plan_payment([(row.id, row.balance) for row in rows], values["amount"], values["credit"],
                                     payments.available_credit(self.db, tenant_id, account_id),
                                     settings["allow_partial_payments"], settings["allow_credit_at_checkout"])
        kind = values["new_method"]["kind"] if values["new_method"] else (
            payments.find_method(self.db, tenant_id, account_id, values["payment_method_id"]).kind
            if values["payment_method_id"] else "card")
        limit = payments.check_limit(kind, plan.charge_amount, settings, ach_available=True)
        return {"charge_amount": plan.charge_amount, "credit_used": plan.credit_used,
                "over_limit": limit.over_limit, "blocked": limit.blocked, "message": limit.message}

    @tenant_rpc
    def pay_invoices(self, idempotency_key, request):
        tenant_id, account_id = self._client("pay")
        try:
            return payments.pay_invoices(self.db, self.outbox, self.processor, tenant_id, account_id,
                                         idempotency_key, request, self._settings(), self.ctx.actor)
        except Conflict:
            # Refused under the invoices' locks; when one of them is void, say so instead.
            invoices.refuse_void_ids(self.db, tenant_id, account_id,
                                     request.get("invoice_ids") if isinstance(request, dict) else None)
            raise

    @tenant_rpc
    def make_prepayment(self, idempotency_key, request):
        tenant_id, account_id = self._client("pay")
        return payments.make_prepayment(self.db, self.outbox, self.processor, tenant_id, account_id,
                                        idempotency_key, request, self._settings(), self.ctx.actor)

    @tenant_rpc
    def my_history(self):
        tenant_id, account_id = self._client()
        self._feature("show_billing_history", "Billing history is not shown in this portal.")
        return payments.history(self.db, tenant_id, account_id)

    @tenant_rpc
    def my_payment_methods(self):
        tenant_id, account_id = self._client()
        return payments.list_methods(self.db, tenant_id, account_id)

    @tenant_rpc
    def add_payment_method(self, method):
        tenant_id, account_id = self._client("pay")
        row = payments.add_method(self.db, tenant_id, account_id, method)
        self.db.commit()
        return payments.describe_method(row)

    @tenant_rpc
    def remove_payment_method(self, payment_method_id):
        tenant_id, account_id = self._client("manage")
        row = payments.find_method(self.db, tenant_id, account_id, payment_method_id)
        setting = "allow_card_changes" if row.kind == "card" else "allow_bank_account_changes"
        self._feature(setting, "Changing this payment method here is not allowed; please contact us.")
        enrolment = self.db.get(Autopay, account_id)
        if enrolment is not None and enrolment.enrolled and enrolment.payment_method_id == row.id:
            raise invalid("payment_method_id", "Autopay uses this method. Choose another for autopay first.")
        row.removed_at = invoices.utcnow()
        self.outbox.add(self.db, PAYMENT_METHOD_REMOVED, {
            "account_id": account_id, "kind": row.kind, "label": payments.method_label(row),
            "actor": self.ctx.actor}, tenant_id=tenant_id)
        self.db.commit()
        try:
            self.processor.detach(row.token)
        except Exception:  # the token is already unusable here; the processor forgets it later
            pass
        return {}

    @tenant_rpc
    def replace_payment_method(self, payment_method_id, method):
        """Update a card or bank account: the new one takes the old one's place (autopay too)."""
        tenant_id, account_id = self._client("manage")
        old = payments.find_method(self.db, tenant_id, account_id, payment_method_id)
        setting = "allow_card_changes" if old.kind == "card" else "allow_bank_account_changes"
        self._feature(setting, "Changing this payment method here is not allowed; please contact us.")
        new = payments.add_method(self.db, tenant_id, account_id, method)
        old.removed_at = invoices.utcnow()
        enrolment = self.db.get(Autopay, account_id)
        if enrolment is not None and enrolment.payment_method_id == old.id:
            enrolment.payment_method_id = new.id
        self.db.commit()
        return payments.describe_method(new)

    @tenant_rpc
    def my_autopay(self):
        tenant_id, account_id = self._client()
        return autopay.status(self.db, tenant_id, account_id, self._settings())

    @tenant_rpc
    def enroll_autopay(self, payment_method_id, consent):
        tenant_id, account_id = self._client("manage")
        autopay.enroll(self.db, self.outbox, tenant_id, account_id, payment_method_id, consent,
                       self._settings(), self.ctx.actor)
        self.db.commit()
        return autopay.status(self.db, tenant_id, account_id, self._settings())

    @tenant_rpc
    def cancel_autopay(self):
        tenant_id, account_id = self._client("manage")
        autopay.cancel(self.db, self.outbox, tenant_id, account_id, self.ctx.actor)
        self.db.commit()
        return autopay.status(self.db, tenant_id, account_id, self._settings())

    @timer(interval=30)
    def recover_pending_payments(self):
        """Settle payments a crash or an outage left pending (safe on every instance at once)."""
        payments.recover_pending(self.db, self.outbox, self.processor,
                                 invoices.utcnow() - timedelta(seconds=PENDING_GRACE_SECONDS))

    @tenant_rpc
    def find_payment(self, payment_id):
        """A client's own payment (for receipts); other ids are not found."""
        tenant_id, account_id = self._client()
        payment = self.db.get(Payment, payment_id) if isinstance(payment_id, int) else None
        if payment is None or payment.tenant_id != tenant_id or payment.account_id != account_id:
            raise NotFound("No such payment.")
        method = self.db.get(PaymentMethod, payment.payment_method_id) if payment.payment_method_id else None
        return payments.describe_payment(payment, method)
