"""Invoices: staff create, list, show and void them; clients list theirs; both download PDFs.

Every staff call naming a client first has accounts confirm the client is this business's, so
another business's ids are simply not found.
"""
from datetime import date

from flask import g

from gateway.features.clients import find_client
from gateway.services import blobs, first_error, rpc
from shared.errors import NotFound

VOIDABLE = ("open", "past_due")


def billing(method, *args, **kwargs):
    return rpc().call("billing", method, *args, **kwargs)


def json_safe(values):
    """Dates as YYYY-MM-DD, so validated input can travel over RPC."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


# --- staff ------------------------------------------------------------------------------------

def create_invoice(invoice):
    """Create an invoice for one of this business's clients (``invoice`` already validated)."""
    find_client(invoice["account_id"])
    return billing("create_invoice", json_safe(invoice))


def list_invoices(filters):
    return billing("list_invoices", json_safe(filters))


def find_invoice(invoice_id):
    return billing("get_invoice", invoice_id)


def payments_applied_to(invoice, history):
    """Return the payments (and credit) in an account's ``history`` that went towards ``invoice``.

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


def with_payments(invoice):
    """Return ``invoice`` with the payments applied to it, from its account's billing history."""
    history = billing("account_billing", invoice["account_id"])["history"]
    return {**invoice, "payments": payments_applied_to(invoice, history)}


def invoice_with_payments(invoice_id):
    return with_payments(find_invoice(invoice_id))


def invoice_with_client(invoice_id):
    """Return ``(invoice with its payments, its client)``, the client and billing asked at once."""
    invoice = find_invoice(invoice_id)
    results = first_error(rpc().call_parallel({
        "client": ("accounts", "get_client", (invoice["account_id"],)),
        "billing": ("billing", "account_billing", (invoice["account_id"],)),
    }))
    payments = payments_applied_to(invoice, results["billing"]["history"])
    return {**invoice, "payments": payments}, results["client"]


def refund(invoice_id, idempotency_key, request):
    """Give back part of what a payment paid on the invoice, to its method or as credit (billing/refunds.py)."""
    return billing("refund_payment", invoice_id, idempotency_key, request)


def void_invoice(invoice_id, reason=None):
    """Void one of this business's invoices; return it as it is shown, with the credit released."""
    return with_payments(billing("void_invoice", invoice_id, reason))


def read_document(render):
    """Return ``{"filename", "data"}`` of the PDF billing ``render``s into the blob store.

    A change to the invoice between billing's answer and this read replaces that PDF: asked again,
    billing names the new one.
    """
    document = render()
    try:
        data = blobs().get(document["blob_id"]).data
    except NotFound:
        document = render()
        data = blobs().get(document["blob_id"]).data
    return {"filename": document["filename"], "data": data}


def invoice_pdf(invoice_id):
    """Return the invoice as a PDF document, headed with the business's and the client's names."""
    invoice = find_invoice(invoice_id)
    client = find_client(invoice["account_id"])
    return read_document(lambda: billing("invoice_pdf", invoice_id, g.tenant["display_name"], client["name"]))


# --- clients ----------------------------------------------------------------------------------

def my_invoices(filters):
    return billing("my_invoices", json_safe(filters))


def my_invoice_pdf(invoice_id):
    return read_document(lambda: billing("my_invoice_pdf", invoice_id, g.portal_tenant["display_name"]))


def my_summary():
    """Return the client's total due, past-due invoices, credit and the billing features the business offers."""
    return billing("my_summary")


def my_history():
    return billing("my_history")
