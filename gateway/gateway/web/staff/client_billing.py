"""Staff pages: one client's billing, applying a prepayment to their open invoices, and their autopay lock."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import autopay, client_billing
from gateway.features.clients import find_client
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import WHOLE_NUMBER
from shared.errors import InvalidInput
from shared.i18n import N_, _
from shared.money import format_money, parse_money

blueprint = Blueprint("client_billing", __name__)

NOTICES = {
    "prepayment_applied": N_("Prepayment applied."),
    "locked": N_("Autopay is locked on: the client cannot turn it off."),
    "unlocked": N_("Autopay is unlocked: the client can turn it off."),
}
# A prepayment or credit to apply, by the kind of payment it is left from.
UNAPPLIED = {"payment": N_("%(unapplied)s unapplied, from a payment of %(amount)s on %(day)s"),
             "prepayment": N_("%(unapplied)s unapplied, from a prepayment of %(amount)s on %(day)s")}


def money(cents):
    return format_money(cents)


def unapplied_label(payment):
    values = {"unapplied": money(payment["unapplied"]), "amount": money(payment["amount"]),
              "day": payment["created_at"][:10]}
    kind = payment["kind"]
    if kind in UNAPPLIED:
        return _(UNAPPLIED[kind], **values)
    return _("%(unapplied)s unapplied, from a %(kind)s of %(amount)s on %(day)s", kind=kind, **values)


def allocation_inputs(payments, open_invoices):
    """Return the Apply prepayment form: which prepayment, and how much of it goes to each open invoice."""
    choices = [(str(payment["id"]), unapplied_label(payment)) for payment in payments]
    return [Field("payment_id", "select", _("Prepayment or credit"), options=choices,
                  value=choices[0][0] if choices else "")] + [
        Field(f"apply-{invoice['id']}", "number", _("Invoice #%(number)s ($)", number=invoice['number']),
              _("%(amount)s due %(day)s.", amount=money(invoice['balance']), day=invoice['due_date']))
        for invoice in open_invoices]


def render_client_billing(client_id, errors=None, status=200):
    """Draw a client's billing; with ``errors``, the Apply prepayment form as submitted, with its messages."""
    results = client_billing.client_billing_page(client_id)
    account = results["billing"]
    credits = [payment for payment in account["history"] if payment["unapplied"] > 0]
    allocation = allocation_inputs(credits, results["open"]["items"])
    summary = []
    if errors is not None:
        forms.show_submitted(allocation, request.form)
        summary = forms.attach_errors(allocation, errors)
    return render_template("staff/billing/client_billing.html", client=results["client"], account=account,
                           open_invoices=results["open"]["items"], more_open=bool(results["open"]["next"]),
                           credits=credits, allocation=allocation,
                           summary=summary, notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


def read_allocations():
    """Return ``(prepayment id, allocations, errors)`` from the Apply prepayment form."""
    amounts, errors = {}, {}
    for name in request.form:
        if name.startswith("apply-") and WHOLE_NUMBER.fullmatch(name[6:]) and request.form[name].strip():
            try:
                amounts[int(name[6:])] = parse_money(request.form[name])
            except ValueError as error:
                errors[name] = [str(error)]
    allocations = [{"invoice_id": invoice_id, "amount": amount} for invoice_id, amount in amounts.items() if amount]
    payment_id = request.form.get("payment_id", "")
    if not WHOLE_NUMBER.fullmatch(payment_id):
        errors["payment_id"] = [_("Choose the prepayment to apply.")]
    if not allocations and not errors:
        errors["_schema"] = [_("Enter an amount for at least one invoice.")]
    return (int(payment_id) if "payment_id" not in errors else None), allocations, errors


@blueprint.get("/clients/<int:client_id>/billing")
@staff_page
def client_billing_page(client_id):
    return render_client_billing(client_id)


@blueprint.post("/clients/<int:client_id>/billing/prepayment")
@staff_page
def apply_prepayment(client_id):
    find_client(client_id)
    payment_id, allocations, errors = read_allocations()
    if not errors:
        try:
            client_billing.apply_prepayment({"payment_id": payment_id, "allocations": allocations})
        except InvalidInput as error:
            errors = forms.problems_of(error)
        else:
            return redirect(url_for(".client_billing_page", client_id=client_id, done="prepayment_applied",
                                    _anchor="prepayment-heading"), 303)
    return render_client_billing(client_id, errors, status=400)


@blueprint.post("/clients/<int:client_id>/billing/autopay-lock")
@staff_page
def autopay_lock(client_id):
    locked = request.form.get("locked") == "true"
    autopay.set_autopay_lock(client_id, locked)
    return redirect(url_for(".client_billing_page", client_id=client_id, done="locked" if locked else "unlocked",
                            _anchor="autopay-heading"), 303)
