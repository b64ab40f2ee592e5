"""Clients paying: several invoices in one payment, or ahead of any invoice; the receipt goes to their email.

billing decides everything (the business's settings, the client's rights, limits and idempotency);
the gateway adds who the client is and where the receipt goes.
"""
from flask import g

from gateway.services import first_error, rpc
from shared.errors import PermissionDenied


def billing(method, *args):
    return rpc().call("billing", method, *args)


def receipt_address():
    """Return where billing sends the receipt: the signed-in client's own email address."""
    return g.client_session["portal_user"]["email"]


def quote(payment_request):
    """Return what paying would charge, and whether it is over the business's limit (with the warning)."""
    return billing("quote_payment", payment_request)


def pay_invoices(idempotency_key, payment_request):
    """Pay the chosen invoices in one payment; a retry with the same key gets the first answer."""
    return billing("pay_invoices", idempotency_key, {**payment_request, "receipt_to": receipt_address()})


def confirm_payment(payment_id):
    """After the client's bank check: the payment as the processor says it went (a decline is raised)."""
    return billing("confirm_payment", payment_id)


def make_prepayment(idempotency_key, prepayment):
    """Pay ahead of any invoice, as credit on the account; keyed as payments are."""
    return billing("make_prepayment", idempotency_key, {**prepayment, "receipt_to": receipt_address()})


INVOICES_PER_PAYMENT = 200  # as billing's pay_invoices takes at most


def billing_tab(filters):
    """Return everything the Billing tab shows, asked at once; parts the business turned off are None."""
    results = rpc().call_parallel({
        "summary": ("billing", "my_summary", ()),
        "invoices": ("billing", "my_invoices", (filters,)),
        "methods": ("billing", "my_payment_methods", ()),
        "history": ("billing", "my_history", ()),
        "autopay": ("billing", "my_autopay", ()),
    })
    for optional in ("invoices", "history"):
        results[optional] = turned_off_or(results[optional])
    return first_error(results)


def turned_off_or(result):
    """A part of the page the business turned off (billing refused it) is simply not shown."""
    return None if isinstance(result, PermissionDenied) else result


def review(payment_request):
    """Return billing's quote, the newest unpaid invoices (a page of the most a payment takes) and the methods on
    file, asked at once."""
    results = first_error(rpc().call_parallel({
        "quote": ("billing", "quote_payment", (payment_request,)),
        "invoices": ("billing", "my_invoices", ({"status": "unpaid", "limit": INVOICES_PER_PAYMENT},)),
        "methods": ("billing", "my_payment_methods", ()),
    }))
    return {**results, "invoices": results["invoices"]["items"]}


def summary_and_methods():
    """Return the client's billing summary and methods on file, asked at once (the prepayment page)."""
    return first_error(rpc().call_parallel({"summary": ("billing", "my_summary", ()),
                                            "methods": ("billing", "my_payment_methods", ())}))
