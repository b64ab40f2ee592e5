"""Staff API for billing: invoices and their PDFs, jobs, an account's billing, prepayments, autopay locks, charge runs.

Every call naming a client checks with accounts that the client is this business's before
billing is asked, so another business's ids are simply not found.
"""
import base64
from datetime import date

from flask import Blueprint, Response, g, jsonify, request, url_for

from gateway.auth import staff_required
from gateway.openapi import documented
from gateway.requests import load_json, load_query, path_id
from gateway.schemas import (AccountBillingSchema, ApplyPrepaymentSchema, AutopayLockSchema,
                             AutopayLockStateSchema, BillingPaymentSchema, ChargeRunArgsSchema,
                             ChargeRunRequestSchema, ChargeRunSchema, StaffInvoiceDetailSchema,
                             StaffInvoiceListArgsSchema, StaffInvoiceListSchema, StaffJobSchema,
                             StaffNewInvoiceSchema, StaffNewJobSchema, StaffVoidedInvoiceSchema,
                             StaffVoidInvoiceSchema)
from gateway.services import rpc
from shared.errors import PorticoError

blueprint = Blueprint("staff_billing", __name__, url_prefix="/api/v1/staff")


# --- calls shared with the staff billing pages ----------------------------------------------------

def billing(method, *args, **kwargs):
    return rpc().call("billing", method, *args, **kwargs)


def find_client(account_id):
    """Return this business's client ``account_id``; raise NotFound for any other id."""
    return rpc().call("accounts", "get_client", account_id)


def json_safe(values):
    """Dates as YYYY-MM-DD, so validated input can travel over RPC."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def create_invoice(invoice):
    """Create an invoice for one of this business's clients (``invoice`` already validated)."""
    find_client(invoice["account_id"])
    return billing("create_invoice", json_safe(invoice))


def payments_applied_to(invoice, history):
    """The payments (and credit) in an account's ``history`` that went towards ``invoice``.

    ``applied`` is what is on the invoice now; ``released`` what went back to credit when it was voided.
    """
    applied = []
    for payment in history:
        amounts = {key: sum(part["amount"] for part in payment.get(part_of, [])
                            if part["invoice_number"] == invoice["number"])
                   for key, part_of in (("applied", "applied_to"), ("released", "released"))}
        if amounts["applied"] or amounts["released"]:
            applied.append({key: payment.get(key) for key in ("id", "kind", "source", "method", "created_at")}
                           | amounts)
    return applied


def invoice_with_payments(invoice_id):
    """One invoice with its lines and the payments applied to it."""
    invoice = billing("get_invoice", invoice_id)
    history = billing("account_billing", invoice["account_id"])["history"]
    return {**invoice, "payments": payments_applied_to(invoice, history)}


def void_invoice(invoice_id, reason=None):
    """Void one of this business's invoices; answer it as GET shows it, with the credit released."""
    voided = billing("void_invoice", invoice_id, reason)
    history = billing("account_billing", voided["account_id"])["history"]
    return {**voided, "payments": payments_applied_to(voided, history)}


def invoice_pdf_response(invoice_id):
    """The invoice as a PDF, headed with the business's and the client's names."""
    invoice = billing("get_invoice", invoice_id)
    client = find_client(invoice["account_id"])
    pdf = billing("invoice_pdf", invoice_id, g.tenant["display_name"], client["name"])
    response = Response(base64.b64decode(pdf["content_base64"]), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf["filename"]}"'
    response.headers["Cache-Control"] = "private, no-store"
    # Browsers show a PDF with a plugin: the pages' object-src 'none' would leave it blank.
    response.headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
    return response


def account_billing(account_id):
    """One client's billing, once accounts confirms the client is this business's."""
    find_client(account_id)
    return billing("account_billing", account_id)


def set_autopay_lock(account_id, locked):
    find_client(account_id)
    return billing("set_autopay_lock", account_id, locked)


def merge_autopay_statuses(rows, key="client_id"):
    """Give each row ``autopay``: ``{"enrolled", "locked"}`` of the account ``row[key]``.

    For lists such as Portal users. When billing cannot answer, ``autopay`` is None (status
    unknown) rather than failing the whole list.
    """
    account_ids = sorted({row[key] for row in rows if isinstance(row.get(key), int)})
    statuses = {}
    if account_ids:
        try:
            statuses = billing("autopay_statuses", account_ids)
        except PorticoError:  # a list of people must not go blank because billing is down
            statuses = None
    for row in rows:
        row["autopay"] = None if statuses is None else statuses.get(str(row.get(key)))
    return rows


def start_charge_run(invoice_ids=None):
    return billing("start_charge_run", invoice_ids)


# --- invoices -------------------------------------------------------------------------------------

@blueprint.post("/invoices")
@staff_required
@documented("Create an invoice for a client; amounts are integer cents, numbered per business from 1001",
            body=StaffNewInvoiceSchema, response=StaffInvoiceDetailSchema, status=201)
def post_invoice():
    invoice = create_invoice(load_json(StaffNewInvoiceSchema))
    return jsonify({**invoice, "payments": []}), 201, {
        "Location": url_for(".get_invoice", invoice_id=invoice["id"])}


@blueprint.get("/invoices")
@staff_required
@documented("List invoices, at most 500; query: number, date_from, date_to, amount_min, amount_max (cents), "
            "status (unpaid, open, past_due, paid, void, all), account_id, autopay",
            response=StaffInvoiceListSchema)
def list_invoices():
    filters = json_safe(load_query(StaffInvoiceListArgsSchema))
    return jsonify({"items": billing("list_invoices", filters)})


@blueprint.get("/invoices/<invoice_id>")
@staff_required
@documented("One invoice with its lines and the payments applied to it", response=StaffInvoiceDetailSchema)
def get_invoice(invoice_id):
    return jsonify(invoice_with_payments(path_id(invoice_id, "invoice")))


@blueprint.post("/invoices/<invoice_id>/void")
@staff_required
@documented("Void an open or past-due invoice, with an optional reason (staff see it, clients do not). It stays "
            "on record with status void, owes nothing and is never charged; whatever was paid on it becomes the "
            "client's credit (credit_released). The body may be left out. 409 when the invoice is paid or already "
            "void, or while a payment of it is being processed", body=StaffVoidInvoiceSchema,
            response=StaffVoidedInvoiceSchema)
def post_invoice_void(invoice_id):
    invoice_id = path_id(invoice_id, "invoice")
    body = load_json(StaffVoidInvoiceSchema) if request.get_data(cache=True) else {}
    return jsonify(void_invoice(invoice_id, body.get("reason")))


@blueprint.get("/invoices/<invoice_id>/pdf")
@staff_required
@documented("The invoice as a PDF document (application/pdf)")
def get_invoice_pdf(invoice_id):
    return invoice_pdf_response(path_id(invoice_id, "invoice"))


# --- jobs -----------------------------------------------------------------------------------------

@blueprint.post("/jobs")
@staff_required
@documented("Add a job to a client; it is on autopay when the client is enrolled at that moment",
            body=StaffNewJobSchema, response=StaffJobSchema, status=201)
def post_job():
    job = load_json(StaffNewJobSchema)
    find_client(job["account_id"])
    return jsonify(billing("create_job", job)), 201


# --- one client's billing -------------------------------------------------------------------------

@blueprint.get("/accounts/<account_id>/billing")
@staff_required
@documented("A client's billing: amount due, payments and credits with what they paid, cards and bank "
            "accounts on file, unapplied credit and autopay", response=AccountBillingSchema)
def get_account_billing(account_id):
    return jsonify(account_billing(path_id(account_id, "client")))


@blueprint.put("/accounts/<account_id>/autopay-lock")
@staff_required
@documented("Lock autopay on for a client (they cannot cancel it) or unlock it", body=AutopayLockSchema,
            response=AutopayLockStateSchema)
def put_autopay_lock(account_id):
    account_id = path_id(account_id, "client")
    locked = load_json(AutopayLockSchema)["locked"]
    return jsonify(set_autopay_lock(account_id, locked))


@blueprint.post("/prepayments/apply")
@staff_required
@documented("Apply a prepayment's unapplied credit to invoices of the same client, amounts in cents",
            body=ApplyPrepaymentSchema, response=BillingPaymentSchema)
def apply_prepayment():
    return jsonify(billing("apply_prepayment", load_json(ApplyPrepaymentSchema)))


# --- charging autopay invoices --------------------------------------------------------------------

@blueprint.get("/invoices-to-charge")
@staff_required
@documented("Open invoices of clients enrolled in autopay, awaiting a charge", response=StaffInvoiceListSchema)
def invoices_to_charge():
    return jsonify({"items": billing("invoices_to_charge")})


@blueprint.post("/charge-runs")
@staff_required
@documented("Charge the chosen invoices (all awaiting ones when invoice_ids is left out) with each client's "
            "autopay method; follow the run at its Location. 409 when nothing awaits a charge",
            body=ChargeRunRequestSchema, response=ChargeRunSchema, status=202)
def post_charge_run():
    chosen = load_json(ChargeRunRequestSchema) if request.get_data(cache=True) else {}
    run = start_charge_run(chosen.get("invoice_ids"))
    return jsonify(run), 202, {"Location": url_for(".get_charge_run", run_id=run["id"])}


@blueprint.get("/charge-runs/<run_id>")
@staff_required
@documented("How far a charge run has got; with_items=0 leaves out the per-invoice results",
            response=ChargeRunSchema)
def get_charge_run(run_id):
    with_items = load_query(ChargeRunArgsSchema)["with_items"]
    return jsonify(billing("get_charge_run", path_id(run_id, "charge run"), with_items=with_items))
