"""Clients' service requests as tickets: billing owns a request (move or cancel a visit, a new service) and its
outcome; tickets opens a ticket for it in the category the Tickets tab names for its kind (``reschedule_category``,
``cancel_category``, ``service_request_category``), with the request's words as the client's opening message and
a reference to the visit, and adds staff's answer as a reply the client reads before closing the ticket.

A ticket keeps the request's id (``service_request_id``): one ticket per request, whatever the redeliveries.
"""
from sqlalchemy import select

from shared.errors import NotFound
from tickets import categories, ticket_messages, ticketing
from tickets.models import Ticket

CATEGORY_SETTING = {"reschedule": "reschedule_category", "cancel": "cancel_category",
                    "new_service": "service_request_category"}


def for_request(session, tenant_id, request_id):
    return session.scalar(select(Ticket).where(Ticket.tenant_id == tenant_id,
                                               Ticket.service_request_id == request_id))


def category_of(session, tenant_id, kind, settings):
    """The category of a request's ticket, created when the business has none of that name (yet)."""
    name = settings[CATEGORY_SETTING.get(kind, "service_request_category")]
    categories.ensure(session, tenant_id, [*settings["ticket_categories"], name])
    return categories.by_name(session, tenant_id, name)


def reference_of(session, data):
    if data.get("visit_id") is None:
        return None
    label = data["subject"].split(": ", 1)[-1]
    return {"kind": "visit", "id": data["visit_id"], "label": label[:200]}


def open_for_request(session, outbox, tenant_id, data, settings):
    """Open the request's ticket (once), assigned as the Tickets tab says, and announce it to staff."""
    if for_request(session, tenant_id, data["request_id"]) is not None:
        return None
    category = category_of(session, tenant_id, data["kind"], settings)
    actor = data.get("actor") or {}
    ticket = ticketing.create(session, tenant_id, data["account_id"], category,
                              {"subject": data["subject"][:200], "body": data["body"],
                               "reference": reference_of(session, data)},
                              "client", settings["ticket_assignee_id"])
    ticket.service_request_id = data["request_id"]
    ticket_messages.add(session, ticket, "client", actor.get("id"), data["body"], [])
    ticketing.announce_opened(outbox, session, ticket, category.name)
    return ticket


def close_with_outcome(session, outbox, tenant_id, data):
    """Add staff's answer as a reply the client reads, then close the ticket. The request's ticket must exist: an
    outcome that overtook its request is refused, to be delivered again once the ticket is there."""
    ticket = for_request(session, tenant_id, data["request_id"])
    if ticket is None:
        raise NotFound(f"No ticket yet for service request {data['request_id']}.")
    actor = data.get("actor") or {}
    message = ticket_messages.add(session, ticket, "staff", actor.get("id"), data["body"], [])
    ticket_messages.announce(outbox, session, ticket, message, 0)
    ticketing.set_status(ticket, "closed")
    return ticket
