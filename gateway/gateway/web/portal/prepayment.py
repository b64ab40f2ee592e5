"""Client portal pages, Billing tab: paying ahead of any invoice (a prepayment), as credit on the account."""
from flask import Blueprint, request, url_for

from gateway.features import payments
from gateway.features.home import may_pay
from gateway.portal_auth import client_required
from gateway.web.portal.billing_forms import (bank_check_page, error_summary, form_problems, new_idempotency_key,
                                              page, prepayment_request, still_processing)
from gateway.web.portal.hosted_forms import hosted_forms, uses_hosted_forms
from gateway.web.portal.stripe_fields import uses_stripe_fields
from shared.errors import InvalidInput, PaymentDeclined, RequestInProgress

blueprint = uses_stripe_fields(uses_hosted_forms(Blueprint("prepayment", __name__)))


def render_prepayment(prepayment=None, problems=None, over_limit=None, alert=None, status=200):
    results = payments.summary_and_methods()
    methods = results["methods"]
    new_method = prepayment["new_method"] if prepayment else None
    problems = problems or {}
    return page("prepayment.html", status, tab="billing", features=results["summary"]["features"],
                methods=methods, hosted=hosted_forms(), problems=problems, summary=error_summary(problems),
                over_limit=over_limit, alert=alert, may_pay=may_pay(), idempotency_key=new_idempotency_key(),
                amount=request.form.get("amount", ""),
                method=(f"new-{new_method['kind']}" if new_method else request.form.get("method"))
                or (str(methods[0]["id"]) if methods else "new-card"),
                new_method=new_method)


@blueprint.get("/billing/prepayment")
@client_required
def prepayment():
    return render_prepayment()


@blueprint.post("/billing/prepayment")
@client_required
def make_prepayment():
    prepayment_values, problems = prepayment_request(request.form)
    if problems:
        return render_prepayment(prepayment_values, problems, status=400)
    try:
        paid = payments.make_prepayment(request.form.get("idempotency_key", ""), prepayment_values)
    except PaymentDeclined as error:
        return render_prepayment({**prepayment_values, "new_method": None}, alert=error.message, status=402)
    except RequestInProgress as error:
        return still_processing(error, url_for("portal.prepayment.make_prepayment"))
    except InvalidInput as error:
        over_limit = (error.fields or {}).get("confirm_over_limit")
        return render_prepayment(prepayment_values, {} if over_limit else form_problems(error),
                                 over_limit=over_limit[0] if over_limit else None, status=400)
    if "requires_action" in paid:  # the client's bank asks them to confirm it first
        return bank_check_page(paid["requires_action"])
    return page("paid.html", tab="billing", paid=paid, receipt_to=payments.receipt_address())


