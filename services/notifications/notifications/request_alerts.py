"""Staff alerts for clients' service requests: asking to move a visit (reschedule_requested), to cancel one
(cancel_requested) or for new work (service_requested), each to the staff the Alerts tab chooses for it. The
ticket tickets opens for the request alerts as any client ticket does; this alert says what was asked."""
from notifications import alerts, messages, names
from shared.events import SERVICE_REQUEST_MADE
from shared.messaging import on_event

ACTIONS = {"reschedule": "reschedule_requested", "cancel": "cancel_requested", "new_service": "service_requested"}
WORDS = {"reschedule": "asked to reschedule", "cancel": "asked to cancel", "new_service": "requested a service"}


def alert_text(data, client):
    subject = data["subject"].split(": ", 1)[-1]
    return f"{client} {WORDS[data['kind']]}: {subject}"


def raise_request_alerts(session, event):
    data = messages.load_event(SERVICE_REQUEST_MADE, event)
    action = ACTIONS.get(data["kind"])
    if action is None or data["status"] != "pending":
        return 0
    return alerts.raise_alerts(session, event["tenant_id"], action, alert_text(data, names.account_name(session, event["tenant_id"], data["account_id"])),
                               data["account_id"], event["event_id"], link=request_link(data))


def request_link(data):
    """Staff answer a request on the ticket tickets opens for it, which this event does not name: the client's
    tickets, where it is the newest."""
    return f"/staff/tickets?account_id={int(data['account_id'])}"


class RequestAlertHandlers:
    """The handler notifications' service inherits, so its module stays small."""

    @on_event(SERVICE_REQUEST_MADE)
    def handle_service_request_made(self, event):
        raise_request_alerts(self.db, event)
