"""Client portal pages, Billing tab: unpaid invoices paid in one payment (review, then pay), prepayments,
billing history, cards and bank accounts on file; the Account tab's autopay page; the Home tab's billing panels.

Card and bank details are typed into the payment processor's hosted form, shown in an iframe; it hands
the page a token by postMessage (static/portal-billing.js) and only that token ever reaches Portico.
Everything else works without JavaScript.
"""
import base64
import logging
import re
import uuid
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

from flask import Response, current_app, g, redirect, render_template, request, url_for

from gateway.errors import status_of
from gateway.portal_auth import client_required
from gateway.services import first_error, rpc
from gateway.web.portal_base import portal_page_blueprint
from shared.config import env
from shared.errors import Conflict, InvalidInput, NotFound, PaymentDeclined, PermissionDenied

log = logging.getLogger(__name__)

blueprint = portal_page_blueprint("portal_billing_pages", __name__, frame_origin=lambda: origin_of(processor_url()))

DEFAULT_PROCESSOR_URL = "http://127.0.0.1:8100"
NEW_METHOD_KINDS = ("card", "ach")
NEW_METHOD_PARTS = ("token", "brand", "last4", "exp_month", "exp_year")
MONEY_TEXT = re.compile(r"\$?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<cents>[0-9]{1,2}))?")
MAX_CENTS = 10 ** 12
PAYING_RIGHTS = ("pay", "manage")
DONE = {
    "method_added": "Saved. The new payment method is on file.",
    "method_replaced": "Replaced. The new payment method took the old one's place.",
    "method_removed": "Removed. That payment method is no longer on file.",
    "autopay_on": "Autopay is on.",
    "autopay_off": "Autopay is off.",
}


# --- configuration and every page of this blueprint -------------------------------------------

@blueprint.record_once
def configure_processor(state):
    """Read where browsers reach the payment processor's hosted forms (its public address)."""
    state.app.config.setdefault("PAYMENT_PROCESSOR_PUBLIC_URL", env("PAYMENT_PROCESSOR_PUBLIC_URL")
                                or env("PAYMENT_PROCESSOR_URL", DEFAULT_PROCESSOR_URL))


def processor_url():
    return current_app.config["PAYMENT_PROCESSOR_PUBLIC_URL"].rstrip("/")


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def hosted_forms():
    """Where this page's iframes load the processor's card and bank forms, told who embeds them."""
    query = urlencode({"parent_origin": request.host_url.rstrip("/")})
    return {"origin": origin_of(processor_url()),
            "card": f"{processor_url()}/elements/card?{query}",
            "ach": f"{processor_url()}/elements/bank?{query}"}


@blueprint.app_template_filter("money")
def money(cents):
    """Show integer cents as dollars: 123456 -> "$1,234.56"."""
    cents = int(cents or 0)
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}${whole:,}.{part:02d}"


@blueprint.app_template_filter("dollars")
def dollars(cents):
    """Show integer cents as an input's value: 1250 -> "12.50"."""
    return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"


@blueprint.app_template_filter("day")
def day(iso_text):
    """Show an ISO date or timestamp as a day people read: "Jun 5, 2025"."""
    try:
        moment = datetime.fromisoformat(str(iso_text))
    except ValueError:
        return iso_text
    return f"{moment:%b} {moment.day}, {moment.year}"


def billing(method, *args):
    return rpc().call("billing", method, *args)


def page(template, status=200, **context):
    return render_template(f"portal/billing/{template}", **context), status


def go(endpoint, anchor=None, **arguments):
    return redirect(url_for(f".{endpoint}", _anchor=anchor, **arguments), 303)


def rights():
    return g.client_session["account"]["rights"]


def may_pay():
    return rights() in PAYING_RIGHTS


def may_manage():
    return rights() == "manage"


def new_idempotency_key():
    """Each payment form gets its own key: resending that form can never pay twice."""
    return str(uuid.uuid4())


def feature_or_none(result):
    """A part of the page the business turned off (billing refused it) is simply not shown."""
    return None if isinstance(result, PermissionDenied) else result


# --- reading forms ----------------------------------------------------------------------------

def parse_money(text):
    """Turn "1,234.5" or "$12" into integer cents; raise ValueError when it is not an amount."""
    found = MONEY_TEXT.fullmatch(text.strip())
    if not found:
        raise ValueError("Enter an amount in dollars, such as 25.00.")
    cents = int(found["whole"].replace(",", "")) * 100 + int((found["cents"] or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise ValueError("That amount is too large.")
    return cents


def money_input(form, name, errors):
    """Read an optional amount input: None when left empty."""
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_money(text)
    except ValueError as error:
        errors[name] = [str(error)]
        return None


def invoice_filters(args):
    """Return billing's filters from the filter form (unpaid invoices) and the problems with what was typed."""
    filters, errors = {"status": "unpaid"}, {}
    number = args.get("number", "").strip().lstrip("#")
    if number:
        if number.isascii() and number.isdigit() and len(number) <= 9:
            filters["number"] = int(number)
        else:
            errors["number"] = ["Enter an invoice number, such as 1001."]
    for name in ("date_from", "date_to"):
        text = args.get(name, "").strip()
        if text:
            try:
                filters[name] = date.fromisoformat(text).isoformat()
            except ValueError:
                errors[name] = ["Enter a date, such as 2025-06-30."]
    for name in ("amount_min", "amount_max"):
        amount = money_input(args, name, errors)
        if amount is not None:
            filters[name] = amount
    if filters.get("date_from", "") > filters.get("date_to", "9999"):
        errors["date_from"] = ["The first date is after the last one."]
        del filters["date_from"]
    if filters.get("amount_min", 0) > filters.get("amount_max", MAX_CENTS):
        errors["amount_min"] = ["The smallest amount is above the largest."]
        del filters["amount_min"]
    return filters, errors


def chosen_method(form, errors):
    """Return the ``payment_method_id`` / ``new_method`` pair the form chose."""
    choice = form.get("method", "")
    if choice.isascii() and choice.isdigit():
        return int(choice), None
    if choice in (f"new-{kind}" for kind in NEW_METHOD_KINDS):
        kind = choice[4:]
        parts = {part: form.get(f"{kind}_{part}", "").strip() for part in NEW_METHOD_PARTS}
        if not parts["token"]:
            errors["method"] = ["Enter the card details in the secure form and press its Save button first."
                                if kind == "card" else
                                "Enter the bank account in the secure form and press its Save button first."]
            return None, None
        return None, {"token": parts["token"], "kind": kind, "brand": parts["brand"], "last4": parts["last4"],
                      "exp_month": int(parts["exp_month"]) if parts["exp_month"].isdigit() else None,
                      "exp_year": int(parts["exp_year"]) if parts["exp_year"].isdigit() else None}
    return None, None


def checkout_request(form):
    """Turn the Billing tab's pay form into billing's payment request; return (request, problems)."""
    errors = {}
    invoice_ids = [int(value) for value in form.getlist("invoice_ids") if value.isascii() and value.isdigit()]
    if not invoice_ids:
        errors["invoice_ids"] = ["Choose at least one invoice to pay."]
    payment_method_id, new_method = chosen_method(form, errors)
    amount = money_input(form, "amount", errors)
    credit = money_input(form, "credit", errors) if form.get("use_credit") else None
    if form.get("use_credit") and credit is None and "credit" not in errors:
        errors["credit"] = ["Enter how much of your credit to use."]
    return {"invoice_ids": invoice_ids, "payment_method_id": payment_method_id, "new_method": new_method,
            "save_method": bool(new_method and form.get("save_method")), "amount": amount,
            "credit": credit or 0, "confirm_over_limit": form.get("confirm_over_limit") == "yes"}, errors


def prepayment_request(form):
    errors = {}
    amount = money_input(form, "amount", errors)
    if amount is None and "amount" not in errors:
        errors["amount"] = ["Enter how much to pay ahead, such as 100.00."]
    elif amount == 0:
        errors["amount"] = ["Enter an amount above zero."]
    payment_method_id, new_method = chosen_method(form, errors)
    return {"amount": amount, "payment_method_id": payment_method_id, "new_method": new_method,
            "confirm_over_limit": form.get("confirm_over_limit") == "yes"}, errors


def form_problems(error):
    """billing's field messages under the form's own input names (new_method.token -> method)."""
    messages = {}
    for key, texts in (error.fields or {"_schema": [error.message]}).items():
        name = {"payment_method_id": "method", "new_method": "method", "receipt_to": "_schema"}.get(
            key.split(".")[0], key.split(".")[0])
        messages.setdefault(name, []).extend(texts)
    return messages


# What each form input is called in an error summary, and where its link takes the reader.
INPUT_NAMES = {
    "invoice_ids": ("Invoices", "#invoices-heading"),
    "method": ("Pay with", "#pay-with"),
    "amount": ("Amount", "#field-amount"),
    "credit": ("Credit", "#field-credit"),
    "confirm_over_limit": ("Over the limit", "#field-confirm_over_limit"),
    "number": ("Invoice number", "#field-number"),
    "date_from": ("Issued from", "#field-date_from"),
    "date_to": ("Issued to", "#field-date_to"),
    "amount_min": ("Amount from", "#field-amount_min"),
    "amount_max": ("Amount to", "#field-amount_max"),
    "consent": ("Consent", "#field-consent"),
}


def error_summary(problems):
    """The (link, text) pairs the error summary lists, in the order of the form."""
    summary = []
    for name, texts in problems.items():
        label, target = INPUT_NAMES.get(name, (None, None))
        summary += [(target, f"{label}: {text}" if label else text) for text in texts]
    return summary


# --- the Home tab's panels --------------------------------------------------------------------

def home_panels():
    """Ask accounts (the business's branding) and billing (the client's summary) at once for the Home tab.

    A failing billing service leaves out the billing panels instead of the whole page.
    """
    results = rpc().call_parallel({"business": ("accounts", "get_portal_config", ()),
                                   "billing": ("billing", "my_summary", ())})
    summary = results.pop("billing")
    g.business = first_error(results)["business"]
    if isinstance(summary, Exception):
        log.warning("home page without billing panels: %s", summary)
        summary = None
    return {"billing_summary": summary, "billing_may_pay": may_pay()}


# --- the Billing tab --------------------------------------------------------------------------

def load_billing_tab(filters):
    """Everything the Billing tab shows, asked of billing at once; parts the business turned off are None."""
    results = rpc().call_parallel({
        "summary": ("billing", "my_summary", ()),
        "invoices": ("billing", "my_invoices", (filters,)),
        "methods": ("billing", "my_payment_methods", ()),
        "history": ("billing", "my_history", ()),
        "autopay": ("billing", "my_autopay", ()),
    })
    for optional in ("invoices", "history"):
        results[optional] = feature_or_none(results[optional])
    return first_error(results)


def render_billing(filters=None, filter_errors=None, checkout=None, problems=None, alert=None,
                   alert_title="Nothing was paid", status=200):
    """Draw the Billing tab; ``checkout`` is a pay form being corrected (what was sent), else a fresh one."""
    if filters is None:
        filters, filter_errors = invoice_filters(request.args)
    data = load_billing_tab(filters)
    invoices = data["invoices"] or []
    if checkout is not None:
        selected = set(checkout["invoice_ids"])
    elif request.args.getlist("select"):
        selected = {int(value) for value in request.args.getlist("select") if value.isdigit()}
    else:
        selected = {invoice["id"] for invoice in invoices}
    problems = {**(filter_errors or {}), **(problems or {})}
    return page("billing.html", status, tab="billing", data=data, features=data["summary"]["features"],
                invoices=invoices, selected=selected,
                selected_total=sum(invoice["balance"] for invoice in invoices if invoice["id"] in selected),
                filter_values=request.args if request.method == "GET" else {}, filtered=len(filters) > 1,
                checkout=checkout_form_values(checkout, data["methods"]), problems=problems,
                summary=error_summary(problems), alert=alert, alert_title=alert_title, may_pay=may_pay(),
                may_manage=may_manage(),
                hosted=hosted_forms(), done=DONE.get(request.args.get("done", "")))


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
    document = billing("my_invoice_pdf", invoice_id, g.portal_tenant["display_name"])
    response = Response(base64.b64decode(document["content_base64"]), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document["filename"]}"'
    return response


def method_label(checkout, methods):
    if checkout["new_method"]:
        new = checkout["new_method"]
        return (f"New card: {new['brand'].title()} ending {new['last4']}" if new["kind"] == "card"
                else f"New bank account ending {new['last4']}")
    for method in methods:
        if method["id"] == checkout["payment_method_id"]:
            return method["label"]
    return "Account credit"


def render_review(checkout, problems=None, status=200):
    """Show what paying would do (billing's quote) before anything is charged, with a new Idempotency-Key."""
    results = first_error(rpc().call_parallel({
        "quote": ("billing", "quote_payment", (checkout,)),
        "invoices": ("billing", "my_invoices", ({"status": "unpaid"},)),
        "methods": ("billing", "my_payment_methods", ()),
    }))
    by_id = {invoice["id"]: invoice for invoice in results["invoices"]}
    paying = [by_id[invoice_id] for invoice_id in checkout["invoice_ids"] if invoice_id in by_id]
    problems = problems or {}
    return page("review.html", status, tab="billing", quote=results["quote"], checkout=checkout,
                paying=paying, method=method_label(checkout, results["methods"]), problems=problems,
                summary=error_summary(problems), idempotency_key=new_idempotency_key(),
                form=request.form)


@blueprint.post("/billing/review")
@client_required
def review_payment():
    checkout, problems = checkout_request(request.form)
    if problems:
        return render_billing(checkout=checkout, problems=problems, status=400)
    try:
        return render_review(checkout)
    except InvalidInput as error:
        return render_billing(checkout=checkout, problems=form_problems(error), status=400)


@blueprint.post("/billing/pay")
@client_required
def pay():
    checkout, problems = checkout_request(request.form)
    if problems:
        return render_billing(checkout=checkout, problems=problems, status=400)
    key = request.form.get("idempotency_key", "")
    receipt_to = g.client_session["portal_user"]["email"]
    try:
        paid = billing("pay_invoices", key, {**checkout, "receipt_to": receipt_to})
    except PaymentDeclined as error:
        # Nothing was charged: start again with the same invoices, and another card.
        return render_billing(checkout={**checkout, "new_method": None}, alert=error.message, status=402)
    except Conflict as error:
        return render_billing(alert=error.message, status=409)
    except InvalidInput as error:
        if "confirm_over_limit" in (error.fields or {}):
            return render_review(checkout, form_problems(error), status=400)
        return render_billing(checkout=checkout, problems=form_problems(error), status=400)
    return page("paid.html", tab="billing", paid=paid, receipt_to=receipt_to)


# --- prepayments --------------------------------------------------------------------------------

def render_prepayment(prepayment=None, problems=None, over_limit=None, alert=None, status=200):
    results = first_error(rpc().call_parallel({"summary": ("billing", "my_summary", ()),
                                               "methods": ("billing", "my_payment_methods", ())}))
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
    key = request.form.get("idempotency_key", "")
    receipt_to = g.client_session["portal_user"]["email"]
    try:
        paid = billing("make_prepayment", key, {**prepayment_values, "receipt_to": receipt_to})
    except PaymentDeclined as error:
        return render_prepayment({**prepayment_values, "new_method": None}, alert=error.message, status=402)
    except InvalidInput as error:
        over_limit = (error.fields or {}).get("confirm_over_limit")
        return render_prepayment(prepayment_values, {} if over_limit else form_problems(error),
                                 over_limit=over_limit[0] if over_limit else None, status=400)
    return page("paid.html", tab="billing", paid=paid, receipt_to=receipt_to)


# --- cards and bank accounts on file ------------------------------------------------------------

def new_method_from(form):
    """The card or bank account the hosted form tokenised; a form sent without one is a problem to show."""
    problems = {}
    _, new = chosen_method(form, problems)
    if new is None and not problems:
        problems["method"] = ["Choose a card or a bank account."]
    return new, problems


def render_method_form(replacing=None, problems=None, status=200):
    problems = problems or {}
    return page("method_form.html", status, tab="billing", replacing=replacing, hosted=hosted_forms(),
                chosen=request.form.get("method", "new-card"), problems=problems, summary=error_summary(problems),
                next_page=request.values.get("next", ""))


def method_on_file(method_id):
    for method in billing("my_payment_methods"):
        if method["id"] == method_id:
            return method
    raise NotFound("No such payment method.")


def after_method_change(done):
    if request.form.get("next") == "autopay":
        return go("autopay", done=done)
    return go("billing_tab", anchor="methods", done=done)


@blueprint.get("/billing/methods/new")
@client_required
def new_method():
    return render_method_form()


@blueprint.post("/billing/methods")
@client_required
def add_method():
    new, problems = new_method_from(request.form)
    if problems:
        return render_method_form(problems=problems, status=400)
    try:
        billing("add_payment_method", new)
    except InvalidInput as error:
        return render_method_form(problems=form_problems(error), status=400)
    return after_method_change("method_added")


@blueprint.get("/billing/methods/<int:method_id>/replace")
@client_required
def replace_method_form(method_id):
    return render_method_form(method_on_file(method_id))


@blueprint.post("/billing/methods/<int:method_id>/replace")
@client_required
def replace_method(method_id):
    old = method_on_file(method_id)
    new, problems = new_method_from({**request.form.to_dict(), "method": f"new-{old['kind']}"})
    if problems:
        return render_method_form(old, problems, status=400)
    try:
        billing("replace_payment_method", method_id, new)
    except InvalidInput as error:
        return render_method_form(old, form_problems(error), status=400)
    return after_method_change("method_replaced")


@blueprint.post("/billing/methods/<int:method_id>/remove")
@client_required
def remove_method(method_id):
    try:
        billing("remove_payment_method", method_id)
    except InvalidInput as error:
        return render_billing(alert=error.fields.get("payment_method_id", [error.message])[0],
                              alert_title="Not removed", status=400)
    return after_method_change("method_removed")


# --- the Account tab's autopay page -------------------------------------------------------------

def render_autopay(problems=None, status=200):
    results = first_error(rpc().call_parallel({"autopay": ("billing", "my_autopay", ()),
                                               "methods": ("billing", "my_payment_methods", ())}))
    autopay, methods = results["autopay"], results["methods"]
    current = autopay["payment_method"]["id"] if autopay["payment_method"] else None
    chosen = request.form.get("payment_method_id") or str(current or (methods[0]["id"] if methods else ""))
    problems = problems or {}
    return page("autopay.html", status, tab="account", autopay=autopay, methods=methods, chosen=chosen,
                problems=problems, summary=error_summary(problems), may_manage=may_manage(),
                done=DONE.get(request.args.get("done", "")))


@blueprint.get("/autopay")
@client_required
def autopay():
    return render_autopay()


@blueprint.post("/autopay")
@client_required
def enroll_autopay():
    problems = {}
    method_id = request.form.get("payment_method_id", "")
    if not (method_id.isascii() and method_id.isdigit()):
        problems["method"] = ["Choose the card or bank account autopay charges."]
    if request.form.get("consent") != "yes":
        problems["consent"] = ["Tick the box to agree to the autopay terms."]
    if problems:
        return render_autopay(problems, status=400)
    try:
        billing("enroll_autopay", int(method_id), True)
    except (InvalidInput, NotFound) as error:
        return render_autopay({"method": [error.message]} if isinstance(error, NotFound)
                              else form_problems(error), status=status_of(error))
    return go("autopay", done="autopay_on")


@blueprint.post("/autopay/cancel")
@client_required
def cancel_autopay():
    billing("cancel_autopay")
    return go("autopay", done="autopay_off")
