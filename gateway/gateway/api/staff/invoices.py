"""Staff API: invoices, their PDFs, refunds and voiding them.

Amounts are integer cents; invoices are numbered per business from 1001.
"""
from flask import url_for

from gateway.api.blueprints import PDF_ANSWER, STAFF, ApiBlueprint
from gateway.features import client_messages, invoices
from gateway.files import pdf_response
from gateway.schemas.portal.billing import IdempotencyKeySchema
from gateway.schemas.staff.billing import (StaffInvoiceDetailSchema, StaffInvoiceListArgsSchema,
                                           StaffInvoiceListSchema, StaffNewInvoiceSchema, StaffRefundRequestSchema,
                                           StaffRefundSchema, StaffVoidedInvoiceSchema, StaffVoidInvoiceSchema)
from gateway.schemas.staff.messages import InvoiceEmailedSchema, InvoiceEmailSchema
from shared.errors import Conflict, IdempotencyMismatch, NotFound, PaymentDeclined, ServiceUnavailable

blueprint = ApiBlueprint("invoices", __name__, tag="staff invoices", caller=STAFF)


@blueprint.post("/invoices")
@blueprint.operation("Create an invoice for a client (404 when there is no such client); amounts are integer cents, "
                     "numbered per business from 1001", body=StaffNewInvoiceSchema, status=201,
                     response=StaffInvoiceDetailSchema, raises=[NotFound])
def post_invoice(invoice):
    created = invoices.create_invoice(invoice)
    return {**created, "payments": []}, 201, {"Location": url_for(".get_invoice", invoice_id=created["id"])}


@blueprint.get("/invoices")
@blueprint.operation("List invoices a page at a time, newest issued first, filtered by number, issue dates, total "
                     "(cents), status, client and autopay. A page's `next` is the cursor of the one after it: send "
                     "it back as `cursor` with the same filters (a cursor that is not one of this list is a 400)",
                     query=StaffInvoiceListArgsSchema, response=StaffInvoiceListSchema)
def list_invoices(filters):
    return invoices.list_invoices(filters)


@blueprint.get("/invoices/<id:invoice_id>")
@blueprint.operation("One invoice with its lines and the payments applied to it", response=StaffInvoiceDetailSchema)
def get_invoice(invoice_id):
    return invoices.invoice_with_payments(invoice_id)


@blueprint.post("/invoices/<id:invoice_id>/void")
@blueprint.operation("Void an open or past-due invoice, with an optional reason (staff see it, clients do not). It "
                     "stays on record with status void, owes nothing and is never charged; whatever was paid on it "
                     "becomes the client's credit (credit_released). The body may be left out. 409 when the "
                     "invoice is paid or already void, or while a payment of it is being processed",
                     body=StaffVoidInvoiceSchema, optional_body=True, response=StaffVoidedInvoiceSchema,
                     raises=[Conflict])
def post_invoice_void(body, invoice_id):
    return invoices.void_invoice(invoice_id, body.get("reason"))


@blueprint.post("/invoices/<id:invoice_id>/refunds")
@blueprint.operation("Give back part or all of what a payment put on this invoice: to the card or bank account it "
                     "came from, through the payment processor (`destination` method), or as credit on the client's "
                     "account (credit). The invoice's balance does not change. Needs an Idempotency-Key header, as "
                     "payments do: a retry gets the first answer, never a second refund. 402 when the processor "
                     "refuses it (nothing is given back); 503 when it did not answer (the refund is pending and is "
                     "asked about again until it answers; a retry with the key then gets the outcome)",
                     headers=IdempotencyKeySchema, body=StaffRefundRequestSchema, status=201,
                     response=StaffRefundSchema, raises=[PaymentDeclined, Conflict, IdempotencyMismatch, NotFound,
                                                         ServiceUnavailable])
def post_invoice_refund(headers, body, invoice_id):
    return invoices.refund(invoice_id, headers["key"], body), 201


@blueprint.get("/invoices/<id:invoice_id>/pdf")
@blueprint.operation("The invoice as a PDF document (application/pdf)", responses=PDF_ANSWER)
def get_invoice_pdf(invoice_id):
    return pdf_response(invoices.invoice_pdf(invoice_id))


@blueprint.post("/invoices/<id:invoice_id>/email")
@blueprint.operation("Email an open invoice with a link to pay it in the portal, to ``to`` or (body left out) the "
                     "client's contact email; the client's SMS choice for invoices adds a text. 409 when the invoice "
                     "is paid or void", body=InvoiceEmailSchema, optional_body=True, status=202,
                     response=InvoiceEmailedSchema, raises=[Conflict])
def post_invoice_email(body, invoice_id):
    return client_messages.email_invoice(invoice_id, body.get("to")), 202
