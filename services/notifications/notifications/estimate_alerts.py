"""Staff alerts for estimates: a client's approval or decline alerts the staff chosen on the Alerts tab for
"Estimate approved or declined" (estimate_decided). Billing's event names the account by its number; the alert
names the client from notifications' copy (names.py)."""
from notifications import alerts, messages, names
from shared.events import ESTIMATE_DECIDED
from shared.messaging import on_event
from shared.money import format_money

NOTE_EXCERPT = 200


def decided_text(data, client):
    decision = "approved" if data["decision"] == "approved" else "declined"
    text = (f"{client} {decision} estimate #{data['number']}, \u201c{data['title']}\u201d "
            f"({format_money(data['total'])}).")
    if data["decision"] == "approved" and data["job_id"]:
        text += " It is on the waiting list as a new job."
    note = " ".join((data["note"] or "").split())
    if note:
        text += f" Note: {note[:NOTE_EXCERPT - 1] + '…' if len(note) > NOTE_EXCERPT else note}"
    return text


class EstimateAlertHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(ESTIMATE_DECIDED)
    def handle_estimate_decided(self, event):
        data = messages.load_event(ESTIMATE_DECIDED, event)
        alerts.raise_alerts(self.db, event["tenant_id"], "estimate_decided", decided_text(data, names.account_name(self.db, event["tenant_id"], data["account_id"])),
                            data["account_id"], event["event_id"],
                            link=f"/staff/estimates/{data['estimate_id']}")
