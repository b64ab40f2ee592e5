"""Settings of the Alerts tab, owned by notifications: which staff hear about which client action."""
from marshmallow import RAISE, Schema, fields, validate

from shared.fields import id_field, unique

MAX_RECIPIENTS = 100


def recipients(label, help_text):
    """Declare the list of staff user ids alerted for one client action, empty by default."""
    return fields.List(
        id_field(),
        load_default=list,
        validate=[validate.Length(max=MAX_RECIPIENTS), unique],
        metadata={"label": label, "help": help_text})


class AlertSettingsSchema(Schema):
    """Settings of the Alerts tab: for each client action, the staff users to alert."""

    class Meta:
        unknown = RAISE

    portal_account_activated = recipients(
        "Portal account activated", "A client finished registering from an invitation.")
    account_details_updated = recipients(
        "Account details changed", "A client edited their contact info or custom fields.")
    autopay_enrolled = recipients(
        "Autopay turned on", "A client enrolled in autopay, so existing jobs may need their payment method changed.")
    autopay_cancelled = recipients(
        "Autopay turned off", "A client left autopay.")
    payment_made = recipients(
        "Payment made", "A client paid one or more invoices.")
    payment_failed = recipients(
        "Payment failed", "A client's payment was declined or could not be processed.")
    prepayment_made = recipients(
        "Prepayment made", "A client paid ahead; the money is not yet applied to any invoice.")
    card_added = recipients(
        "Card added", "A client saved a new card.")
    card_updated = recipients(
        "Card updated", "A client changed a card on file.")
    card_removed = recipients(
        "Card removed", "A client deleted a card on file.")
    bank_account_added = recipients(
        "Bank account added", "A client saved a new bank account.")
    bank_account_updated = recipients(
        "Bank account updated", "A client changed a bank account on file.")
    bank_account_removed = recipients(
        "Bank account removed", "A client deleted a bank account on file.")
    estimate_decided = recipients(
        "Estimate approved or declined", "A client answered an estimate.")
    service_requested = recipients(
        "Service requested", "A client asked for new work.")
    reschedule_requested = recipients(
        "Reschedule requested", "A client asked to move a visit.")
    cancel_requested = recipients(
        "Cancellation requested", "A client asked to cancel a visit.")
    ticket_opened = recipients(
        "Ticket opened", "A client opened a ticket.")
    ticket_replied = recipients(
        "Ticket reply", "A client answered on one of their tickets.")
    chat_thread_started = recipients(
        "Chat started", "A client began a new chat thread.")
    chat_message_sent = recipients(
        "Chat message", "A client wrote in any chat thread.")
    document_uploaded = recipients(
        "Document uploaded", "A client sent a file.")
    upload_done = recipients(
        "Done uploading", "A client said they have sent every file you asked for.")


TABS = {"alerts": AlertSettingsSchema}
