"""A client account's audit history for the staff (notifications keeps it): who did what, when, from where, and
what changed, with the staff named from accounts' staff list and times in the business's time zone; and the
same history as CSV, read page by page from notifications and streamed."""
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gateway.services import rpc
from shared.i18n import N_, _

PAGE = 50
CSV_PAGE = 500  # as notifications allows
ACTOR_KINDS = ("client", "staff", "system")
# The actions a history filter offers (an entry of another action is shown all the same).
ACTIONS = {
    "signed_in": N_("Signed in"),
    "sign_in_failed": N_("Failed sign-in"),
    "portal_account_activated": N_("Portal account activated"),
    "account_details_updated": N_("Account details changed"),
    "password_changed": N_("Password changed"),
    "email_changed": N_("Sign-in email changed"),
    "payment_made": N_("Payment made"),
    "payment_failed": N_("Payment failed"),
    "prepayment_made": N_("Prepayment made"),
    "payment_returned": N_("Payment returned"),
    "payment_disputed": N_("Payment disputed"),
    "refund_given": N_("Refund given"),
    "card_added": N_("Card added"),
    "card_updated": N_("Card updated"),
    "card_removed": N_("Card removed"),
    "bank_account_added": N_("Bank account added"),
    "bank_account_updated": N_("Bank account updated"),
    "bank_account_removed": N_("Bank account removed"),
    "autopay_enrolled": N_("Autopay turned on"),
    "autopay_cancelled": N_("Autopay turned off"),
    "estimate_decided": N_("Estimate approved or declined"),
    "service_requested": N_("Service requested"),
    "reschedule_requested": N_("Reschedule requested"),
    "cancel_requested": N_("Cancellation requested"),
    "ticket_opened": N_("Ticket opened"),
    "ticket_replied": N_("Ticket reply"),
    "chat_thread_started": N_("Chat started"),
    "chat_message_sent": N_("Chat message"),
    "document_uploaded": N_("Document uploaded"),
    "upload_done": N_("Done uploading"),
    "account_created": N_("Account created (staff)"),
    "account_edited_by_staff": N_("Account edited (staff)"),
    "portal_user_invited": N_("Invited to the portal (staff)"),
    "password_reset_sent": N_("Reset link sent (staff)"),
    "portal_user_linked": N_("Portal access changed (staff)"),
    "invoice_created": N_("Invoice created (staff)"),
    "invoice_voided": N_("Invoice voided (staff)"),
    "estimate_sent": N_("Estimate sent (staff)"),
    "request_decided": N_("Request answered (staff)"),
    "job_created": N_("Job created (staff)"),
    "job_paused": N_("Job paused (staff)"),
    "job_resumed": N_("Job resumed (staff)"),
    "job_cancelled": N_("Job cancelled (staff)"),
    "staff_ticket_opened": N_("Ticket opened (staff)"),
    "staff_ticket_replied": N_("Ticket reply (staff)"),
    "staff_chat_thread_started": N_("Chat started (staff)"),
    "staff_chat_message_sent": N_("Chat message (staff)"),
    "document_shared": N_("Document shared (staff)"),
    "document_deleted": N_("Document deleted (staff)"),
    "autopay_locked": N_("Autopay locked on (staff)"),
    "autopay_unlocked": N_("Autopay unlocked (staff)"),
    "credit_applied": N_("Credit applied (staff)"),
    "invoice_emailed": N_("Invoice emailed (staff)"),
    "job_scheduled": N_("Job scheduled (staff)"),
    "job_status_set": N_("Job status for the client set (staff)"),
    "visit_completed": N_("Visit completed (staff)"),
    "visit_skipped": N_("Visit skipped (staff)"),
    "visit_cancelled": N_("Visit cancelled (staff)"),
    "visit_moved": N_("Visit moved (staff)"),
    "visit_notes_written": N_("Visit notes written (staff)"),
    "ticket_assigned": N_("Ticket assigned (staff)"),
    "ticket_status_set": N_("Ticket status changed (staff)"),
}
CSV_COLUMNS = ("id", "occurred_at", "action", "summary", "actor_kind", "actor", "ip", "device", "changes", "link")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def action_label(action):
    return _(ACTIONS[action]) if action in ACTIONS else action.replace("_", " ").capitalize()


def action_labels():
    """Each action a filter offers with its label, in the page's language."""
    return {action: _(label) for action, label in ACTIONS.items()}


def _context(client_id):
    """The client (NotFound for another business's id), the staff's names and the business's time zone."""
    found = rpc().call_parallel({"client": ("accounts", "get_client", (client_id,)),
                                 "staff": ("accounts", "list_staff_users", ()),
                                 "services": ("billing", "get_settings", ("services",))})
    if isinstance(found["client"], Exception):
        raise found["client"]
    staff = {} if isinstance(found["staff"], Exception) else {item["id"]: item["name"] for item in found["staff"]}
    zone_name = None if isinstance(found["services"], Exception) else found["services"].get("time_zone")
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return found["client"], staff, zone


def who(actor, client, staff):
    """"Ann Lee (staff)", "ann@client.example (client)", "System"."""
    kind, actor_id = actor.get("kind"), actor.get("id")
    if kind == "staff":
        return _("%(name)s (staff)", name=staff.get(actor_id) or _("Staff member %(id)s", id=actor_id))
    if kind == "client":
        portal_user = client.get("portal_user") or {}
        if actor_id is None:
            return _("The client (client)")  # by email, say, where no portal user is known
        name = (portal_user.get("email") if portal_user.get("id") == actor_id
                else _("Portal user %(id)s", id=actor_id))
        return _("%(name)s (client)", name=name)
    return _("System")


def shaped(entry, client, staff, zone):
    moment = datetime.fromisoformat(entry["occurred_at"]).astimezone(zone)
    return {**entry, "label": action_label(entry["action"]), "who": who(entry["actor"] or {}, client, staff),
            "when": moment.strftime("%Y-%m-%d %H:%M %Z"), "occurred_at_local": moment.isoformat()}


def history(client_id, filters):
    """A page of the account's history (``filters``: actions, actor_kind, since, until, cursor, limit), each
    entry with its action's label, who acted by name and when in the business's time zone."""
    client, staff, zone = _context(client_id)
    page = rpc().call("notifications", "list_audit", client_id, filters)
    return {"client": client, "items": [shaped(entry, client, staff, zone) for entry in page["items"]],
            "next_cursor": page["next_cursor"], "time_zone": zone.key}


def safe_cell(value):
    """A cell a spreadsheet shows as text: one starting with = + - @ (a formula) gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_line(values):
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(value) for value in values])
    return out.getvalue()


def _row(entry):
    changes = "; ".join(f"{field}: {before!r} -> {after!r}" for field, (before, after) in entry["changes"].items())
    return (entry["id"], entry["occurred_at_local"], entry["action"], entry["summary"], entry["actor"].get("kind"),
            entry["who"], entry["origin"].get("ip"), entry["origin"].get("device"), changes, entry["link"])


def csv_lines(client_id, filters):
    """The account's history as CSV lines, newest first: the header, then page after page from notifications.

    The client is checked (and the first page read) before the first line, so a wrong id is a 404, not a CSV."""
    client, staff, zone = _context(client_id)
    wanted = {**filters, "limit": CSV_PAGE, "cursor": None}
    page = rpc().call("notifications", "list_audit", client_id, wanted)

    def lines(page):
        yield _csv_line(CSV_COLUMNS)
        while True:
            for entry in page["items"]:
                yield _csv_line(_row(shaped(entry, client, staff, zone)))
            if page["next_cursor"] is None:
                return
            page = rpc().call("notifications", "list_audit", client_id, {**wanted, "cursor": page["next_cursor"]})

    return lines(page)
