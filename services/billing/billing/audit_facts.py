"""Billing's audit facts (shared.audit): payments, methods on file, autopay, estimates, requests, and the staff's
actions on an account, each in the transaction of the change. A method is named by its label ("Visa ending
4242"), never by more of its number; a token never appears. Each summary is written in the language of the work
at hand (the caller's), as the history shows it.
"""
from billing.methods import method_label
from shared import audit
from shared.i18n import N_, _
from shared.money import format_money

SERVICE = "billing"
SYSTEM = {"kind": "system", "id": None}
METHOD_ACTIONS = {"card": "card", "ach": "bank_account"}
REQUEST_ACTIONS = {"reschedule": "reschedule_requested", "cancel": "cancel_requested",
                   "new_service": "service_requested"}
REQUEST_WORDS = {"reschedule": N_("Asked to move %(about)s"), "cancel": N_("Asked to cancel %(about)s"),
                 "new_service": N_("Asked for %(about)s")}
ESTIMATE_WORDS = {"approved": N_("Approved estimate #%(number)s: %(title)s"),
                  "declined": N_("Declined estimate #%(number)s: %(title)s")}
REQUEST_DECIDED_WORDS = {"accepted": N_("Accepted the request about %(about)s"),
                         "declined": N_("Declined the request about %(about)s")}
INVOICE_WORDS = {"invoice_created": N_("Created invoice #%(number)s (%(total)s)"),
                 "invoice_voided": N_("Voided invoice #%(number)s (%(total)s)")}
JOB_WORDS = {"job_created": N_("Created job: %(title)s"), "job_scheduled": N_("Scheduled job: %(title)s"),
             "job_paused": N_("Paused job: %(title)s"), "job_resumed": N_("Resumed job: %(title)s"),
             "job_cancelled": N_("Cancelled job: %(title)s"),
             "job_status_set": N_("Set what clients read of job: %(title)s")}
VISIT_WORDS = {"visit_completed": N_("Completed the visit of %(job)s on %(day)s"),
               "visit_skipped": N_("Skipped the visit of %(job)s on %(day)s"),
               "visit_cancelled": N_("Cancelled the visit of %(job)s on %(day)s"),
               "visit_moved": N_("Moved the visit of %(job)s on %(day)s"),
               "visit_notes_written": N_("Wrote the service notes of the visit of %(job)s on %(day)s")}


@audit.in_english
def money(amount):
    return format_money(amount)


@audit.in_english
def billing_page(account_id):
    return f"/staff/clients/{account_id}/billing"


@audit.in_english
def record(session, outbox, tenant_id, account_id, action, summary, by, changes=None, link=None):
    audit.record(outbox, session, SERVICE, tenant_id, account_id, action, summary, by or {"actor": SYSTEM},
                 changes, link or billing_page(account_id))


@audit.in_english
def payment(payment_row, event, by):
    """The (contract, payload) of a settled payment's fact (``event``: its PAYMENT_SUCCEEDED/FAILED/PREPAYMENT_MADE
    payload), for settlement to add with that event in one insert."""
    amount, label = money(payment_row.amount), event["method_label"]
    if payment_row.kind == "prepayment":
        action, summary = "prepayment_made", _("Paid %(amount)s ahead with %(method)s", amount=amount, method=label)
    elif payment_row.status == "succeeded":
        numbers = ", ".join(f"#{item['number']}" for item in event["invoices"])
        action = "payment_made"
        summary = (_("Paid %(amount)s with %(method)s (invoice %(numbers)s)", amount=amount, method=label,
                     numbers=numbers) if numbers else
                   _("Paid %(amount)s with %(method)s", amount=amount, method=label))
    else:
        action = "payment_failed"
        summary = (_("Payment of %(amount)s with %(method)s failed: %(reason)s", amount=amount, method=label,
                     reason=event["message"]) if event["message"] else
                   _("Payment of %(amount)s with %(method)s failed", amount=amount, method=label))
    return audit.fact(SERVICE, payment_row.account_id, action, summary, by, link=billing_page(payment_row.account_id))


@audit.in_english
def payment_returned(payment_row, event):
    """The (contract, payload) of the fact that the processor took a payment back, the system's doing."""
    numbers = ", ".join(f"#{item['number']}" for item in event["invoices"])
    words = {"bank_returned": N_("The bank returned the payment of %(amount)s with %(method)s"),
             "dispute_lost": N_("A dispute took back the payment of %(amount)s with %(method)s")}[event["reason"]]
    summary = _(words, amount=money(payment_row.amount), method=event["method_label"] or _("Account credit"))
    if numbers:
        summary += " " + _("(invoice %(numbers)s open again)", numbers=numbers)
    return audit.fact(SERVICE, payment_row.account_id, "payment_returned", summary, {"actor": SYSTEM},
                      link=billing_page(payment_row.account_id))


@audit.in_english
def refund_given(refund, event):
    """The (contract, payload) of a refund's fact, by the staff member who gave it."""
    if refund.destination == "credit":
        summary = _("Refunded %(amount)s of invoice #%(number)s as account credit", amount=money(refund.amount),
                    number=event["invoice_number"])
    else:
        summary = _("Refunded %(amount)s of invoice #%(number)s to %(method)s", amount=money(refund.amount),
                    number=event["invoice_number"], method=event["method_label"])
    if refund.reason:
        summary += ": " + refund.reason
    return audit.fact(SERVICE, refund.account_id, "refund_given", summary, {"actor": event["actor"]},
                      link=f"/staff/invoices/{refund.invoice_id}")


@audit.in_english
def payment_disputed(session, outbox, payment_row, event):
    words = {"opened": N_("The client disputed the payment of %(amount)s with their bank"),
             "won": N_("The dispute of the payment of %(amount)s was decided for the business"),
             "lost": N_("A dispute took back %(amount)s of a payment")}[event["status"]]
    record(session, outbox, payment_row.tenant_id, payment_row.account_id, "payment_disputed",
           _(words, amount=money(event["amount"])), None)


@audit.in_english
def method_added(session, outbox, method, by):
    kind = METHOD_ACTIONS.get(method.kind, "card")
    record(session, outbox, method.tenant_id, method.account_id, f"{kind}_added",
           _("Added %(method)s", method=method_label(method)), by)


@audit.in_english
def method_replaced(session, outbox, old, new, by):
    kind = METHOD_ACTIONS.get(old.kind, "card")
    record(session, outbox, old.tenant_id, old.account_id, f"{kind}_updated",
           _("Updated %(old)s to %(new)s", old=method_label(old), new=method_label(new)), by,
           {"payment_method": [method_label(old), method_label(new)]})


@audit.in_english
def method_removed(session, outbox, method, by):
    kind = METHOD_ACTIONS.get(method.kind, "card")
    record(session, outbox, method.tenant_id, method.account_id, f"{kind}_removed",
           _("Removed %(method)s", method=method_label(method)), by)


@audit.in_english
def autopay_changed(session, outbox, tenant_id, account_id, enrolled, by):
    record(session, outbox, tenant_id, account_id, "autopay_enrolled" if enrolled else "autopay_cancelled",
           _("Turned autopay on") if enrolled else _("Turned autopay off"), by, {"autopay": [not enrolled, enrolled]})


@audit.in_english
def estimate_decided(session, outbox, estimate, by):
    words = ESTIMATE_WORDS.get(estimate.status)
    values = {"number": estimate.number, "title": estimate.title}
    summary = (_(words, **values) if words else
               f"{estimate.status.title()} estimate #{estimate.number}: {estimate.title}")
    record(session, outbox, estimate.tenant_id, estimate.account_id, "estimate_decided", summary, by,
           link=f"/staff/estimates/{estimate.id}")


@audit.in_english
def estimate_sent(session, outbox, estimate, by):
    record(session, outbox, estimate.tenant_id, estimate.account_id, "estimate_sent",
           _("Sent estimate #%(number)s: %(title)s (%(total)s)", number=estimate.number, title=estimate.title,
             total=money(estimate.total)), by,
           link=f"/staff/estimates/{estimate.id}")


@audit.in_english
def request_made(session, outbox, row, about, by):
    record(session, outbox, row.tenant_id, row.account_id, REQUEST_ACTIONS[row.kind],
           _(REQUEST_WORDS[row.kind], about=about), by)


@audit.in_english
def request_decided(session, outbox, row, about, by):
    words = REQUEST_DECIDED_WORDS.get(row.status)
    summary = _(words, about=about) if words else f"{row.status.title()} the request about {about}"
    record(session, outbox, row.tenant_id, row.account_id, "request_decided", summary, by)


@audit.in_english
def invoice(session, outbox, row, action, by):
    record(session, outbox, row.tenant_id, row.account_id, action,
           _(INVOICE_WORDS[action], number=row.number, total=money(row.total)), by, link=f"/staff/invoices/{row.id}")


@audit.in_english
def job(session, outbox, row, action, by):
    record(session, outbox, row.tenant_id, row.account_id, action, _(JOB_WORDS[action], title=row.title), by,
           link=f"/staff/jobs/{row.id}")


@audit.in_english
def visit(session, outbox, row, job_row, action, by, changes=None):
    """Staff completed, skipped, cancelled or moved a visit, or wrote its notes (``changes``: a move's dates)."""
    record(session, outbox, row.tenant_id, row.account_id, action,
           _(VISIT_WORDS[action], job=job_row.title, day=row.scheduled_on.isoformat()), by, changes,
           link=f"/staff/jobs/{job_row.id}")
