"""Client portal API, Billing tab: the summary, invoices and their PDFs, and the billing history."""
from gateway.api.blueprints import CLIENT, PDF_ANSWER, ApiBlueprint
from gateway.features import invoices
from gateway.files import pdf_response
from gateway.schemas.portal.billing import (BillingHistorySchema, BillingSummarySchema, PortalInvoiceArgsSchema,
                                            PortalInvoiceListSchema)

blueprint = ApiBlueprint("invoices", __name__, tag="portal billing", caller=CLIENT)


@blueprint.get("/billing/summary")
@blueprint.operation("Total due, past-due invoices, available credit and which billing features the business offers",
                     response=BillingSummarySchema, dump=True)
def summary():
    return invoices.my_summary()


@blueprint.get("/invoices")
@blueprint.operation("The account's invoices a page at a time, newest issued first, unpaid ones by default, "
                     "filtered by number, issue dates (YYYY-MM-DD), total (integer cents) and status. A page's "
                     "`next` is the cursor of the one after it: send it back as `cursor` with the same filters (a "
                     "cursor that is not one of this list is a 400)", query=PortalInvoiceArgsSchema,
                     response=PortalInvoiceListSchema, dump=True)
def list_invoices(filters):
    return invoices.my_invoices(filters)


@blueprint.get("/invoices/<id:invoice_id>/pdf")
@blueprint.operation("Download one invoice as a PDF", responses=PDF_ANSWER)
def invoice_pdf(invoice_id):
    return pdf_response(invoices.my_invoice_pdf(invoice_id))


@blueprint.get("/billing/history")
@blueprint.operation("Payments and credits, newest first, each with the invoices it was applied to",
                     response=BillingHistorySchema, dump=True)
def history():
    return {"items": invoices.my_history()}
