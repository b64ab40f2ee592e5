"""Client portal API, Billing tab: invoices and their PDFs, paying several in one payment, prepayments,
billing history, cards and bank accounts on file, and autopay.

billing decides everything (the business's settings, the client's rights, limits and idempotency);
these views read the request, add who the client is and what a receipt needs, and answer.
"""
import base64

from flask import Response, g, jsonify, request

from gateway.openapi import documented
from gateway.portal_auth import client_required, portal_blueprint
from gateway.requests import load_json, load_query, path_id
from gateway.schemas import (AutopayEnrolmentSchema, AutopayStatusSchema, BillingHistorySchema,
                             BillingSummarySchema, NewPaymentMethodSchema, PaymentMethodListSchema,
                             PaymentMethodSchema, PaymentQuoteSchema, PaymentRequestSchema, PaymentResultSchema,
                             PortalInvoiceArgsSchema, PortalInvoiceListSchema, PrepaymentRequestSchema)
from gateway.services import rpc
from shared.errors import invalid

blueprint = portal_blueprint("portal_billing", __name__, "/api/v1/portal/<slug>")

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_HELP = "Send an Idempotency-Key header of 8 to 200 characters, new for each payment."


def billing(method, *args):
    return rpc().call("billing", method, *args)


def idempotency_key():
    """Return the request's Idempotency-Key; a payment without one is refused before anything happens."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not 8 <= len(key) <= 200 or not key.isprintable():
        raise invalid(IDEMPOTENCY_HEADER, IDEMPOTENCY_HELP)
    return key


def with_receipt(payment_request):
    """Add where billing sends the receipt: the signed-in client's own email address."""
    return {**payment_request, "receipt_to": g.client_session["portal_user"]["email"]}


def json_safe(filters):
    return {name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in filters.items()}


# --- invoices -------------------------------------------------------------------------------

@blueprint.get("/billing/summary")
@client_required
@documented("Total due, past-due invoices, available credit and which billing features the business offers",
            response=BillingSummarySchema, tag="portal billing")
def summary():
    return jsonify(BillingSummarySchema().dump(billing("my_summary")))


@blueprint.get("/invoices")
@client_required
@documented("The account's invoices, unpaid ones by default; query: number, date_from, date_to (YYYY-MM-DD), "
            "amount_min, amount_max (integer cents), status", response=PortalInvoiceListSchema, tag="portal billing")
def list_invoices():
    filters = json_safe(load_query(PortalInvoiceArgsSchema))
    return jsonify(PortalInvoiceListSchema().dump({"items": billing("my_invoices", filters)}))


@blueprint.get("/invoices/<invoice_id>/pdf")
@client_required
@documented("Download one invoice as a PDF", tag="portal billing")
def invoice_pdf(invoice_id):
    document = billing("my_invoice_pdf", path_id(invoice_id, "invoice"), g.portal_tenant["display_name"])
    response = Response(base64.b64decode(document["content_base64"]), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document["filename"]}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- paying -----------------------------------------------------------------------------------

@blueprint.post("/payments/quote")
@client_required
@documented("Say what paying these invoices would charge, and whether it is over the business's limit "
            "(with the warning to show)", body=PaymentRequestSchema, response=PaymentQuoteSchema,
            tag="portal billing")
def quote_payment():
    return jsonify(PaymentQuoteSchema().dump(billing("quote_payment", load_json(PaymentRequestSchema))))


@blueprint.post("/payments")
@client_required
@documented("Pay the selected invoices in one payment. Needs an Idempotency-Key header: a retry with the same "
            "key gets the first answer (never a second charge); the same key with another body is refused (422). "
            "A declined card answers 402 and changes nothing. The receipt goes to the client's email",
            body=PaymentRequestSchema, response=PaymentResultSchema, status=201, tag="portal billing")
def pay_invoices():
    key = idempotency_key()
    paid = billing("pay_invoices", key, with_receipt(load_json(PaymentRequestSchema)))
    return jsonify(PaymentResultSchema().dump(paid)), 201


@blueprint.post("/prepayments")
@client_required
@documented("Pay ahead of any invoice, as credit on the account. Needs an Idempotency-Key header, as payments do",
            body=PrepaymentRequestSchema, response=PaymentResultSchema, status=201, tag="portal billing")
def make_prepayment():
    key = idempotency_key()
    paid = billing("make_prepayment", key, with_receipt(load_json(PrepaymentRequestSchema)))
    return jsonify(PaymentResultSchema().dump(paid)), 201


@blueprint.get("/billing/history")
@client_required
@documented("Payments and credits, newest first, each with the invoices it was applied to",
            response=BillingHistorySchema, tag="portal billing")
def history():
    return jsonify(BillingHistorySchema().dump({"items": billing("my_history")}))


# --- cards and bank accounts on file ----------------------------------------------------------

@blueprint.get("/payment-methods")
@client_required
@documented("Cards and bank accounts on file", response=PaymentMethodListSchema, tag="portal billing")
def list_payment_methods():
    return jsonify(PaymentMethodListSchema().dump({"items": billing("my_payment_methods")}))


@blueprint.post("/payment-methods")
@client_required
@documented("Keep a card or bank account on file, from the processor's hosted form's token",
            body=NewPaymentMethodSchema, response=PaymentMethodSchema, status=201, tag="portal billing")
def add_payment_method():
    added = billing("add_payment_method", load_json(NewPaymentMethodSchema))
    return jsonify(PaymentMethodSchema().dump(added)), 201


@blueprint.put("/payment-methods/<method_id>")
@client_required
@documented("Replace a card or bank account with a new one (autopay moves to it); only when the business allows "
            "changes to that kind", body=NewPaymentMethodSchema, response=PaymentMethodSchema, tag="portal billing")
def replace_payment_method(method_id):
    replaced = billing("replace_payment_method", path_id(method_id, "payment method"),
                       load_json(NewPaymentMethodSchema))
    return jsonify(PaymentMethodSchema().dump(replaced))


@blueprint.delete("/payment-methods/<method_id>")
@client_required
@documented("Remove a card or bank account; only when the business allows changes to that kind",
            status=204, tag="portal billing")
def remove_payment_method(method_id):
    billing("remove_payment_method", path_id(method_id, "payment method"))
    return "", 204


# --- autopay --------------------------------------------------------------------------------

@blueprint.get("/autopay")
@client_required
@documented("Autopay: whether it is offered, enrolled or locked, the method it charges and the consent text",
            response=AutopayStatusSchema, tag="portal billing")
def autopay():
    return jsonify(AutopayStatusSchema().dump(billing("my_autopay")))


@blueprint.put("/autopay")
@client_required
@documented("Turn autopay on with a method on file; consent must be true (the client agrees to consent_text)",
            body=AutopayEnrolmentSchema, response=AutopayStatusSchema, tag="portal billing")
def enroll_autopay():
    enrolment = load_json(AutopayEnrolmentSchema)
    status = billing("enroll_autopay", enrolment["payment_method_id"], enrolment["consent"])
    return jsonify(AutopayStatusSchema().dump(status))


@blueprint.delete("/autopay")
@client_required
@documented("Turn autopay off (refused while the business has locked it on)", response=AutopayStatusSchema,
            tag="portal billing")
def cancel_autopay():
    return jsonify(AutopayStatusSchema().dump(billing("cancel_autopay")))
