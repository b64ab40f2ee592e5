"""Staff pages: the ticket inbox with its filters and unread markers, a ticket with its conversation and the
reply, assign and status forms; and the open-ticket count beside "Tickets" in the staff navigation."""
import logging

from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.features import service_requests, tickets
from gateway.files import file_response
from gateway.ticket_files import read_message
from gateway.web.forms import Field
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.forms import notice_of
from shared.errors import InvalidInput, PermissionDenied, PorticoError
from shared.i18n import N_, _

log = logging.getLogger(__name__)
blueprint = Blueprint("tickets", __name__)
COUNT_TIMEOUT_SECONDS = 1.0
PAGE_SIZE = 25  # tickets an inbox page lists
STATUSES = [("open", N_("Open")), ("pending", N_("Pending")), ("on_hold", N_("On hold")), ("closed", N_("Closed"))]
STATUS_FILTERS = [("active", N_("Not closed")), ("", N_("Any status"))] + STATUSES
NOTICES = {"replied": N_("Your reply is sent; the client gets it by email."),
           "assigned": N_("The ticket is reassigned."),
           "status": N_("The status is changed."),
           "opened": N_("The ticket is opened; the client sees it in their Tickets tab."),
           "decided": N_("The request is answered; the client reads the outcome on the ticket.")}


def translated(choices):
    """(value, label) pairs with each label in the page's language."""
    return [(value, _(label)) for value, label in choices]


@blueprint.app_template_global()
def open_ticket_count():
    """How many tickets are not closed; None when tickets cannot say in time."""
    if "open_tickets" not in g:
        try:
            g.open_tickets = tickets.counts(timeout=COUNT_TIMEOUT_SECONDS)["open"]
        except PorticoError as error:
            log.warning("staff navigation without the open ticket count: %s", error)
            g.open_tickets = None
    return g.open_tickets


def read_filters():
    """The inbox's filters from the query; anything malformed is left out (the list is a view, not a change)."""
    args, filters = request.args, {}
    status = args.get("status", "active")
    if status in dict(STATUS_FILTERS) and status:
        filters["status"] = status
    read = {"category_id": args.get("category_id", ""), "assignee_id": args.get("assignee_id", ""),
            "account_id": args.get("account_id", "")}
    for name, value in read.items():
        if value.isdigit() and 0 < len(value) <= 18 and int(value) > 0:
            filters[name] = int(value)
    if read["assignee_id"] == "none":
        filters["unassigned"] = True
    if args.get("unread") == "true":
        filters["unread"] = True
    text = args.get("text", "").strip()[:100]
    if text:
        filters["text"] = text
    return filters


@blueprint.get("/tickets")
@staff_page
def inbox():
    filters = read_filters()
    page = tickets.inbox({**filters, **cursor_page(limit=PAGE_SIZE)})
    return render_template("staff/tickets.html", page=page, filters=filters, statuses=translated(STATUS_FILTERS),
                           categories=tickets.categories(), staff=sorted(tickets.staff_names().items()),
                           query=request.args)


def linked_request(found):
    """The service request a ticket carries (billing's view of it), None without one or when billing cannot say."""
    if not found.get("service_request_id"):
        return None
    try:
        return service_requests.get_request(found["service_request_id"])
    except PorticoError:
        log.warning("ticket %s: its service request could not be read", found["id"])
        return None


def render_ticket(ticket_id, errors=None, body="", status=200, decision=None):
    found = tickets.ticket(ticket_id)
    reply = Field("body", "textarea", _("Reply to the client"), _("They get it by email and in the portal."),
                  required=True, value=body, errors=list((errors or {}).get("body", [])))
    summary = [(f"#{reply.input_id}", f"{reply.label}: {text}") for text in reply.errors]
    summary += [(None, text) for key, texts in (errors or {}).items() if key != "body" for text in texts]
    return render_template("staff/ticket.html", ticket=found, reply=reply, summary=summary,
                           statuses=translated(STATUSES),
                           staff=sorted(tickets.staff_names().items()), service_request=linked_request(found),
                           decision=decision or {},
                           notice=notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/tickets/<int:ticket_id>")
@staff_page
def ticket(ticket_id):
    return render_ticket(ticket_id)


@blueprint.post("/tickets/<int:ticket_id>/reply")
@staff_page
def reply(ticket_id):
    try:
        data, files = read_message(("body",))
        tickets.reply(ticket_id, data, files)
    except (InvalidInput, PermissionDenied) as error:
        return render_ticket(ticket_id, error.fields or {"body": [error.message]}, request.form.get("body", ""),
                             status_of(error))
    return redirect(url_for(".ticket", ticket_id=ticket_id, done="replied"), 303)


@blueprint.post("/tickets/<int:ticket_id>/assign")
@staff_page
def assign(ticket_id):
    value = request.form.get("assignee_id", "")
    if value and not (value.isdigit() and len(value) <= 18):
        return render_ticket(ticket_id, {"assignee_id": [_("Choose a member of your staff.")]}, status=400)
    try:
        tickets.assign(ticket_id, int(value) if value else None)
    except InvalidInput as error:
        return render_ticket(ticket_id, error.fields or {"assignee_id": [error.message]}, status=400)
    return redirect(url_for(".ticket", ticket_id=ticket_id, done="assigned"), 303)


@blueprint.post("/tickets/<int:ticket_id>/status")
@staff_page
def set_status(ticket_id):
    status = request.form.get("status", "")
    if status not in dict(STATUSES):
        return render_ticket(ticket_id, {"status": [_("Choose a status.")]}, status=400)
    tickets.set_status(ticket_id, status)
    return redirect(url_for(".ticket", ticket_id=ticket_id, done="status"), 303)


@blueprint.get("/tickets/<int:ticket_id>/files/<int:attachment_id>")
@staff_page
def attachment(ticket_id, attachment_id):
    found = tickets.attachment(ticket_id, attachment_id)
    return file_response(found["data"], found["content_type"], found["filename"], download=True)
