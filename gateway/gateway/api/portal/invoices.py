"""Client portal API, Billing tab: the summary, invoices and their PDFs, and the billing history."""
from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import invoices
from gateway.files import pdf_response
from gateway.schemas.portal.billing import (BillingHistorySchema, BillingSummarySchema, PortalInvoiceArgsSchema,
                                            PortalInvoiceListSchema)

blueprint = ApiBlueprint("invoices", __name__, tag="portal billing")
PDF = {200: {"description": "The invoice as a PDF document",
             "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


@blueprint.get("/billing/summary")
@client_required
@blueprint.doc(summary="Total due, past-due invoices, available credit and which billing features the business "
                       "offers")
@blueprint.response(200, BillingSummarySchema)
def summary():
    return invoices.my_summary()


@blueprint.get("/invoices")
@client_required
@blueprint.doc(summary="The account's invoices, unpaid ones by default, filtered by number, issue dates "
                       "(YYYY-MM-DD), total (integer cents) and status")
@blueprint.query(PortalInvoiceArgsSchema)
@blueprint.response(200, PortalInvoiceListSchema)
def list_invoices(filters):
    return {"items": invoices.my_invoices(filters)}


@blueprint.get("/invoices/<id:invoice_id>/pdf")
@client_required
@blueprint.doc(summary="Download one invoice as a PDF", responses=PDF)
def invoice_pdf(invoice_id):
    return pdf_response(invoices.my_invoice_pdf(invoice_id))


@blueprint.get("/billing/history")
@client_required
@blueprint.doc(summary="Payments and credits, newest first, each with the invoices it was applied to")
@blueprint.response(200, BillingHistorySchema)
def history():
    return {"items": invoices.my_history()}
