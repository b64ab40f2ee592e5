"""Staff pages: refunding part or all of a payment from its invoice's page, in two steps (the form, then a page that
says what will happen), as voiding is. Billing decides and keeps the refund (billing/refunds.py)."""
import uuid

from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import invoices
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from gateway.web.staff.invoice import invoice_page, refund_inputs
from shared.errors import Conflict, IdempotencyMismatch, InvalidInput, PaymentDeclined, ServiceUnavailable
from shared.i18n import _

blueprint = Blueprint("invoice_refund", __name__)
DESTINATIONS = ("method", "credit")
FORM_NAMES = {"payment_id": "payment_id", "amount": "amount", "destination": "destination",
              "reason": "refund_reason"}  # billing's field: the form's input
REFUSALS = {InvalidInput: 400, PaymentDeclined: 402, Conflict: 409, IdempotencyMismatch: 409, ServiceUnavailable: 503}


def read_refund(form):
    """The refund typed in the form: ``(request for billing, errors)``."""
    errors = {}
    amount = forms.money_input(form, "amount", errors)
    if amount is None and "amount" not in errors:
        errors["amount"] = [_("Type the amount to refund.")]
    payment_id = form.get("payment_id", "")
    if not payment_id.isdigit():
        errors["payment_id"] = [_("Choose the payment to refund.")]
    if form.get("destination") not in DESTINATIONS:
        errors["destination"] = [_("Choose where the money goes.")]
    request_body = {"payment_id": int(payment_id) if payment_id.isdigit() else None, "amount": amount,
                    "destination": form.get("destination"), "reason": form.get("refund_reason", "").strip() or None}
    return request_body, errors


def refund_refused(invoice_id, values, error, status):
    found = invoices.invoice_with_payments(invoice_id)
    inputs = refund_inputs(found["payments"], values)
    problems = forms.problems_of(error) if isinstance(error, InvalidInput) else {"_schema": [error.message]}
    problems = {FORM_NAMES.get(name, name): messages for name, messages in problems.items()}
    summary = forms.attach_errors(inputs, problems)
    return invoice_page(invoice_id, summary=summary, status=status, refunding=inputs)


@blueprint.post("/invoices/<int:invoice_id>/refund")
@staff_page
def refund_invoice(invoice_id):
    """Ask first (a page says what will be given back, where), then refund on the second press, under the key the
    first step made: pressing twice, or again after an error, never refunds twice."""
    values = {name: request.form.get(name, "").strip() for name in FORM_NAMES.values()}
    body, errors = read_refund(request.form)
    if errors:
        return refund_refused(invoice_id, values, InvalidInput(_("Some fields are not valid."), errors), 400)
    found = invoices.invoice_with_payments(invoice_id)
    payment = next((item for item in found["payments"] if item["id"] == body["payment_id"]), None)
    if payment is None:
        return refund_refused(invoice_id, values, InvalidInput(_("Some fields are not valid."), {
            "payment_id": [_("Choose a payment that went through and paid this invoice.")]}), 400)
    key = request.form.get("key", "")
    if request.form.get("confirm") != "yes":
        return render_template("staff/billing/refund_invoice.html", invoice=found, payment=payment, refund=body,
                               values=values, key=str(uuid.uuid4()))
    try:
        invoices.refund(invoice_id, key, body)
    except tuple(REFUSALS) as error:
        return refund_refused(invoice_id, values, error, next(
            status for kind, status in REFUSALS.items() if isinstance(error, kind)))
    return redirect(url_for("staff.invoice.invoice", invoice_id=invoice_id, done="refunded"), 303)
