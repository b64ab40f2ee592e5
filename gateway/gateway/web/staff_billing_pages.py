"""Staff billing pages: invoices, a new invoice, Invoices to charge with its charge runs, and a client's billing.

Money is integer cents here too: what staff type in dollars is read as text into cents, and
cents are shown as dollars only when a page is drawn.
"""
import re
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for

from gateway.api import staff_billing
from gateway.api.staff_billing import billing, find_client
from gateway.schemas import MAX_CENTS, VOID_REASON_LENGTH
from gateway.services import first_error, rpc
from gateway.web import pages, settings_form
from gateway.web.pages import staff_page
from gateway.web.settings_form import Field
from shared.errors import Conflict, InvalidInput, NotFound

blueprint = Blueprint("staff_billing_pages", __name__, url_prefix="/staff")
blueprint.after_request(pages.protect_page)

# accounts lists at most this many clients at once: up to it the forms offer clients by name,
# beyond it they ask for the client's number.
CLIENTS_IN_A_LIST = 200
# Names of clients not in that first list are asked one by one, for at most this many.
NAME_LOOKUPS = 50
MAX_LINES = 200
MAX_QUANTITY = 100_000
LINE_PARTS = ("description", "quantity", "unit_price")
LINE_NAME = re.compile(r"line-(\d{1,3})-(description|quantity|unit_price)")
DOLLARS = re.compile(r"\$?(?P<whole>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<cents>\d*))?")
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
STATUS_FILTERS = [("", "Any status"), ("unpaid", "Unpaid"), ("past_due", "Past due"), ("paid", "Paid"),
                  ("void", "Void")]
AUTOPAY_FILTERS = [("", "Either"), ("true", "On autopay"), ("false", "Not on autopay")]
NOTICES = {
    "created": "Invoice created.",
    "prepayment_applied": "Prepayment applied.",
    "locked": "Autopay is locked on: the client cannot turn it off.",
    "unlocked": "Autopay is unlocked: the client can turn it off.",
    "voided": "Invoice voided. Anything paid on it is now credit on the client's account.",
}
VOIDABLE = ("open", "past_due")


@blueprint.context_processor
def billing_helpers():
    return {"money": format_money}


def notice():
    """The confirmation named by ``?done=`` after a redirect, if any."""
    return NOTICES.get(request.args.get("done", ""))


# --- money as people type and read it ---------------------------------------------------------------

def format_money(cents):
    """Show integer cents as dollars: 123456 -> "$1,234.56"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def cents_from_dollars(text):
    """Read typed dollars ("12.50", "$1,234", ".5") as integer cents; raise ValueError saying what is wrong."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError("Enter an amount of zero or more.")
    found = DOLLARS.fullmatch(text) if len(text) <= 24 else None
    if found is None or not (found["whole"] or found["cents"]):
        raise ValueError("Enter an amount in dollars, such as 12.50.")
    if len(found["cents"] or "") > 2:
        raise ValueError("Use at most two decimal places, such as 12.35.")
    cents = int(found["whole"].replace(",", "") or 0) * 100 + int((found["cents"] or "").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise ValueError(f"Enter at most {format_money(MAX_CENTS)}.")
    return cents


def whole_number(text, message, smallest=1, largest=10 ** 9):
    if not WHOLE_NUMBER.fullmatch(text) or not smallest <= int(text) <= largest:
        raise ValueError(message)
    return int(text)


def read_date(text, what):
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"Enter the {what} as a date, such as {date.today().isoformat()}.") from None


def read_fields(inputs, readers):
    """Read each input's text with its reader; return ``(values, errors)`` keyed by input name."""
    values, errors = {}, {}
    for item in inputs:
        text = request.values.get(item.name, "").strip()
        try:
            values[item.name] = readers[item.name](text) if text else None
        except ValueError as error:
            errors[item.name] = [str(error)]
    return values, errors


def field_messages(error):
    return error.fields or {"_schema": [error.message]}


# --- clients by name ---------------------------------------------------------------------------------

def first_clients():
    """The business's clients in name order, at most as many as a list can show."""
    return rpc().call("accounts", "list_clients", page=1, per_page=CLIENTS_IN_A_LIST)


def client_names(account_ids, listing=None):
    """Map each account id to its client's name: from ``listing``, else asked of accounts (in parallel)."""
    names = {client["id"]: client["name"] for client in (listing or {}).get("items", [])}
    missing = sorted(set(account_ids) - set(names))[:NAME_LOOKUPS]
    if missing:
        found = rpc().call_parallel({account_id: ("accounts", "get_client", (account_id,))
                                     for account_id in missing})
        names.update({account_id: client["name"] for account_id, client in found.items()
                      if not isinstance(client, Exception)})
    return names


def client_input(name, label, listing, chosen=""):
    """A select of clients, or a box for the client's number when there are too many to list."""
    if listing["total"] <= CLIENTS_IN_A_LIST:
        options = [(str(client["id"]), client["name"] + (f" ({client['parent_name']})" if client.get("parent_name")
                                                        else "")) for client in listing["items"]]
        return Field(name, "select", label, options=[("", "Choose a client" if name == "account_id"
                                                      else "Any client")] + options, value=chosen)
    return Field(name, "number", f"{label} number", "The number at the end of the client's page address.",
                 value=chosen)


# --- invoices ----------------------------------------------------------------------------------------

def filter_inputs(listing):
    return [
        Field("number", "number", "Invoice number"),
        client_input("client", "Client", listing),
        Field("status", "select", "Status", options=list(STATUS_FILTERS)),
        Field("issued_from", "date", "Issued on or after"),
        Field("issued_to", "date", "Issued on or before"),
        Field("total_min", "number", "Total at least ($)"),
        Field("total_max", "number", "Total at most ($)"),
        Field("autopay", "select", "Autopay", options=list(AUTOPAY_FILTERS)),
    ]


FILTER_READERS = {
    "number": lambda text: whole_number(text, "Enter an invoice number, such as 1001.", largest=10 ** 12),
    "client": lambda text: whole_number(text, "Enter the client's number, such as 42.", largest=10 ** 18),
    "status": lambda text: text if text in dict(STATUS_FILTERS) else "all",
    "issued_from": lambda text: read_date(text, "first issue date"),
    "issued_to": lambda text: read_date(text, "last issue date"),
    "total_min": cents_from_dollars,
    "total_max": cents_from_dollars,
    "autopay": lambda text: {"true": True, "false": False}.get(text),
}
# The list's query parameters, as billing's filters name them.
FILTER_NAMES = {"number": "number", "client": "account_id", "status": "status", "issued_from": "date_from",
                "issued_to": "date_to", "total_min": "amount_min", "total_max": "amount_max", "autopay": "autopay"}


def read_filters(inputs):
    """Return ``(billing's filters, errors)`` from the query string; show what was typed in the inputs."""
    values, errors = read_fields(inputs, FILTER_READERS)
    for item in inputs:
        item.value = request.args.get(item.name, "")
    return {FILTER_NAMES[name]: value for name, value in values.items() if value is not None}, errors


def invoice_inputs(listing, chosen_client=""):
    """The new invoice form: client, dates; its lines come from ``line_inputs``."""
    return [
        client_input("account_id", "Client", listing, chosen_client),
        Field("issue_date", "date", "Issue date", "Leave empty for today."),
        Field("due_date", "date", "Due date", required=True),
    ]


def line_inputs(index):
    return [Field(f"line-{index}-description", "text", "Description", required=True),
            Field(f"line-{index}-quantity", "number", "Quantity", "A whole number.", value="1"),
            Field(f"line-{index}-unit_price", "number", "Unit price ($)", "Such as 49.50.")]


def submitted_line_count():
    """How many line rows the form sent (at least one)."""
    indexes = [int(found[1]) for name in request.form if (found := LINE_NAME.fullmatch(name))]
    return min(MAX_LINES, max(indexes, default=0) + 1)


def read_invoice(inputs, lines):
    """Read the new invoice form: ``(invoice for billing, errors, form index of each line sent)``."""
    values, errors = read_fields(inputs, {
        "account_id": lambda text: whole_number(text, "Choose a client.", largest=10 ** 18),
        "issue_date": lambda text: read_date(text, "issue date"),
        "due_date": lambda text: read_date(text, "due date"),
    })
    if "account_id" not in errors and values["account_id"] is None:
        errors["account_id"] = ["Choose a client."]
    if "due_date" not in errors and values["due_date"] is None:
        errors["due_date"] = ["Enter the due date."]
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
        errors[lines[0][0].name] = ["Add at least one line with a description and a unit price."]
    invoice = {"account_id": values.get("account_id"), "issue_date": values.get("issue_date"),
               "due_date": values.get("due_date"), "lines": invoice_lines}
    return invoice, errors, sent_from


def read_line_part(part, text):
    if part == "description":
        if not text:
            raise ValueError("Describe the work or item.")
        if len(text) > 300:
            raise ValueError("Use at most 300 characters.")
        return text
    if part == "quantity":
        return whole_number(text or "1", f"Enter a whole number from 1 to {MAX_QUANTITY:,}.", largest=MAX_QUANTITY)
    if not text:
        raise ValueError("Enter the unit price, such as 49.50.")
    return cents_from_dollars(text)


def placed(messages, sent_from):
    """Name billing's messages after the form's inputs: ``lines.0.unit_price`` -> ``line-3-unit_price``."""
    named = {}
    for key, texts in messages.items():
        found = re.fullmatch(r"lines\.(\d+)\.(\w+)", key)
        if found and int(found[1]) < len(sent_from):
            key = f"line-{sent_from[int(found[1])]}-{found[2]}"
        named.setdefault(key, []).extend(texts)
    return named


def render_invoices(new_invoice=None, lines=None, summary=(), status=200):
    listing = first_clients()
    filters_shown = filter_inputs(listing)
    filters, filter_errors = read_filters(filters_shown)
    invoices = []
    if not filter_errors:
        try:
            invoices = billing("list_invoices", filters)
        except InvalidInput as error:
            filter_errors = field_messages(error)
    if filter_errors:
        summary = list(summary) + settings_form.attach_errors(filters_shown, {
            {value: key for key, value in FILTER_NAMES.items()}.get(name, name): texts
            for name, texts in filter_errors.items()})
        status = 400
    if new_invoice is None:
        new_invoice = invoice_inputs(listing, request.args.get("client", ""))
        lines = [line_inputs(0)]
    names = client_names({invoice["account_id"] for invoice in invoices}, listing)
    page = render_template("staff/billing/invoices.html", invoices=invoices, names=names, filters=filters_shown,
                           filtered=bool(filters), new_invoice=new_invoice, lines=lines, blank_line=line_inputs,
                           summary=list(summary), notice=notice())
    return page, status


@blueprint.get("/invoices")
@staff_page
def invoices():
    return render_invoices()


@blueprint.post("/invoices")
@staff_page
def create_invoice():
    listing = first_clients()
    inputs = invoice_inputs(listing)
    lines = [line_inputs(index) for index in range(submitted_line_count())]
    every_input = inputs + [item for row in lines for item in row]
    settings_form.show_submitted(every_input, request.form)
    if "add_line" in request.form:  # without scripts, "Add a line" comes back here for one more row
        lines.append(line_inputs(len(lines)))
        return render_invoices(inputs, lines)
    invoice, errors, sent_from = read_invoice(inputs, lines)
    if not errors:
        try:
            created = staff_billing.create_invoice(invoice)
        except NotFound:
            errors = {"account_id": ["There is no such client. Choose one from the list."]}
        except InvalidInput as error:
            errors = placed(field_messages(error), sent_from)
        else:
            return redirect(url_for(".invoice", invoice_id=created["id"], done="created"), 303)
    summary = settings_form.attach_errors(every_input, errors)
    return render_invoices(inputs, lines, summary, status=400)


def void_inputs(reason=""):
    return [Field("reason", "text", "Reason (optional)",
                  f"Why it is voided, such as \"Duplicate of #1042\": at most {VOID_REASON_LENGTH} characters. "
                  "Staff see it; the client does not.", value=reason)]


def read_void_reason(inputs):
    """The reason typed in the Void invoice form: ``(reason or None, errors)``."""
    reason = request.form.get("reason", "").strip()
    inputs[0].value = reason
    if len(reason) > VOID_REASON_LENGTH:
        return None, {"reason": [f"Use at most {VOID_REASON_LENGTH} characters; this is {len(reason)}."]}
    if not reason.isprintable():
        return None, {"reason": ["Use one line of plain text."]}
    return reason or None, {}


def invoice_page(invoice_id, voiding=None, summary=(), status=200):
    """Draw an invoice; ``voiding`` is the Void invoice form as sent, with its messages."""
    found = billing("get_invoice", invoice_id)
    results = first_error(rpc().call_parallel({
        "client": ("accounts", "get_client", (found["account_id"],)),
        "billing": ("billing", "account_billing", (found["account_id"],)),
    }))
    payments = staff_billing.payments_applied_to(found, results["billing"]["history"])
    page = render_template("staff/billing/invoice.html", invoice=found, client=results["client"],
                           payments=payments, notice=notice(), voidable=found["status"] in VOIDABLE,
                           voiding=voiding or void_inputs(), summary=list(summary))
    return page, status


@blueprint.get("/invoices/<int:invoice_id>")
@staff_page
def invoice(invoice_id):
    return invoice_page(invoice_id)


@blueprint.post("/invoices/<int:invoice_id>/void")
@staff_page
def void_invoice(invoice_id):
    """Voiding takes two steps, no script needed: the form asks, a page says what happens, the second press voids."""
    inputs = void_inputs()
    reason, errors = read_void_reason(inputs)
    if errors:
        return invoice_page(invoice_id, inputs, settings_form.attach_errors(inputs, errors), 400)
    if request.form.get("confirm") != "yes":
        found = billing("get_invoice", invoice_id)
        if found["status"] not in VOIDABLE:
            return invoice_page(invoice_id, inputs, [(None, voiding_refused(found))], 409)
        return render_template("staff/billing/void_invoice.html", invoice=found, reason=reason,
                               client=find_client(found["account_id"]))
    try:
        staff_billing.void_invoice(invoice_id, reason)
    except InvalidInput as error:
        return invoice_page(invoice_id, inputs, settings_form.attach_errors(inputs, field_messages(error)), 400)
    except Conflict as error:
        return invoice_page(invoice_id, inputs, [(None, error.message)], 409)
    return redirect(url_for(".invoice", invoice_id=invoice_id, done="voided"), 303)


def voiding_refused(invoice):
    if invoice["status"] == "void":
        return f"Invoice #{invoice['number']} is already void."
    return f"Invoice #{invoice['number']} is paid, so it cannot be voided."


@blueprint.get("/invoices/<int:invoice_id>/pdf")
@staff_page
def invoice_pdf(invoice_id):
    return staff_billing.invoice_pdf_response(invoice_id)


# --- invoices to charge and charge runs -------------------------------------------------------------

def render_invoices_to_charge(summary=(), chosen=None, status=200):
    awaiting = billing("invoices_to_charge")
    names = client_names({invoice["account_id"] for invoice in awaiting}, first_clients())
    chosen = {invoice["id"] for invoice in awaiting} if chosen is None else set(chosen)
    page = render_template("staff/billing/invoices_to_charge.html", invoices=awaiting, names=names,
                           chosen=chosen, summary=list(summary))
    return page, status


@blueprint.get("/invoices-to-charge")
@staff_page
def invoices_to_charge():
    return render_invoices_to_charge()


@blueprint.post("/charge-runs")
@staff_page
def start_charge_run():
    chosen = [int(value) for value in request.form.getlist("invoice_ids")
              if WHOLE_NUMBER.fullmatch(value)]
    if not chosen:
        return render_invoices_to_charge([("#charge-first", "Tick at least one invoice to charge.")], chosen, 400)
    try:
        run = staff_billing.start_charge_run(chosen)
    except (InvalidInput, Conflict) as error:
        problem = "Some of the ticked invoices no longer await a charge; the list is up to date now." \
            if isinstance(error, InvalidInput) else error.message
        return render_invoices_to_charge([(None, problem)], chosen, 409 if isinstance(error, Conflict) else 400)
    return redirect(url_for(".charge_run", run_id=run["id"]), 303)


@blueprint.get("/charge-runs/<int:run_id>")
@staff_page
def charge_run(run_id):
    run = billing("get_charge_run", run_id, with_items=True)
    names = client_names({item["account_id"] for item in run["items"]}) if run["finished"] else {}
    return render_template("staff/billing/charge_run.html", run=run, names=names)


# --- one client's billing ----------------------------------------------------------------------------

def allocation_inputs(payments, open_invoices):
    """The Apply prepayment form: which prepayment, and how much of it goes to each open invoice."""
    choices = [(str(payment["id"]), f"{format_money(payment['unapplied'])} unapplied, from a {payment['kind']} of "
                                    f"{format_money(payment['amount'])} on {payment['created_at'][:10]}")
               for payment in payments]
    return [Field("payment_id", "select", "Prepayment or credit", options=choices,
                  value=choices[0][0] if choices else "")] + [
        Field(f"apply-{invoice['id']}", "number", f"Invoice #{invoice['number']} ($)",
              f"{format_money(invoice['balance'])} due {invoice['due_date']}.") for invoice in open_invoices]


def render_client_billing(client_id, errors=None, status=200):
    """Draw a client's billing; with ``errors``, the Apply prepayment form as submitted, with its messages."""
    results = rpc().call_parallel({
        "client": ("accounts", "get_client", (client_id,)),
        "billing": ("billing", "account_billing", (client_id,)),
        "open": ("billing", "list_invoices", ({"account_id": client_id, "status": "unpaid"},)),
    })
    if isinstance(results["client"], Exception):  # another business's id: not found, whatever billing says
        raise results["client"]
    first_error(results)
    account = results["billing"]
    credits = [payment for payment in account["history"] if payment["unapplied"] > 0]
    allocation = allocation_inputs(credits, results["open"])
    summary = []
    if errors is not None:
        settings_form.show_submitted(allocation, request.form)
        summary = settings_form.attach_errors(allocation, errors)
    page = render_template("staff/billing/client_billing.html", client=results["client"], account=account,
                           open_invoices=results["open"], credits=credits, allocation=allocation,
                           summary=summary, notice=notice())
    return page, status


@blueprint.get("/clients/<int:client_id>/billing")
@staff_page
def client_billing(client_id):
    return render_client_billing(client_id)


@blueprint.post("/clients/<int:client_id>/billing/prepayment")
@staff_page
def apply_prepayment(client_id):
    find_client(client_id)
    amounts = {}
    errors = {}
    for name in request.form:
        if name.startswith("apply-") and WHOLE_NUMBER.fullmatch(name[6:]) and request.form[name].strip():
            try:
                amounts[int(name[6:])] = cents_from_dollars(request.form[name])
            except ValueError as error:
                errors[name] = [str(error)]
    allocations = [{"invoice_id": invoice_id, "amount": amount} for invoice_id, amount in amounts.items() if amount]
    payment_id = request.form.get("payment_id", "")
    if not WHOLE_NUMBER.fullmatch(payment_id):
        errors["payment_id"] = ["Choose the prepayment to apply."]
    if not allocations and not errors:
        errors["_schema"] = ["Enter an amount for at least one invoice."]
    if not errors:
        try:
            billing("apply_prepayment", {"payment_id": int(payment_id), "allocations": allocations})
        except InvalidInput as error:
            errors = field_messages(error)
        else:
            return redirect(url_for(".client_billing", client_id=client_id, done="prepayment_applied")
                            + "#prepayment-heading", 303)
    return render_client_billing(client_id, errors, status=400)


@blueprint.post("/clients/<int:client_id>/billing/autopay-lock")
@staff_page
def autopay_lock(client_id):
    locked = request.form.get("locked") == "true"
    staff_billing.set_autopay_lock(client_id, locked)
    return redirect(url_for(".client_billing", client_id=client_id, done="locked" if locked else "unlocked")
                    + "#autopay-heading", 303)
