"""Client portal pages: the Tickets tab (open and closed tickets, each when the business shows them), opening a
ticket with photos or PDFs, a ticket's conversation with a reply form, and its files as downloads."""
from flask import Blueprint, request

from gateway.errors import status_of
from gateway.features import tickets
from gateway.features.tab_bar import TICKET_VIEWS
from gateway.files import file_response
from gateway.portal_auth import client_required
from gateway.ticket_files import read_message
from gateway.web.forms import Field
from gateway.web.paging import cursor_page
from gateway.web.portal.base import FORM_ERRORS, go, page, show_errors
from shared.errors import PermissionDenied
from shared.i18n import _

blueprint = Blueprint("tickets", __name__)
OPEN_FIELDS = ("category_id", "subject", "body")
PAGE_SIZE = 20  # tickets each list of the tab shows at once


def open_inputs(options):
    return [Field("category_id", "select", _("Category"), options=[("", _("Choose a category"))] + [
                (str(category["id"]), category["name"]) for category in options["categories"]], required=True),
            Field("body", "textarea", _("What can we help with?"), _("Under 500 characters."), required=True)]


@blueprint.get("/tickets")
@client_required
def tickets_tab():
    options = tickets.my_options()
    if not any(options[key] for key in TICKET_VIEWS):
        raise PermissionDenied(_("Tickets are not shown in this portal."))
    lists = {which: tickets.my_tickets(which, cursor_page(f"{which}_cursor", limit=PAGE_SIZE))
             for which in ("open", "closed") if options[f"show_{which}_tickets"]}
    return page("tickets.html", tab="tickets", options=options, lists=lists, opened=request.args.get("opened"))


def render_new(options, inputs, summary=(), status=200, reference=None):
    return page("ticket_new.html", tab="tickets", options=options, inputs=inputs, summary=summary,
                reference=reference or reference_of(), status=status)


def reference_of():
    """A ticket about a visit or an invoice, as a visit card's link names it (the client's own words)."""
    kind, number = request.values.get("reference_kind"), request.values.get("reference_id", "")
    if kind in ("visit", "invoice") and number.isdigit() and len(number) <= 18:
        return {"kind": kind, "id": number, "label": request.values.get("reference_label", "")[:200]}
    return None


@blueprint.get("/tickets/new")
@client_required
def new_ticket():
    options = tickets.my_options()
    if not options["tickets_enabled"]:
        raise PermissionDenied(_("This business does not take tickets in the portal."))
    return render_new(options, open_inputs(options))


@blueprint.post("/tickets/new")
@client_required
def open_ticket():
    options = tickets.my_options()
    inputs = open_inputs(options)
    for item in inputs:
        item.value = request.form.get(item.name, "")
    try:
        data, files = read_message(OPEN_FIELDS, numbers=("category_id",))
        opened = tickets.open_my_ticket(data, files)
    except FORM_ERRORS as error:
        return render_new(options, inputs, show_errors(inputs, error.fields or {"body": [error.message]}),
                          status_of(error))
    return go("portal.tickets.ticket", ticket_id=opened["id"], opened=1)


def reply_inputs():
    return [Field("body", "textarea", _("Your reply"), required=True)]


def render_ticket(ticket_id, inputs=None, summary=(), status=200):
    found = tickets.my_ticket(ticket_id)
    return page("ticket.html", tab="tickets", ticket=found, inputs=inputs or reply_inputs(), summary=summary,
                opened=request.args.get("opened"), status=status)


@blueprint.get("/tickets/<int:ticket_id>")
@client_required
def ticket(ticket_id):
    return render_ticket(ticket_id)


@blueprint.post("/tickets/<int:ticket_id>/reply")
@client_required
def reply(ticket_id):
    inputs = reply_inputs()
    inputs[0].value = request.form.get("body", "")
    try:
        data, files = read_message(("body",))
        tickets.reply_to_my_ticket(ticket_id, data, files)
    except FORM_ERRORS as error:
        return render_ticket(ticket_id, inputs, show_errors(inputs, error.fields or {"body": [error.message]}),
                             status_of(error))
    return go("portal.tickets.ticket", ticket_id=ticket_id, _anchor="latest")


@blueprint.get("/tickets/<int:ticket_id>/files/<int:attachment_id>")
@client_required
def attachment(ticket_id, attachment_id):
    found = tickets.my_attachment(ticket_id, attachment_id)
    return file_response(found["data"], found["content_type"], found["filename"], download=True)
