"""Client portal pages, Billing tab: unpaid invoices paid in one payment (review, then pay), the billing history
and the cards and bank accounts on file; invoice PDFs.

Everything works without JavaScript but typing card or bank details, which the processor's hosted form takes.
"""
from flask import Blueprint, request, url_for

from gateway.features import payments
from gateway.features.invoices import my_invoice_pdf
from gateway.features.home import may_pay
from gateway.files import pdf_response
from gateway.portal_auth import client_required
from gateway.web.paging import cursor_page
from gateway.web.portal.billing_forms import (bank_check_page, checkout_request, done_notice, error_summary,
                                              form_problems, invoice_filters, may_manage, new_idempotency_key,
                                              page, still_processing)
from gateway.web.portal.hosted_forms import hosted_forms, uses_hosted_forms
from gateway.web.portal.stripe_fields import uses_stripe_fields
from shared.errors import Conflict, InvalidInput, PaymentDeclined, RequestInProgress
from shared.i18n import _

blueprint = uses_stripe_fields(uses_hosted_forms(Blueprint("billing", __name__)))


def render_billing(filters=None, filter_errors=None, checkout=None, problems=None, alert=None,
                   alert_title=None, status=200):
    """Draw the Billing tab; ``checkout`` is a pay form being corrected (what was sent), else a fresh one."""
    if filters is None:
        filters, filter_errors = invoice_filters(request.args)
    data, cursor_errors = billing_tab_page(filters)
    filter_errors = {**(filter_errors or {}), **cursor_errors}
    status = 400 if cursor_errors else status
    invoices = data["invoices"]["items"] if data["invoices"] else []
    if checkout is not None:
        selected = set(checkout["invoice_ids"])
    elif request.args.getlist("select"):
        selected = {int(value) for value in request.args.getlist("select") if value.isdigit()}
    else:
        selected = {invoice["id"] for invoice in invoices}
    problems = {**(filter_errors or {}), **(problems or {})}
    return page("billing.html", status, tab="billing", data=data, features=data["summary"]["features"],
                invoices=invoices, next_cursor=(data["invoices"] or {}).get("next"), selected=selected,
                selected_total=sum(invoice["balance"] for invoice in invoices if invoice["id"] in selected),
                filter_values=request.args if request.method == "GET" else {}, filtered=len(filters) > 1,
                checkout=checkout_form_values(checkout, data["methods"]), problems=problems,
                summary=error_summary(problems), alert=alert, alert_title=alert_title or _("Nothing was paid"),
                may_pay=may_pay(), may_manage=may_manage(),
                hosted=hosted_forms(), done=done_notice())


def billing_tab_page(filters):
    """Return ``(the Billing tab's data with the page of invoices the link asked for, problems with its cursor)``:
    a cursor that is not one of this list shows the first page and says so."""
    paged = cursor_page(**filters)
    try:
        return payments.billing_tab(paged), {}
    except InvalidInput as error:
        if "cursor" not in paged or "cursor" not in (error.fields or {}):
            raise
        return payments.billing_tab(filters), {"cursor": error.fields["cursor"]}


def checkout_form_values(checkout, methods):
    """What the pay form shows: as sent when it is being corrected, else the first method on file."""
    if checkout is None:
        return {"method": str(methods[0]["id"]) if methods else "new-card", "new_method": None,
                "save_method": False, "amount": "", "use_credit": False, "credit": "",
                "confirm_over_limit": False}
    new_method = checkout["new_method"]
    return {"method": f"new-{new_method['kind']}" if new_method else request.form.get("method", ""),
            "new_method": new_method, "save_method": checkout["save_method"],
            "amount": request.form.get("amount", ""), "use_credit": bool(request.form.get("use_credit")),
            "credit": request.form.get("credit", ""), "confirm_over_limit": checkout["confirm_over_limit"]}


@blueprint.get("/billing")
@client_required
def billing_tab():
    return render_billing()


@blueprint.get("/billing/invoices/<int:invoice_id>.pdf")
@client_required
def invoice_pdf(invoice_id):
    return pdf_response(my_invoice_pdf(invoice_id))


def method_label(checkout, methods):
    if checkout["new_method"]:
        new = checkout["new_method"]
        return (_("New card: %(brand)s ending %(last4)s", brand=new['brand'].title(), last4=new['last4'])
                if new["kind"] == "card" else _("New bank account ending %(last4)s", last4=new['last4']))
    for method in methods:
        if method["id"] == checkout["payment_method_id"]:
            return method["label"]
    return _("Account credit")


def render_review(checkout, problems=None, status=200):
    """Show what paying would do (billing's quote) before anything is charged, with a new Idempotency-Key."""
    results = payments.review(checkout)
    by_id = {invoice["id"]: invoice for invoice in results["invoices"]}
    paying = [by_id[invoice_id] for invoice_id in checkout["invoice_ids"] if invoice_id in by_id]
    problems = problems or {}
    return page("review.html", status, tab="billing", quote=results["quote"], checkout=checkout,
                paying=paying, method=method_label(checkout, results["methods"]), problems=problems,
                summary=error_summary(problems), idempotency_key=new_idempotency_key(),
                form=request.form)


def correct(checkout, problems):
    """Show the Billing tab again with the pay form as sent and its ``problems``."""
    return render_billing(checkout=checkout, problems=problems, status=400)


@blueprint.post("/billing/review")
@client_required
def review_payment():
    checkout, problems = checkout_request(request.form)
    try:
        return correct(checkout, problems) if problems else render_review(checkout)
    except InvalidInput as error:
        return correct(checkout, form_problems(error))


@blueprint.post("/billing/pay")
@client_required
def pay():
    checkout, problems = checkout_request(request.form)
    if problems:
        return correct(checkout, problems)
    try:
        paid = payments.pay_invoices(request.form.get("idempotency_key", ""), checkout)
    except PaymentDeclined as error:
        # Nothing was charged: start again with the same invoices, and another card.
        return render_billing(checkout={**checkout, "new_method": None}, alert=error.message, status=402)
    except RequestInProgress as error:
        return still_processing(error, url_for("portal.billing.pay"))
    except Conflict as error:
        return render_billing(alert=error.message, status=409)
    except InvalidInput as error:
        if "confirm_over_limit" in (error.fields or {}):
            return render_review(checkout, form_problems(error), status=400)
        return correct(checkout, form_problems(error))
    if "requires_action" in paid:  # the client's bank asks them to confirm it first
        return bank_check_page(paid["requires_action"])
    return page("paid.html", tab="billing", paid=paid, receipt_to=payments.receipt_address())


