"""A client account's audit history for the staff (notifications keeps it): who did what, when, from where, and
what changed, with the staff named from accounts' staff list and times in the business's time zone; and the
same history as CSV, read page by page from notifications and streamed."""
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gateway.services import rpc

PAGE = 50
CSV_PAGE = 500  # as notifications allows
ACTOR_KINDS = ("client", "staff", "system")
# The actions a history filter offers (an entry of another action is shown all the same).
ACTIONS = {
    "signed_in": "Signed in", "sign_in_failed": "Failed sign-in", "portal_account_activated": "Portal account activated",
    "account_details_updated": "Account details changed", "password_changed": "Password changed",
    "email_changed": "Sign-in email changed", "payment_made": "Payment made", "payment_failed": "Payment failed",
    "prepayment_made": "Prepayment made", "card_added": "Card added", "card_updated": "Card updated",
    "card_removed": "Card removed", "bank_account_added": "Bank account added",
    "bank_account_updated": "Bank account updated", "bank_account_removed": "Bank account removed",
    "autopay_enrolled": "Autopay turned on", "autopay_cancelled": "Autopay turned off",
    "estimate_decided": "Estimate approved or declined", "service_requested": "Service requested",
    "reschedule_requested": "Reschedule requested", "cancel_requested": "Cancellation requested",
    "ticket_opened": "Ticket opened", "ticket_replied": "Ticket reply", "chat_thread_started": "Chat started",
    "chat_message_sent": "Chat message", "document_uploaded": "Document uploaded", "upload_done": "Done uploading",
    "account_created": "Account created (staff)", "account_edited_by_staff": "Account edited (staff)",
    "portal_user_invited": "Invited to the portal (staff)", "password_reset_sent": "Reset link sent (staff)",
    "portal_user_linked": "Portal access changed (staff)", "invoice_created": "Invoice created (staff)",
    "invoice_voided": "Invoice voided (staff)", "estimate_sent": "Estimate sent (staff)",
    "request_decided": "Request answered (staff)", "job_created": "Job created (staff)",
    "job_paused": "Job paused (staff)", "job_resumed": "Job resumed (staff)", "job_cancelled": "Job cancelled (staff)",
    "staff_ticket_opened": "Ticket opened (staff)", "staff_ticket_replied": "Ticket reply (staff)",
    "staff_chat_thread_started": "Chat started (staff)", "staff_chat_message_sent": "Chat message (staff)",
    "document_shared": "Document shared (staff)", "document_deleted": "Document deleted (staff)",
    "autopay_locked": "Autopay locked on (staff)", "autopay_unlocked": "Autopay unlocked (staff)",
    "credit_applied": "Credit applied (staff)", "invoice_emailed": "Invoice emailed (staff)",
    "job_scheduled": "Job scheduled (staff)", "job_status_set": "Job status for the client set (staff)",
    "visit_completed": "Visit completed (staff)", "visit_skipped": "Visit skipped (staff)",
    "visit_cancelled": "Visit cancelled (staff)", "visit_moved": "Visit moved (staff)",
    "visit_notes_written": "Visit notes written (staff)", "ticket_assigned": "Ticket assigned (staff)",
    "ticket_status_set": "Ticket status changed (staff)",
}
CSV_COLUMNS = ("id", "occurred_at", "action", "summary", "actor_kind", "actor", "ip", "device", "changes", "link")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def action_label(action):
    return ACTIONS.get(action) or action.replace("_", " ").capitalize()


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
        return f"{staff.get(actor_id) or f'Staff member {actor_id}'} (staff)"
    if kind == "client":
        portal_user = client.get("portal_user") or {}
        if actor_id is None:
            return "The client (client)"  # by email, say, where no portal user is known
        name = portal_user.get("email") if portal_user.get("id") == actor_id else f"Portal user {actor_id}"
        return f"{name} (client)"
    return "System"


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
