"""Staff alerts for clients' service requests: asking to move a visit (reschedule_requested), to cancel one
(cancel_requested) or for new work (service_requested), each to the staff the Alerts tab chooses for it. The
ticket tickets opens for the request alerts as any client ticket does; this alert says what was asked."""
from notifications import alerts, languages, messages, names
from shared.events import SERVICE_REQUEST_MADE
from shared.i18n import N_, _
from shared.messaging import on_event

ACTIONS = {"reschedule": "reschedule_requested", "cancel": "cancel_requested", "new_service": "service_requested"}
WORDS = {"reschedule": N_("%(client)s asked to reschedule: %(subject)s"),
         "cancel": N_("%(client)s asked to cancel: %(subject)s"),
         "new_service": N_("%(client)s requested a service: %(subject)s")}


def alert_text(data, client):
    subject, words = data["subject"].split(": ", 1)[-1], WORDS[data["kind"]]
    return _(words, client=client, subject=subject)


def raise_request_alerts(session, event):
    data = messages.load_event(SERVICE_REQUEST_MADE, event)
    action = ACTIONS.get(data["kind"])
    if action is None or data["status"] != "pending":
        return 0
    with languages.to_business(session, event["tenant_id"]):
        client = names.account_name(session, event["tenant_id"], data["account_id"])
        return alerts.raise_alerts(session, event["tenant_id"], action, alert_text(data, client),
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
