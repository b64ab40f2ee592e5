"""Emailing an invoice with a link to pay it: staff ask for it, or the business emails every new invoice (the
Billing tab's ``email_new_invoices``). Billing says which invoice and who asked (INVOICE_EMAIL_REQUESTED, through
its outbox, in the transaction that decided it); notifications writes the email from the business's template."""
from marshmallow import Schema, fields, validate

from billing.invoices import find_invoice
from billing.models import platform
from billing.settings import TABS
from shared import audit
from shared.errors import Conflict
from shared.events import INVOICE_EMAIL_REQUESTED
from shared.i18n import _
from shared.settings_store import read_settings
from shared.validation import load_or_raise


class EmailInvoiceSchema(Schema):
    to = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))


def _payload(invoice, reason, actor, to=None):
    return {"invoice_id": invoice.id, "account_id": invoice.account_id, "number": invoice.number,
            "total": invoice.total, "balance": invoice.balance, "due_on": invoice.due_date.isoformat(),
            "to_email": to, "reason": reason, "actor": actor}


def email_invoice(session, outbox, tenant_id, invoice_id, to, by):
    """Staff email one of the business's open invoices (to ``to``, or the account's contact email).

    ``by`` is ``audit.who(ctx)``: the event names the staff member, and the account's history records it.
    """
    values = load_or_raise(EmailInvoiceSchema, {"to": to})
    invoice = find_invoice(session, tenant_id, invoice_id)
    if invoice.status != "open":
        raise Conflict(_("This invoice is paid; only an open invoice can be emailed with a pay link.")
                       if invoice.status == "paid" else
                       _("This invoice is void; only an open invoice can be emailed with a pay link.")
                       if invoice.status == "void" else
                       _("Only an open invoice can be emailed with a pay link."))
    outbox.add(session, INVOICE_EMAIL_REQUESTED, _payload(invoice, "staff", by.get("actor"), values["to"]),
               tenant_id=tenant_id)
    summary = (f"Emailed invoice #{invoice.number} to {values['to']} with a link to pay it"  # audit: in English
               if values["to"] else f"Emailed invoice #{invoice.number} with a link to pay it")
    audit.record(outbox, session, "billing", tenant_id, invoice.account_id, "invoice_emailed", summary, by,
                 link=f"/staff/invoices/{invoice.id}")
    return {"invoice_id": invoice.id, "to": values["to"], "queued": True}


def issued(session, outbox, tenant_id, invoice, actor=None):
    """An invoice was just issued: email it when the business emails new invoices (only one with something due)."""
    settings = read_settings(session, platform.tenant_settings, tenant_id, TABS, "billing")
    if not settings["email_new_invoices"] or invoice.status != "open":
        return False
    outbox.add(session, INVOICE_EMAIL_REQUESTED, _payload(invoice, "issued", actor), tenant_id=tenant_id)
    return True
