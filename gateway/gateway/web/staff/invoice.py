"""Staff pages: one invoice with the payments applied to it, voiding it (in two steps, no script needed),
and its PDF."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import client_messages, invoices
from gateway.features.clients import find_client
from gateway.features.invoices import VOIDABLE
from gateway.files import pdf_response
from gateway.schemas.staff.billing import VOID_REASON_LENGTH
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _
from shared.money import format_money

blueprint = Blueprint("invoice", __name__)

REFUND_DEFAULTS = {"payment_id": "", "amount": "", "destination": "method", "refund_reason": ""}
NOTICES = {"created": N_("Invoice created."), "emailed": N_("Invoice emailed with a link to pay it."),
           "voided": N_("Invoice voided. Anything paid on it is now credit on the client's account."),
           "refunded": N_("Refund given. The client is told of it in the portal.")}


def void_inputs(reason=""):
    return [Field("reason", "text", _("Reason (optional)"),
                  _("Why it is voided, such as \"Duplicate of #1042\": at most %(length)s characters. "
                    "Staff see it; the client does not.", length=VOID_REASON_LENGTH), value=reason)]


def read_void_reason(inputs):
    """Return the reason typed in the Void invoice form: ``(reason or None, errors)``."""
    reason = request.form.get("reason", "").strip()
    inputs[0].value = reason
    if len(reason) > VOID_REASON_LENGTH:
        return None, {"reason": [_("Use at most %(length)s characters; this is %(count)s.",
                                   length=VOID_REASON_LENGTH, count=len(reason))]}
    if not reason.isprintable():
        return None, {"reason": [_("Use one line of plain text.")]}
    return reason or None, {}


def invoice_page(invoice_id, voiding=None, summary=(), status=200, emailing=None, refunding=None):
    """Draw an invoice; ``voiding`` (``emailing``, ``refunding``) is the Void (Email, Refund) form as sent, with its
    messages."""
    found, client = invoices.invoice_with_client(invoice_id)
    return render_template("staff/billing/invoice.html", invoice=found, client=client, payments=found["payments"],
                           notice=forms.notice_of(NOTICES, request.args.get("done", "")),
                           voidable=found["status"] in VOIDABLE,
                           voiding=voiding or void_inputs(), summary=list(summary),
                           emailing=emailing or email_inputs(),
                           refunding=refunding or refund_inputs(found["payments"])), status


def refund_inputs(payments, typed=None):
    """The Refund form's inputs, for the payments still on the invoice (``payments``: the invoice page's), with what
    was ``typed`` in them."""
    typed = {**REFUND_DEFAULTS, **(typed or {})}
    choices = [(str(payment["id"]), _("%(method)s, %(applied)s on this invoice", method=payment["method"],
                                      applied=format_money(payment["applied"])))
               for payment in payments if payment["applied"] > 0]
    return [Field("payment_id", "select", _("Payment"), options=choices, value=typed["payment_id"]),
            Field("amount", "number", _("Amount to refund"), _("In dollars, such as 25.00: at most what the "
                                                                "payment put on this invoice."),
                  value=typed["amount"]),
            Field("destination", "select", _("Give it back"), options=[
                ("method", _("To the card or bank account it was paid with")),
                ("credit", _("As credit on the client's account, for later invoices"))],
                value=typed["destination"]),
            Field("refund_reason", "text", _("Reason for the refund (optional)"), _("Kept in the account's history and told to "
                                                                     "the client, such as \"Visit of 3 May missed\"."),
                  value=typed["refund_reason"])]



def voiding_refused(invoice):
    if invoice["status"] == "void":
        return _("Invoice #%(number)s is already void.", number=invoice['number'])
    return _("Invoice #%(number)s is paid, so it cannot be voided.", number=invoice['number'])


@blueprint.get("/invoices/<int:invoice_id>")
@staff_page
def invoice(invoice_id):
    return invoice_page(invoice_id)


@blueprint.post("/invoices/<int:invoice_id>/void")
@staff_page
def void_invoice(invoice_id):
    """Ask first (a page says what voiding does), then void on the second press."""
    inputs = void_inputs()
    reason, errors = read_void_reason(inputs)
    if errors:
        return invoice_page(invoice_id, inputs, forms.attach_errors(inputs, errors), 400)
    if request.form.get("confirm") != "yes":
        found = invoices.find_invoice(invoice_id)
        if found["status"] not in VOIDABLE:
            return invoice_page(invoice_id, inputs, [(None, voiding_refused(found))], 409)
        return render_template("staff/billing/void_invoice.html", invoice=found, reason=reason,
                               client=find_client(found["account_id"]))
    try:
        invoices.void_invoice(invoice_id, reason)
    except InvalidInput as error:
        return invoice_page(invoice_id, inputs, forms.attach_errors(inputs, forms.problems_of(error)), 400)
    except Conflict as error:
        return invoice_page(invoice_id, inputs, [(None, error.message)], 409)
    return redirect(url_for(".invoice", invoice_id=invoice_id, done="voided"), 303)


@blueprint.get("/invoices/<int:invoice_id>/pdf")
@staff_page
def invoice_pdf(invoice_id):
    return pdf_response(invoices.invoice_pdf(invoice_id))


def email_inputs(to=""):
    return [Field("to", "email", _("Send to (optional)"),
                  _("Leave empty to send it to the client's contact email."), value=to)]


@blueprint.post("/invoices/<int:invoice_id>/email")
@staff_page
def email_invoice(invoice_id):
    """Email the invoice with a link to pay it in the portal, to the address typed or the client's contact email."""
    to = request.form.get("to", "").strip()
    inputs = email_inputs(to)
    try:
        client_messages.email_invoice(invoice_id, to or None)
    except InvalidInput as error:
        return invoice_page(invoice_id, summary=forms.attach_errors(inputs, forms.problems_of(error)), status=400,
                            emailing=inputs)
    except Conflict as error:
        return invoice_page(invoice_id, summary=[(None, error.message)], status=409, emailing=inputs)
    return redirect(url_for(".invoice", invoice_id=invoice_id, done="emailed"), 303)
