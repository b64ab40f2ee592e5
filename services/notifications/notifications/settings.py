"""Settings of the Alerts tab, owned by notifications: which staff hear about which client action, and whether they
also get it by email.

Each action has two settings: ``<action>``, the staff user ids alerted (empty by default), and
``email_<action>``, whether those staff also get the alert by email (off by default).
"""
from marshmallow import Schema, fields, validate

from shared.fields import id_field, unique

MAX_RECIPIENTS = 100
EMAIL_PREFIX = "email_"

# Each client action on the tab: (label, help). The tab shows them in this order.
ACTIONS = {
    "portal_account_activated": ("Portal account activated", "A client finished registering from an invitation."),
    "account_details_updated": ("Account details changed", "A client edited their contact info or custom fields."),
    "autopay_enrolled": ("Autopay turned on", "A client enrolled in autopay, so existing jobs may need their payment method changed."),
    "autopay_cancelled": ("Autopay turned off", "A client left autopay."),
    "payment_made": ("Payment made", "A client paid one or more invoices."),
    "payment_failed": ("Payment failed", "A client's payment was declined or could not be processed."),
    "prepayment_made": ("Prepayment made", "A client paid ahead; the money is not yet applied to any invoice."),
    "card_added": ("Card added", "A client saved a new card."),
    "card_updated": ("Card updated", "A client changed a card on file."),
    "card_removed": ("Card removed", "A client deleted a card on file."),
    "bank_account_added": ("Bank account added", "A client saved a new bank account."),
    "bank_account_updated": ("Bank account updated", "A client changed a bank account on file."),
    "bank_account_removed": ("Bank account removed", "A client deleted a bank account on file."),
    "estimate_decided": ("Estimate approved or declined", "A client answered an estimate."),
    "service_requested": ("Service requested", "A client asked for new work."),
    "reschedule_requested": ("Reschedule requested", "A client asked to move a visit."),
    "cancel_requested": ("Cancellation requested", "A client asked to cancel a visit."),
    "ticket_opened": ("Ticket opened", "A client opened a ticket."),
    "ticket_replied": ("Ticket reply", "A client answered on one of their tickets."),
    "chat_thread_started": ("Chat started", "A client began a new chat thread."),
    "chat_message_sent": ("Chat message", "A client wrote in any chat thread."),
    "document_uploaded": ("Document uploaded", "A client sent a file."),
    "upload_done": ("Done uploading", "A client said they have sent every file you asked for."),
}


def recipients(label, help_text):
    """Declare the list of staff user ids alerted for one client action, empty by default."""
    return fields.List(
        id_field(),
        load_default=list,
        validate=[validate.Length(max=MAX_RECIPIENTS), unique],
        metadata={"label": label, "help": help_text})


def by_email(label):
    """Declare whether the staff chosen for one client action also get its alert by email."""
    return fields.Boolean(load_default=False, metadata={
        "label": f"{label}: also by email",
        "help": "The staff chosen above also get this alert by email, at the address they sign in with."})


def email_setting(action):
    return EMAIL_PREFIX + action


def _tab_fields():
    declared = {}
    for action, (label, help_text) in ACTIONS.items():
        declared[action] = recipients(label, help_text)
        declared[email_setting(action)] = by_email(label)
    return declared


# Settings of the Alerts tab: for each client action, the staff users to alert and whether by email too.
AlertSettingsSchema = Schema.from_dict(_tab_fields(), name="AlertSettingsSchema")

TABS = {"alerts": AlertSettingsSchema}
