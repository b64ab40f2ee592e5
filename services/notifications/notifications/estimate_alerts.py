"""Staff alerts for estimates: a client's approval or decline alerts the staff chosen on the Alerts tab for
"Estimate approved or declined" (estimate_decided). Billing's event names the account by its number; the alert
names the client from notifications' copy (names.py)."""
from notifications import alerts, languages, messages, names
from notifications.client_rendering import money
from shared.events import ESTIMATE_DECIDED
from shared.i18n import _
from shared.messaging import on_event

NOTE_EXCERPT = 200


def decided_text(data, client):
    values = {"client": client, "number": data["number"], "title": data["title"], "total": money(data["total"])}
    if data["decision"] == "approved":
        text = _("%(client)s approved estimate #%(number)s, “%(title)s” (%(total)s).", **values)
    else:
        text = _("%(client)s declined estimate #%(number)s, “%(title)s” (%(total)s).", **values)
    if data["decision"] == "approved" and data["job_id"]:
        text += " " + _("It is on the waiting list as a new job.")
    note = " ".join((data["note"] or "").split())
    if note:
        text += " " + _("Note: %(note)s", note=note[:NOTE_EXCERPT - 1] + "…" if len(note) > NOTE_EXCERPT else note)
    return text


class EstimateAlertHandlers:
    """A mixin of NotificationsService (notifications/service.py), which provides ``db`` and the inbox."""

    @on_event(ESTIMATE_DECIDED)
    def handle_estimate_decided(self, event):
        data = messages.load_event(ESTIMATE_DECIDED, event)
        with languages.to_business(self.db, event["tenant_id"]):
            client = names.account_name(self.db, event["tenant_id"], data["account_id"])
            alerts.raise_alerts(self.db, event["tenant_id"], "estimate_decided", decided_text(data, client),
                                data["account_id"], event["event_id"], link=f"/staff/estimates/{data['estimate_id']}")
