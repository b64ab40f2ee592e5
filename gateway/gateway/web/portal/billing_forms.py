"""The Billing tab's forms read into what billing takes (amounts typed in dollars become integer cents), and
billing's messages put back beside the forms' inputs."""
import uuid
from datetime import date

from flask import g, make_response, render_template, request

from gateway.web.forms import money_input
from gateway.web.portal.stripe_fields import stripe_fields
from shared.i18n import N_, _
from shared.money import MAX_MINOR_UNITS

NEW_METHOD_KINDS = ("card", "ach")
NEW_METHOD_PARTS = ("token", "brand", "last4", "exp_month", "exp_year")
DONE = {
    "method_added": N_("Saved. The new payment method is on file."),
    "method_replaced": N_("Replaced. The new payment method took the old one's place."),
    "method_removed": N_("Removed. That payment method is no longer on file."),
    "autopay_on": N_("Autopay is on."),
    "autopay_off": N_("Autopay is off."),
}


def done_notice():
    """What the page says of the change it was sent back after (``?done=``), if anything."""
    done = request.args.get("done", "")
    return _(DONE[done]) if done in DONE else None


def page(template, status=200, **context):
    return render_template(f"portal/billing/{template}", **context), status


def bank_check_page(action):
    """The page that opens the client's bank check (3-D Secure, in Stripe's window) for a payment whose checkout
    answered ``requires_action``; it then asks billing how the payment went (web/portal/bank_check.py)."""
    return page("bank_check.html", 202, tab="billing", action=action, stripe=stripe_fields())


def still_processing(error, action):
    """The page of a payment whose first request (same form, same key) is still being processed.

    It sends the very same form again on request, so the client sees the payment's result; the
    key makes sure that can never charge twice.
    """
    response = make_response(page("processing.html", 409, tab="billing", message=error.message, action=action,
                                  form=request.form))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def may_manage():
    return g.client_session["account"]["rights"] == "manage"


def new_idempotency_key():
    """Give each payment form its own key: resending that form can never pay twice."""
    return str(uuid.uuid4())


def invoice_filters(args):
    """Return billing's filters from the filter form (unpaid invoices) and the problems with what was typed."""
    filters, errors = {"status": "unpaid"}, {}
    number = args.get("number", "").strip().lstrip("#")
    if number:
        if number.isascii() and number.isdigit() and len(number) <= 9:
            filters["number"] = int(number)
        else:
            errors["number"] = [_("Enter an invoice number, such as 1001.")]
    for name in ("date_from", "date_to"):
        text = args.get(name, "").strip()
        if text:
            try:
                filters[name] = date.fromisoformat(text).isoformat()
            except ValueError:
                errors[name] = [_("Enter a date, such as 2025-06-30.")]
    for name in ("amount_min", "amount_max"):
        amount = money_input(args, name, errors)
        if amount is not None:
            filters[name] = amount
    if filters.get("date_from", "") > filters.get("date_to", "9999"):
        errors["date_from"] = [_("The first date is after the last one.")]
        del filters["date_from"]
    if filters.get("amount_min", 0) > filters.get("amount_max", MAX_MINOR_UNITS):
        errors["amount_min"] = [_("The smallest amount is above the largest.")]
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
            errors["method"] = [_("Enter the card details in the secure form and press its Save button first.")
                                if kind == "card" else
                                _("Enter the bank account in the secure form and press its Save button first.")]
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
        errors["invoice_ids"] = [_("Choose at least one invoice to pay.")]
    payment_method_id, new_method = chosen_method(form, errors)
    amount = money_input(form, "amount", errors)
    credit = money_input(form, "credit", errors) if form.get("use_credit") else None
    if form.get("use_credit") and credit is None and "credit" not in errors:
        errors["credit"] = [_("Enter how much of your credit to use.")]
    return {"invoice_ids": invoice_ids, "payment_method_id": payment_method_id, "new_method": new_method,
            "save_method": bool(new_method and form.get("save_method")), "amount": amount,
            "credit": credit or 0, "confirm_over_limit": form.get("confirm_over_limit") == "yes"}, errors


def prepayment_request(form):
    errors = {}
    amount = money_input(form, "amount", errors)
    if amount is None and "amount" not in errors:
        errors["amount"] = [_("Enter how much to pay ahead, such as 100.00.")]
    elif amount == 0:
        errors["amount"] = [_("Enter an amount above zero.")]
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
    "invoice_ids": (N_("Invoices"), "#invoices-heading"),
    "method": (N_("Pay with"), "#pay-with"),
    "amount": (N_("Amount"), "#field-amount"),
    "credit": (N_("Credit"), "#field-credit"),
    "confirm_over_limit": (N_("Over the limit"), "#field-confirm_over_limit"),
    "number": (N_("Invoice number"), "#field-number"),
    "date_from": (N_("Issued from"), "#field-date_from"),
    "date_to": (N_("Issued to"), "#field-date_to"),
    "amount_min": (N_("Amount from"), "#field-amount_min"),
    "amount_max": (N_("Amount to"), "#field-amount_max"),
    "consent": (N_("Consent"), "#field-consent"),
}


def error_summary(problems):
    """The (link, text) pairs the error summary lists, in the order of the form."""
    summary = []
    for name, texts in problems.items():
        label, target = INPUT_NAMES.get(name, (None, None))
        summary += [(target, f"{_(label)}: {text}" if label else text) for text in texts]
    return summary


