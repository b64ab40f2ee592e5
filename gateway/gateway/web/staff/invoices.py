"""Staff pages: the invoice list with its filters, and the new invoice form."""
import re

from babel.numbers import format_decimal
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import invoices
from gateway.features.clients import client_names, first_clients
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import client_input, read_date, read_fields, whole_number
from shared.errors import InvalidInput, NotFound
from shared.fields import MAX_ID
from shared.i18n import N_, _, locale_of
from shared.money import parse_money

blueprint = Blueprint("invoices", __name__)

MAX_LINES = 200
MAX_QUANTITY = 100_000
LINE_PARTS = ("description", "quantity", "unit_price")
LINE_NAME = re.compile(r"line-(\d{1,3})-(description|quantity|unit_price)")
STATUS_FILTERS = [("", N_("Any status")), ("unpaid", N_("Unpaid")), ("past_due", N_("Past due")),
                  ("paid", N_("Paid")), ("void", N_("Void"))]
AUTOPAY_FILTERS = [("", N_("Either")), ("true", N_("On autopay")), ("false", N_("Not on autopay"))]
FILTER_READERS = {
    "number": lambda text: whole_number(text, _("Enter an invoice number, such as 1001."), largest=10 ** 12),
    "client": lambda text: whole_number(text, _("Enter the client's number, such as 42."), largest=MAX_ID),
    "status": lambda text: text if text in dict(STATUS_FILTERS) else "all",
    "issued_from": lambda text: read_date(text, N_("Enter the first issue date as a date, such as %(example)s.")),
    "issued_to": lambda text: read_date(text, N_("Enter the last issue date as a date, such as %(example)s.")),
    "total_min": parse_money,
    "total_max": parse_money,
    "autopay": lambda text: {"true": True, "false": False}.get(text),
}
# The list's query parameters, as billing's filters name them.
FILTER_NAMES = {"number": "number", "client": "account_id", "status": "status", "issued_from": "date_from",
                "issued_to": "date_to", "total_min": "amount_min", "total_max": "amount_max", "autopay": "autopay"}


def filter_inputs(listing):
    return [
        Field("number", "number", _("Invoice number")),
        client_input("client", _("Client"), listing),
        Field("status", "select", _("Status"), options=[(value, _(label)) for value, label in STATUS_FILTERS]),
        Field("issued_from", "date", _("Issued on or after")),
        Field("issued_to", "date", _("Issued on or before")),
        Field("total_min", "number", _("Total at least ($)")),
        Field("total_max", "number", _("Total at most ($)")),
        Field("autopay", "select", _("Autopay"), options=[(value, _(label)) for value, label in AUTOPAY_FILTERS]),
    ]


def read_filters(inputs):
    """Return ``(billing's filters, errors)`` from the query string; show what was typed in the inputs."""
    values, errors = read_fields(inputs, FILTER_READERS)
    for item in inputs:
        item.value = request.args.get(item.name, "")
    return {FILTER_NAMES[name]: value for name, value in values.items() if value is not None}, errors


def invoice_inputs(listing, chosen_client=""):
    """Return the new invoice form: client, dates; its lines come from ``line_inputs``."""
    return [
        client_input("account_id", _("Client"), listing, chosen_client),
        Field("issue_date", "date", _("Issue date"), _("Leave empty for today.")),
        Field("due_date", "date", _("Due date"), required=True),
    ]


def line_inputs(index):
    return [Field(f"line-{index}-description", "text", _("Description"), required=True),
            Field(f"line-{index}-quantity", "number", _("Quantity"), _("A whole number."), value="1"),
            Field(f"line-{index}-unit_price", "number", _("Unit price ($)"), _("Such as 49.50."))]


def submitted_line_count():
    """Return how many line rows the form sent (at least one)."""
    indexes = [int(found[1]) for name in request.form if (found := LINE_NAME.fullmatch(name))]
    return min(MAX_LINES, max(indexes, default=0) + 1)


def read_line_part(part, text):
    if part == "description":
        if not text:
            raise ValueError(_("Describe the work or item."))
        if len(text) > 300:
            raise ValueError(_("Use at most 300 characters."))
        return text
    if part == "quantity":
        return whole_number(text or "1", _("Enter a whole number from 1 to %(largest)s.",
                                           largest=format_decimal(MAX_QUANTITY, locale=locale_of())),
                            largest=MAX_QUANTITY)
    if not text:
        raise ValueError(_("Enter the unit price, such as 49.50."))
    return parse_money(text)


def read_lines(lines, errors):
    """Return the invoice lines the form sent and the form index of each; put their problems in ``errors``."""
    invoice_lines, sent_from = [], []
    for index, row in enumerate(lines):
        texts = {part: request.form.get(item.name, "").strip() for part, item in zip(LINE_PARTS, row)}
        if not texts["description"] and not texts["unit_price"]:
            continue  # an empty row, or one with only the default quantity: not a line
        line = {}
        for part, item in zip(LINE_PARTS, row):
            try:
                line[part] = read_line_part(part, texts[part])
            except ValueError as error:
                errors[item.name] = [str(error)]
        invoice_lines.append(line)
        sent_from.append(index)
    if not invoice_lines and not errors.keys() & {item.name for row in lines for item in row}:
        errors[lines[0][0].name] = [_("Add at least one line with a description and a unit price.")]
    return invoice_lines, sent_from


def read_invoice(inputs, lines):
    """Read the new invoice form: ``(invoice for billing, errors, form index of each line sent)``."""
    values, errors = read_fields(inputs, {
        "account_id": lambda text: whole_number(text, _("Choose a client."), largest=MAX_ID),
        "issue_date": lambda text: read_date(text, N_("Enter the issue date as a date, such as %(example)s.")),
        "due_date": lambda text: read_date(text, N_("Enter the due date as a date, such as %(example)s.")),
    })
    if "account_id" not in errors and values["account_id"] is None:
        errors["account_id"] = [_("Choose a client.")]
    if "due_date" not in errors and values["due_date"] is None:
        errors["due_date"] = [_("Enter the due date.")]
    invoice_lines, sent_from = read_lines(lines, errors)
    invoice = {"account_id": values.get("account_id"), "issue_date": values.get("issue_date"),
               "due_date": values.get("due_date"), "lines": invoice_lines}
    return invoice, errors, sent_from


def placed(messages, sent_from):
    """Name billing's messages after the form's inputs: ``lines.0.unit_price`` -> ``line-3-unit_price``."""
    named = {}
    for key, texts in messages.items():
        found = re.fullmatch(r"lines\.(\d+)\.(\w+)", key)
        if found and int(found[1]) < len(sent_from):
            key = f"line-{sent_from[int(found[1])]}-{found[2]}"
        named.setdefault(key, []).extend(texts)
    return named


NO_PAGE = {"items": [], "next": None}


def filtered_invoices(filters_shown):
    """Return ``(billing's filters, the page of invoices they find, their problems)``."""
    filters, problems = read_filters(filters_shown)
    if problems:
        return filters, NO_PAGE, problems
    try:
        return filters, invoices.list_invoices(cursor_page(**filters)), {}
    except InvalidInput as error:
        return filters, NO_PAGE, forms.problems_of(error)


def render_invoices(new_invoice=None, lines=None, summary=(), status=200):
    listing = first_clients()
    filters_shown = filter_inputs(listing)
    filters, found, problems = filtered_invoices(filters_shown)
    if problems:
        by_input = {value: key for key, value in FILTER_NAMES.items()}
        summary = list(summary) + forms.attach_errors(filters_shown, {by_input.get(name, name): texts
                                                                      for name, texts in problems.items()})
        status = 400
    if new_invoice is None:
        new_invoice = invoice_inputs(listing, request.args.get("client", ""))
        lines = [line_inputs(0)]
    names = client_names({invoice["account_id"] for invoice in found["items"]}, listing)
    return render_template("staff/billing/invoices.html", invoices=found["items"], next_cursor=found["next"],
                           names=names, filters=filters_shown,
                           filtered=bool(filters), new_invoice=new_invoice, lines=lines, blank_line=line_inputs,
                           summary=list(summary), notice=None), status


@blueprint.get("/invoices")
@staff_page
def invoice_list():
    return render_invoices()


@blueprint.post("/invoices")
@staff_page
def create_invoice():
    inputs = invoice_inputs(first_clients())
    lines = [line_inputs(index) for index in range(submitted_line_count())]
    every_input = inputs + [item for row in lines for item in row]
    forms.show_submitted(every_input, request.form)
    if "add_line" in request.form:  # without scripts, "Add a line" comes back here for one more row
        lines.append(line_inputs(len(lines)))
        return render_invoices(inputs, lines)
    invoice, errors, sent_from = read_invoice(inputs, lines)
    if not errors:
        try:
            created = invoices.create_invoice(invoice)
        except NotFound:
            errors = {"account_id": [_("There is no such client. Choose one from the list.")]}
        except InvalidInput as error:
            errors = placed(forms.problems_of(error), sent_from)
        else:
            return redirect(url_for("staff.invoice.invoice", invoice_id=created["id"], done="created"), 303)
    return render_invoices(inputs, lines, forms.attach_errors(every_input, errors), status=400)
