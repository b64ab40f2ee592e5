"""Billing's audit facts (shared.audit): payments, methods on file, autopay, estimates, requests, and the staff's
actions on an account, each in the transaction of the change. A method is named by its label ("Visa ending
4242"), never by more of its number; a token never appears.
"""
from billing.methods import method_label
from shared import audit
from shared.money import format_money

SERVICE = "billing"
SYSTEM = {"kind": "system", "id": None}
METHOD_ACTIONS = {"card": "card", "ach": "bank_account"}
REQUEST_ACTIONS = {"reschedule": "reschedule_requested", "cancel": "cancel_requested",
                   "new_service": "service_requested"}
REQUEST_WORDS = {"reschedule": "Asked to move", "cancel": "Asked to cancel", "new_service": "Asked for"}


def billing_page(account_id):
    return f"/staff/clients/{account_id}/billing"


def record(session, outbox, tenant_id, account_id, action, summary, by, changes=None, link=None):
    audit.record(outbox, session, SERVICE, tenant_id, account_id, action, summary, by or {"actor": SYSTEM},
                 changes, link or billing_page(account_id))


def payment(payment_row, event, by):
    """The (contract, payload) of a settled payment's fact (``event``: its PAYMENT_SUCCEEDED/FAILED/PREPAYMENT_MADE
    payload), for settlement to add with that event in one insert."""
    amount, label = format_money(payment_row.amount), event["method_label"]
    if payment_row.kind == "prepayment":
        action, summary = "prepayment_made", f"Paid {amount} ahead with {label}"
    elif payment_row.status == "succeeded":
        numbers = ", ".join(f"#{item['number']}" for item in event["invoices"])
        action, summary = "payment_made", f"Paid {amount} with {label}" + (f" (invoice {numbers})" if numbers else "")
    else:
        action = "payment_failed"
        summary = f"Payment of {amount} with {label} failed" + (f": {event['message']}" if event["message"] else "")
    return audit.fact(SERVICE, payment_row.account_id, action, summary, by, link=billing_page(payment_row.account_id))


def method_added(session, outbox, method, by):
    kind = METHOD_ACTIONS.get(method.kind, "card")
    record(session, outbox, method.tenant_id, method.account_id, f"{kind}_added", f"Added {method_label(method)}",
           by)


def method_replaced(session, outbox, old, new, by):
    kind = METHOD_ACTIONS.get(old.kind, "card")
    record(session, outbox, old.tenant_id, old.account_id, f"{kind}_updated",
           f"Updated {method_label(old)} to {method_label(new)}", by,
           {"payment_method": [method_label(old), method_label(new)]})


def method_removed(session, outbox, method, by):
    kind = METHOD_ACTIONS.get(method.kind, "card")
    record(session, outbox, method.tenant_id, method.account_id, f"{kind}_removed",
           f"Removed {method_label(method)}", by)


def autopay_changed(session, outbox, tenant_id, account_id, enrolled, by):
    record(session, outbox, tenant_id, account_id, "autopay_enrolled" if enrolled else "autopay_cancelled",
           "Turned autopay on" if enrolled else "Turned autopay off", by, {"autopay": [not enrolled, enrolled]})


def estimate_decided(session, outbox, estimate, by):
    record(session, outbox, estimate.tenant_id, estimate.account_id, "estimate_decided",
           f"{estimate.status.title()} estimate #{estimate.number}: {estimate.title}", by,
           link=f"/staff/estimates/{estimate.id}")


def estimate_sent(session, outbox, estimate, by):
    record(session, outbox, estimate.tenant_id, estimate.account_id, "estimate_sent",
           f"Sent estimate #{estimate.number}: {estimate.title} ({format_money(estimate.total)})", by,
           link=f"/staff/estimates/{estimate.id}")


def request_made(session, outbox, row, about, by):
    record(session, outbox, row.tenant_id, row.account_id, REQUEST_ACTIONS[row.kind],
           f"{REQUEST_WORDS[row.kind]} {about}", by)


def request_decided(session, outbox, row, about, by):
    record(session, outbox, row.tenant_id, row.account_id, "request_decided",
           f"{row.status.title()} the request about {about}", by)


def invoice(session, outbox, row, action, by):
    words = {"invoice_created": "Created", "invoice_voided": "Voided"}[action]
    record(session, outbox, row.tenant_id, row.account_id, action,
           f"{words} invoice #{row.number} ({format_money(row.total)})", by, link=f"/staff/invoices/{row.id}")


def job(session, outbox, row, action, by):
    words = {"job_created": "Created", "job_scheduled": "Scheduled", "job_paused": "Paused",
             "job_resumed": "Resumed", "job_cancelled": "Cancelled", "job_status_set": "Set what clients read of"}[action]
    record(session, outbox, row.tenant_id, row.account_id, action, f"{words} job: {row.title}", by,
           link=f"/staff/jobs/{row.id}")


VISIT_WORDS = {"visit_completed": "Completed", "visit_skipped": "Skipped", "visit_cancelled": "Cancelled",
               "visit_moved": "Moved", "visit_notes_written": "Wrote the service notes of"}


def visit(session, outbox, row, job_row, action, by, changes=None):
    """Staff completed, skipped, cancelled or moved a visit, or wrote its notes (``changes``: a move's dates)."""
    record(session, outbox, row.tenant_id, row.account_id, action,
           f"{VISIT_WORDS[action]} the visit of {job_row.title} on {row.scheduled_on.isoformat()}", by, changes,
           link=f"/staff/jobs/{job_row.id}")
