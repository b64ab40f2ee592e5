"""Staff page: open a ticket on a client's behalf (a phone call, a word at the door), from the client's page.

Any category may be chosen, hidden ones too; the opening message, photos or PDFs go through the same checks as
the portal's; the ticket may be about one of the client's invoices. The client sees it in their Tickets tab.
"""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.features import invoices, tickets
from gateway.features.clients import find_client
from gateway.ticket_files import read_message
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from shared.errors import InvalidInput, PermissionDenied
from shared.i18n import _

blueprint = Blueprint("ticket_new", __name__)
OPEN_FIELDS = ("category_id", "subject", "body")
INVOICES_OFFERED = 50


def open_inputs(categories, client_invoices):
    return [
        Field("category_id", "select", _("Category"), required=True, options=[("", _("Choose a category"))] + [
            (str(row["id"]), _("%(name)s (hidden from clients)", name=row["name"]) if row["hidden"] else row["name"])
            for row in categories]),
        Field("subject", "text", _("Subject (optional)"),
              _("Up to 120 characters; the message's first line otherwise.")),
        Field("body", "textarea", _("Opening message"), _("Under 500 characters. The client reads it as the ticket's "
                                                          "first message, from your business."), required=True),
        Field("reference_invoice", "select", _("About an invoice (optional)"), options=[("", _("No invoice"))] + [
            (str(row["id"]), invoice_label(row)) for row in client_invoices]),
    ]


def invoice_label(invoice):
    return _("Invoice %(number)s due %(day)s", number=invoice['number'], day=invoice['due_date'])


def client_invoices(client_id):
    return invoices.list_invoices({"account_id": client_id, "limit": INVOICES_OFFERED})["items"]


def render_new(client, inputs, summary=(), status=200):
    return render_template("staff/ticket_new.html", client=client, inputs=inputs, summary=list(summary)), status


@blueprint.get("/clients/<int:client_id>/tickets/new")
@staff_page
def new_ticket(client_id):
    client = find_client(client_id)
    return render_new(client, open_inputs(tickets.categories(), client_invoices(client_id)))


def reference_of(choice, offered):
    """The chosen invoice as a ticket's reference ({kind, id, label}); None when none is chosen."""
    if not choice:
        return None
    found = next((row for row in offered if str(row["id"]) == choice), None)
    if found is None:
        raise InvalidInput(_("Choose one of the client's invoices."),
                           {"reference_invoice": [_("Choose one of the client's invoices.")]})
    return {"kind": "invoice", "id": found["id"], "label": invoice_label(found)}


@blueprint.post("/clients/<int:client_id>/tickets/new")
@staff_page
def open_ticket(client_id):
    client = find_client(client_id)
    offered = client_invoices(client_id)
    inputs = open_inputs(tickets.categories(), offered)
    forms.show_submitted(inputs, request.form)
    try:
        data, files = read_message(OPEN_FIELDS, numbers=("category_id",))
        if "category_id" not in data:
            raise InvalidInput(_("Choose a category."), {"category_id": [_("Choose a category.")]})
        data["reference"] = reference_of(request.form.get("reference_invoice", ""), offered)
        opened = tickets.open_for_client(client_id, data, files)
    except (InvalidInput, PermissionDenied) as error:
        return render_new(client, inputs, forms.attach_errors(inputs, forms.problems_of(error)), status_of(error))
    return redirect(url_for("staff.tickets.ticket", ticket_id=opened["id"], done="opened"), 303)
