"""Staff pages: answering a client's service request from the ticket that carries it (Accept, with a reschedule's
new date and window; Decline, with a reason). The request is the one the ticket names, never one the form names."""
from flask import Blueprint, redirect, request, url_for

from gateway.errors import status_of
from gateway.features import service_requests, tickets
from gateway.web.staff.base import staff_page
from gateway.web.staff.tickets import render_ticket
from shared.errors import Conflict, InvalidInput, NotFound
from shared.i18n import _

blueprint = Blueprint("service_requests", __name__)
DECISION_FIELDS = ("scheduled_on", "window_start", "window_end", "reason")


@blueprint.post("/tickets/<int:ticket_id>/request-decision")
@staff_page
def decide(ticket_id):
    request_id = tickets.ticket(ticket_id).get("service_request_id")
    if not request_id:
        raise NotFound(_("This ticket carries no service request."))
    sent = {name: request.form.get(name, "").strip() for name in DECISION_FIELDS}
    decision = {"outcome": request.form.get("outcome", ""), **{key: value or None for key, value in sent.items()}}
    try:
        service_requests.decide(request_id, decision)
    except (InvalidInput, Conflict) as error:
        return render_ticket(ticket_id, error.fields or {"outcome": [error.message]}, status=status_of(error),
                             decision=sent)
    return redirect(url_for("staff.tickets.ticket", ticket_id=ticket_id, done="decided"), 303)
