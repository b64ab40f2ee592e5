"""Client portal pages, Billing tab: keeping a card or bank account on file, replacing and removing one."""
from flask import Blueprint, request

from gateway.features import payment_methods
from gateway.portal_auth import client_required
from gateway.web.portal.billing import render_billing
from gateway.web.portal.base import go
from gateway.web.portal.billing_forms import chosen_method, error_summary, form_problems, page
from gateway.web.portal.hosted_forms import hosted_forms, uses_hosted_forms
from gateway.web.portal.stripe_fields import stripe_fields, uses_stripe_fields
from shared.errors import InvalidInput, NotFound
from shared.i18n import _

blueprint = uses_stripe_fields(uses_hosted_forms(Blueprint("methods", __name__)))
SETUP_KINDS = ["card", "ach"]


def new_method_from(form):
    """The card or bank account the hosted form tokenised; a form sent without one is a problem to show."""
    problems = {}
    __, new = chosen_method(form, problems)
    if new is None and not problems:
        problems["method"] = [_("Choose a card or a bank account.")]
    return new, problems


def render_method_form(replacing=None, problems=None, status=200):
    problems = problems or {}
    stripe = stripe_fields()
    if stripe and replacing is None:
        return page("method_stripe.html", status, tab="billing", stripe=stripe, setup=payment_methods.start_setup(
            SETUP_KINDS), kinds=SETUP_KINDS, problems=problems, summary=error_summary(problems),
            next_page=request.values.get("next", ""))
    return page("method_form.html", status, tab="billing", replacing=replacing, hosted=hosted_forms(),
                chosen=request.form.get("method", "new-card"), problems=problems, summary=error_summary(problems),
                next_page=request.values.get("next", ""))


def after_method_change(done):
    if request.form.get("next") == "autopay":
        return go("portal.autopay.autopay_page", done=done)
    return go("portal.billing.billing_tab", _anchor="methods", done=done)


@blueprint.get("/billing/methods/new")
@client_required
def new_method():
    return render_method_form()


@blueprint.post("/billing/methods")
@client_required
def add_method():
    if stripe_fields() and "setup_intent_id" in request.form:
        return keep_stripe_method(request.form["setup_intent_id"])
    new, problems = new_method_from(request.form)
    if problems:
        return render_method_form(problems=problems, status=400)
    try:
        payment_methods.add_method(new)
    except InvalidInput as error:
        return render_method_form(problems=form_problems(error), status=400)
    return after_method_change("method_added")


def keep_stripe_method(setup_intent_id):
    """Keep the method the client confirmed in Stripe's fields; a setup not theirs, or not confirmed, is refused."""
    try:
        payment_methods.finish_setup(setup_intent_id)
    except (InvalidInput, NotFound) as error:
        problems = form_problems(error) if isinstance(error, InvalidInput) else {"method": [error.message]}
        return render_method_form(problems={"method": sum(problems.values(), [])}, status=400)
    return after_method_change("method_added")


@blueprint.get("/billing/methods/<int:method_id>/replace")
@client_required
def replace_method_form(method_id):
    return render_method_form(payment_methods.method_on_file(method_id))


@blueprint.post("/billing/methods/<int:method_id>/replace")
@client_required
def replace_method(method_id):
    old = payment_methods.method_on_file(method_id)
    new, problems = new_method_from({**request.form.to_dict(), "method": f"new-{old['kind']}"})
    if problems:
        return render_method_form(old, problems, status=400)
    try:
        payment_methods.replace_method(method_id, new)
    except InvalidInput as error:
        return render_method_form(old, form_problems(error), status=400)
    return after_method_change("method_replaced")


@blueprint.post("/billing/methods/<int:method_id>/remove")
@client_required
def remove_method(method_id):
    try:
        payment_methods.remove_method(method_id)
    except InvalidInput as error:
        return render_billing(alert=error.fields.get("payment_method_id", [error.message])[0],
                              alert_title=_("Not removed"), status=400)
    return after_method_change("method_removed")


