"""Settings of the Billing and Services tabs, owned by billing."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.fields import StrictBoolean, money_field

AUTOPAY_SCOPES = ("new_jobs", "all_scheduled_jobs")
OVER_LIMIT_ACTIONS = ("warn", "block")
MAX_CUTOFF_HOURS = 24 * 30


def max_payment(label, method):
    return money_field(
        load_default=0,
        metadata={"label": label,
                  "help": f"Largest {method} payment in minor units (cents) before the over-limit rule applies; "
                          "0 means no limit."})


class BillingSettingsSchema(Schema):
    """Settings of the Billing tab: invoices, payments, payment methods, autopay, prepayments and estimates."""

    class Meta:
        unknown = RAISE

    show_invoices = StrictBoolean(
        load_default=True,
        metadata={"label": "Show invoices",
                  "help": "Clients see their unpaid invoices and can open each one as a PDF."})
    online_payments_enabled = StrictBoolean(
        load_default=True,
        metadata={"label": "Pay invoices online",
                  "help": "Clients pay the invoices they select in a single payment."})
    allow_partial_payments = StrictBoolean(
        load_default=False,
        metadata={"label": "Partial payments",
                  "help": "Clients may pay less than the full balance of a single invoice."})
    allow_credit_at_checkout = StrictBoolean(
        load_default=True,
        metadata={"label": "Use credit at checkout",
                  "help": "Clients may choose to put their available credit towards the invoices they pay."})
    card_max_payment = max_payment("Card max payment", "card")
    ach_max_payment = max_payment("ACH max payment", "bank account (ACH)")
    over_limit_action = fields.String(
        load_default="warn",
        validate=validate.OneOf(OVER_LIMIT_ACTIONS),
        metadata={"label": "Over the limit",
                  "help": "Warn the client and ask them to confirm, or refuse payments above the maximum."})
    allow_card_changes = StrictBoolean(
        load_default=True,
        metadata={"label": "Update or remove cards",
                  "help": "Clients may change or delete a card on file; adding one is always allowed."})
    allow_bank_account_changes = StrictBoolean(
        load_default=True,
        metadata={"label": "Update or remove bank accounts",
                  "help": "Clients may change or delete a bank account on file; needs ACH at your processor."})
    autopay_enabled = StrictBoolean(
        load_default=False,
        metadata={"label": "Client autopay",
                  "help": "Clients may enrol in autopay so their invoices are queued for you to charge."})
    autopay_applies_to = fields.String(
        load_default="new_jobs",
        validate=validate.OneOf(AUTOPAY_SCOPES),
        metadata={"label": "Autopay applies to",
                  "help": "Only jobs created after enrolment, or also the jobs already scheduled."})
    prepayments_enabled = StrictBoolean(
        load_default=False,
        metadata={"label": "View and make prepayments",
                  "help": "Clients may pay ahead of any invoice and see those prepayments in their history."})
    auto_apply_credits = StrictBoolean(
        load_default=False,
        metadata={"label": "Auto-apply prepayments and credits",
                  "help": "Use prepayments and credits on new invoices automatically instead of applying them "
                          "by hand."})
    show_billing_history = StrictBoolean(
        load_default=True,
        metadata={"label": "Billing history",
                  "help": "Clients see past payments and credits with the invoices each one paid."})
    show_estimates = StrictBoolean(
        load_default=True,
        metadata={"label": "Show estimates",
                  "help": "Clients see the estimates prepared for them."})
    allow_estimate_decisions = StrictBoolean(
        load_default=True,
        metadata={"label": "Approve or decline estimates",
                  "help": "Clients may accept or turn down an estimate, with an optional note."})

    @validates_schema
    def check_estimate_decisions(self, data, **kwargs):
        if data.get("allow_estimate_decisions") and data.get("show_estimates") is False:
            raise ValidationError("Estimates must be shown before clients can decide on them.",
                                  "allow_estimate_decisions")


class ServicesSettingsSchema(Schema):
    """Settings of the Services tab: which jobs and visits clients see and what they may ask for."""

    class Meta:
        unknown = RAISE

    show_scheduled_visits = StrictBoolean(
        load_default=True,
        metadata={"label": "Upcoming services",
                  "help": "Clients see the visits scheduled for them."})
    show_service_history = StrictBoolean(
        load_default=True,
        metadata={"label": "Service history",
                  "help": "Clients see the visits already done."})
    show_unscheduled_jobs = StrictBoolean(
        load_default=True,
        metadata={"label": "Waiting list",
                  "help": "Clients see jobs on their account that have no date yet."})
    show_paused_services = StrictBoolean(
        load_default=False,
        metadata={"label": "Paused services",
                  "help": "Clients see paused recurring services and the pause reason exactly as staff typed it."})
    show_job_status = StrictBoolean(
        load_default=False,
        metadata={"label": "Job status",
                  "help": "Clients follow each job's progress through its client-facing status."})
    show_service_notes = StrictBoolean(
        load_default=False,
        metadata={"label": "Service notes",
                  "help": "Clients read the notes written on their visits."})
    allow_reschedule_requests = StrictBoolean(
        load_default=True,
        metadata={"label": "Reschedule requests",
                  "help": "Clients may ask to move a visit; the request arrives as a ticket."})
    allow_cancel_requests = StrictBoolean(
        load_default=True,
        metadata={"label": "Cancel requests",
                  "help": "Clients may ask to cancel a visit; the request arrives as a ticket."})
    request_cutoff_hours = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=MAX_CUTOFF_HOURS),
        metadata={"label": "Request cut-off (hours)",
                  "help": "Refuse reschedule and cancel requests this close to the visit; 0 means no cut-off."})
    allow_service_requests = StrictBoolean(
        load_default=True,
        metadata={"label": "Request a service",
                  "help": "Clients may ask for new work from the portal."})


TABS = {"billing": BillingSettingsSchema, "services": ServicesSettingsSchema}
