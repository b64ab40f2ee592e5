"""Settings of the Billing and Services tabs, owned by billing."""
from zoneinfo import available_timezones

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.fields import money_field, switch
from shared.i18n import N_, _

AUTOPAY_SCOPES = ("new_jobs", "all_scheduled_jobs")
OVER_LIMIT_ACTIONS = ("warn", "block")
MAX_CUTOFF_HOURS = 24 * 30


def max_payment(label, help_text):
    return money_field(load_default=0, metadata={"label": label, "help": help_text})


class BillingSettingsSchema(Schema):
    """Settings of the Billing tab: invoices, payments, payment methods, autopay, prepayments and estimates."""

    class Meta:
        unknown = RAISE

    show_invoices = switch(True, N_("Show invoices"),
                           N_("Clients see their unpaid invoices and can open each one as a PDF."))
    online_payments_enabled = switch(True, N_("Pay invoices online"),
                                     N_("Clients pay the invoices they select in a single payment."))
    allow_partial_payments = switch(False, N_("Partial payments"),
                                    N_("Clients may pay less than the full balance of a single invoice."))
    allow_credit_at_checkout = switch(True, N_("Use credit at checkout"),
                                      N_("Clients may choose to put their available credit towards the invoices they "
                                         "pay."))
    card_max_payment = max_payment(N_("Card max payment"), N_(
        "Largest card payment in minor units (cents) before the over-limit rule applies; 0 means no limit."))
    ach_max_payment = max_payment(N_("ACH max payment"), N_(
        "Largest bank account (ACH) payment in minor units (cents) before the over-limit rule applies; "
        "0 means no limit."))
    over_limit_action = fields.String(
        load_default="warn",
        validate=validate.OneOf(OVER_LIMIT_ACTIONS),
        metadata={"label": N_("Over the limit"),
                  "help": N_("Warn the client and ask them to confirm, or refuse payments above the maximum.")})
    allow_card_changes = switch(True, N_("Update or remove cards"),
                                N_("Clients may change or delete a card on file; adding one is always allowed."))
    allow_bank_account_changes = switch(True, N_("Update or remove bank accounts"),
                                        N_("Clients may change or delete a bank account on file; needs ACH at your "
                                           "processor."))
    autopay_enabled = switch(False, N_("Client autopay"),
                             N_("Clients may enrol in autopay so their invoices are queued for you to charge."))
    autopay_applies_to = fields.String(
        load_default="new_jobs",
        validate=validate.OneOf(AUTOPAY_SCOPES),
        metadata={"label": N_("Autopay applies to"),
                  "help": N_("Only jobs created after enrolment, or also the jobs already scheduled.")})
    autopay_charge_hour = fields.Integer(
        strict=True,
        load_default=6,
        validate=validate.Range(min=0, max=23),
        metadata={"label": N_("Autopay charge hour"),
                  "help": N_("The hour of the day (0-23, your time zone on the Services tab) at which invoices due on "
                          "autopay are charged, once a day.")})
    prepayments_enabled = switch(False, N_("View and make prepayments"),
                                 N_("Clients may pay ahead of any invoice and see those prepayments in their history."))
    auto_apply_credits = switch(False, N_("Auto-apply prepayments and credits"),
                                N_("Use prepayments and credits on new invoices automatically instead of applying them "
                                   "by hand."))
    email_new_invoices = switch(False, N_("Email new invoices automatically"),
                                N_("Every new invoice (created by staff or raised by a completed visit) is emailed to "
                                   "the client with a link to pay it, by the channels the client chose."))
    show_billing_history = switch(True, N_("Billing history"),
                                  N_("Clients see past payments and credits with the invoices each one paid."))
    show_estimates = switch(True, N_("Show estimates"),
                            N_("Clients see the estimates prepared for them."))
    allow_estimate_decisions = switch(True, N_("Approve or decline estimates"),
                                      N_("Clients may accept or turn down an estimate, with an optional note."))

    @validates_schema
    def check_estimate_decisions(self, data, **kwargs):
        if data.get("allow_estimate_decisions") and data.get("show_estimates") is False:
            raise ValidationError(_("Estimates must be shown before clients can decide on them."),
                                  "allow_estimate_decisions")


class ServicesSettingsSchema(Schema):
    """Settings of the Services tab: which jobs and visits clients see and what they may ask for."""

    class Meta:
        unknown = RAISE

    show_scheduled_visits = switch(True, N_("Upcoming services"),
                                   N_("Clients see the visits scheduled for them."))
    show_service_history = switch(True, N_("Service history"),
                                  N_("Clients see the visits already done."))
    show_unscheduled_jobs = switch(True, N_("Waiting list"),
                                   N_("Clients see jobs on their account that have no date yet."))
    show_paused_services = switch(False, N_("Paused services"),
                                  N_("Clients see paused recurring services and the pause reason exactly as staff "
                                     "typed it."))
    show_job_status = switch(False, N_("Job status"),
                             N_("Clients follow each job's progress through its client-facing status."))
    show_service_notes = switch(False, N_("Service notes"),
                                N_("Clients read the notes written on their visits."))
    allow_reschedule_requests = switch(True, N_("Reschedule requests"),
                                       N_("Clients may ask to move a visit; the request arrives as a ticket."))
    allow_cancel_requests = switch(True, N_("Cancel requests"),
                                   N_("Clients may ask to cancel a visit; the request arrives as a ticket."))
    request_cutoff_hours = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=MAX_CUTOFF_HOURS),
        metadata={"label": N_("Request cut-off (hours)"),
                  "help": N_("Refuse reschedule and cancel requests this close to the visit; 0 means no cut-off.")})
    send_visit_reminders = switch(True, N_("Visit reminders"),
                                  N_("The day before each scheduled visit, clients get a reminder by email or SMS, as "
                                     "they chose on their Account tab."))
    allow_service_requests = switch(True, N_("Request a service"),
                                    N_("Clients may ask for new work from the portal."))
    time_zone = fields.String(
        load_default="UTC",
        validate=validate.OneOf(sorted(available_timezones())),
        metadata={"label": N_("Time zone"),
                  "help": N_("Where your visits happen (an IANA name such as America/Chicago): visit times, the "
                          "request cut-off and the autopay hour are read in it.")})


TABS = {"billing": BillingSettingsSchema, "services": ServicesSettingsSchema}
