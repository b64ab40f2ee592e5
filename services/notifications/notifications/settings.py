"""Settings of the Alerts tab, owned by notifications: which staff hear about which client action, and whether they
also get it by email.

Each action has two settings: ``<action>``, the staff user ids alerted (empty by default), and
``email_<action>``, whether those staff also get the alert by email (off by default).
"""
from marshmallow import Schema, fields, validate

from shared.fields import id_field, unique
from shared.i18n import N_

MAX_RECIPIENTS = 100
EMAIL_PREFIX = "email_"

# Each client action on the tab: (label, help), marked with N_ (shared.schema_description translates them where
# the tab is shown; alert emails translate the label in the business's language). The tab shows them in this order.
ACTIONS = {
    "portal_account_activated": (N_("Portal account activated"),
                                 N_("A client finished registering from an invitation.")),
    "account_details_updated": (N_("Account details changed"),
                                N_("A client edited their contact info or custom fields.")),
    "autopay_enrolled": (N_("Autopay turned on"),
                         N_("A client enrolled in autopay, so existing jobs may need their payment method changed.")),
    "autopay_cancelled": (N_("Autopay turned off"), N_("A client left autopay.")),
    "payment_made": (N_("Payment made"), N_("A client paid one or more invoices.")),
    "payment_failed": (N_("Payment failed"), N_("A client's payment was declined or could not be processed.")),
    "prepayment_made": (N_("Prepayment made"), N_("A client paid ahead; the money is not yet applied to any invoice.")),
    "payment_returned": (N_("Payment returned"), N_("The processor took back a payment that had gone through: a bank "
                                                    "debit returned, or a dispute lost. Its invoices are owed again.")),
    "payment_disputed": (N_("Payment disputed"), N_("A client disputed a payment with their bank, or a dispute "
                                                    "ended.")),
    "card_added": (N_("Card added"), N_("A client saved a new card.")),
    "card_updated": (N_("Card updated"), N_("A client changed a card on file.")),
    "card_removed": (N_("Card removed"), N_("A client deleted a card on file.")),
    "bank_account_added": (N_("Bank account added"), N_("A client saved a new bank account.")),
    "bank_account_updated": (N_("Bank account updated"), N_("A client changed a bank account on file.")),
    "bank_account_removed": (N_("Bank account removed"), N_("A client deleted a bank account on file.")),
    "estimate_decided": (N_("Estimate approved or declined"), N_("A client answered an estimate.")),
    "service_requested": (N_("Service requested"), N_("A client asked for new work.")),
    "reschedule_requested": (N_("Reschedule requested"), N_("A client asked to move a visit.")),
    "cancel_requested": (N_("Cancellation requested"), N_("A client asked to cancel a visit.")),
    "ticket_opened": (N_("Ticket opened"), N_("A client opened a ticket.")),
    "ticket_replied": (N_("Ticket reply"), N_("A client answered on one of their tickets.")),
    "chat_thread_started": (N_("Chat started"), N_("A client began a new chat thread.")),
    "chat_message_sent": (N_("Chat message"), N_("A client wrote in any chat thread.")),
    "document_uploaded": (N_("Document uploaded"), N_("A client sent a file.")),
    "upload_done": (N_("Done uploading"), N_("A client said they have sent every file you asked for.")),
}
# Each action's "also by email" label (whole, so a translation can put the words in its own order).
EMAIL_LABELS = {
    "portal_account_activated": N_("Portal account activated: also by email"),
    "account_details_updated": N_("Account details changed: also by email"),
    "autopay_enrolled": N_("Autopay turned on: also by email"),
    "autopay_cancelled": N_("Autopay turned off: also by email"),
    "payment_made": N_("Payment made: also by email"),
    "payment_failed": N_("Payment failed: also by email"),
    "prepayment_made": N_("Prepayment made: also by email"),
    "payment_returned": N_("Payment returned: also by email"),
    "payment_disputed": N_("Payment disputed: also by email"),
    "card_added": N_("Card added: also by email"),
    "card_updated": N_("Card updated: also by email"),
    "card_removed": N_("Card removed: also by email"),
    "bank_account_added": N_("Bank account added: also by email"),
    "bank_account_updated": N_("Bank account updated: also by email"),
    "bank_account_removed": N_("Bank account removed: also by email"),
    "estimate_decided": N_("Estimate approved or declined: also by email"),
    "service_requested": N_("Service requested: also by email"),
    "reschedule_requested": N_("Reschedule requested: also by email"),
    "cancel_requested": N_("Cancellation requested: also by email"),
    "ticket_opened": N_("Ticket opened: also by email"),
    "ticket_replied": N_("Ticket reply: also by email"),
    "chat_thread_started": N_("Chat started: also by email"),
    "chat_message_sent": N_("Chat message: also by email"),
    "document_uploaded": N_("Document uploaded: also by email"),
    "upload_done": N_("Done uploading: also by email"),
}


def recipients(label, help_text):
    """Declare the list of staff user ids alerted for one client action, empty by default."""
    return fields.List(
        id_field(),
        load_default=list,
        validate=[validate.Length(max=MAX_RECIPIENTS), unique],
        metadata={"label": label, "help": help_text})


def by_email(label):
    """Declare whether the staff chosen for one client action also get its alert by email (``label``: N_-marked)."""
    return fields.Boolean(load_default=False, metadata={
        "label": label,
        "help": N_("The staff chosen above also get this alert by email, at the address they sign in with.")})


def email_setting(action):
    return EMAIL_PREFIX + action


def _tab_fields():
    declared = {}
    for action, (label, help_text) in ACTIONS.items():
        declared[action] = recipients(label, help_text)
        declared[email_setting(action)] = by_email(EMAIL_LABELS[action])
    return declared


# Settings of the Alerts tab: for each client action, the staff users to alert and whether by email too.
AlertSettingsSchema = Schema.from_dict(_tab_fields(), name="AlertSettingsSchema")

TABS = {"alerts": AlertSettingsSchema}
