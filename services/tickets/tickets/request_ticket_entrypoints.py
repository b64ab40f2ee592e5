"""Tickets' handlers of billing's service requests (rules in request_tickets.py): a request opens a ticket, its
outcome is added to that ticket, which closes. A mixin of TicketsService (``db``, ``outbox``, ``inbox``,
``_tickets_settings``); each event is handled once (the inbox), and a ticket is opened once per request."""
import logging

from shared.events import SERVICE_REQUEST_DECIDED, SERVICE_REQUEST_MADE, ServiceRequestSchema
from shared.messaging import on_event
from shared.validation import load_or_raise
from tickets import request_tickets

log = logging.getLogger(__name__)


def _tenant_of(event):
    tenant_id = event.get("tenant_id")
    if not isinstance(tenant_id, int):
        log.warning("%s %s names no business: dropped", event.get("event_type"), event.get("event_id"))
        return None
    return tenant_id


class RequestTicketHandlers:

    @on_event(SERVICE_REQUEST_MADE)
    def handle_service_request_made(self, event):
        tenant_id = _tenant_of(event)
        if tenant_id is None:
            return
        data = load_or_raise(ServiceRequestSchema, event["data"], unknown="exclude")
        ticket = request_tickets.open_for_request(self.db, self.outbox, tenant_id, data,
                                                  self._tickets_settings(tenant_id))
        log.info("service request %s: %s", data["request_id"], "ticket opened" if ticket else "already a ticket")

    @on_event(SERVICE_REQUEST_DECIDED)
    def handle_service_request_decided(self, event):
        tenant_id = _tenant_of(event)
        if tenant_id is None:
            return
        data = load_or_raise(ServiceRequestSchema, event["data"], unknown="exclude")
        request_tickets.close_with_outcome(self.db, self.outbox, tenant_id, data)
