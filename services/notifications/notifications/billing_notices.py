"""What billing's events become: the client's receipt or failure notice, and alerts for the staff chosen for them.

The account's name is not in billing's events: alerts name the client from notifications' copy (names.py).
"""
from notifications import alerts, client_delivery, contacts, feed_events, messages, rendering
from notifications.names import Namer
from notifications.rendering import invoice_numbers
from notifications.tenants import branding_for
from shared.events import (AUTOPAY_CANCELLED, AUTOPAY_ENROLLED, PAYMENT_FAILED, PAYMENT_METHOD_REMOVED,
                           PAYMENT_SUCCEEDED, PREPAYMENT_MADE)
from shared.money import format_money

SCOPES = {"new_jobs": "new jobs only", "all_scheduled_jobs": "all scheduled jobs"}
METHOD_KINDS = {"card": ("card_removed", "a card"), "ach": ("bank_account_removed", "a bank account")}


def _by_whom(actor, namer):
    """Say who acted when it was not the client: staff, or autopay's charge run."""
    if (actor or {}).get("kind") == "staff":
        return f" (done by {namer.staff(actor.get('id'))})"
    return ""


def _with(method_label):
    return f" with {method_label}" if method_label else ""


def payment_made(data, namer):
    """Word the alert of a payment that went through."""
    client, amount = namer.client(data["account_id"]), format_money(data["amount"])
    numbers = [item.get("number") for item in data["invoices"] if item.get("number") is not None]
    towards = f" for invoice{'s' if len(numbers) > 1 else ''} {invoice_numbers(numbers)}" if numbers else ""
    if data["source"] == "autopay":
        return f"Autopay charged {client} {amount}{_with(data['method_label'])}{towards}."
    return f"{client} paid {amount}{_with(data['method_label'])}{towards}{_by_whom(data['actor'], namer)}."


def payment_failed(data, namer):
    """Word the alert of a payment that was declined or could not be processed."""
    client, amount = namer.client(data["account_id"]), format_money(data["amount"])
    if data["source"] == "autopay":
        text = f"Autopay could not charge {client} {amount}{_with(data['method_label'])}."
    else:
        text = (f"A payment of {amount} by {client}{_with(data['method_label'])} did not go "
                f"through{_by_whom(data['actor'], namer)}.")
    reason = (data.get("message") or "").strip()
    if reason and reason[-1] not in ".!?":
        reason += "."
    return text + " Nothing was charged." + (f" Reason: {reason}" if reason else "")


def prepayment_made(data, namer):
    """Word the alert of a prepayment."""
    return (f"{namer.client(data['account_id'])} made a prepayment of {format_money(data['amount'])}"
            f"{_with(data['method_label'])}{_by_whom(data['actor'], namer)}.")


def autopay_changed(data, namer, turned):
    """Word the alert of autopay ``turned`` "on" or "off"."""
    scope = SCOPES.get(data.get("scope"))
    detail = f" ({scope})" if scope else ""
    actor, client = data.get("actor") or {}, namer.client(data["account_id"])
    if actor.get("kind") == "staff":
        who = namer.staff(actor.get("id"))
        return f"{who[0].upper() + who[1:]} turned {turned} autopay for {client}{detail}."
    return f"{client} turned {turned} autopay{detail}."


def method_removed(data, namer):
    """Return (action, text) of a removed card or bank account."""
    action, what = METHOD_KINDS.get(data["kind"], METHOD_KINDS["card"])
    return action, (f"{namer.client(data['account_id'])} removed {what} on file: {data['label']}"
                    f"{_by_whom(data['actor'], namer)}.")


def link(data):
    """The staff page of the payment: the invoice it paid when it paid one, else the client's billing page."""
    ids = {item.get("invoice_id") for item in data.get("invoices") or ()}
    if len(ids) == 1 and isinstance(next(iter(ids)), int):
        return f"/staff/invoices/{next(iter(ids))}"
    return f"/staff/clients/{int(data['account_id'])}/billing"


RECEIPTS = (PAYMENT_SUCCEEDED.name, PREPAYMENT_MADE.name)
ALERTS = {PAYMENT_SUCCEEDED.name: lambda data, namer: ("payment_made", payment_made(data, namer)),
          PAYMENT_FAILED.name: lambda data, namer: ("payment_failed", payment_failed(data, namer)),
          PREPAYMENT_MADE.name: lambda data, namer: ("prepayment_made", prepayment_made(data, namer)),
          AUTOPAY_ENROLLED.name: lambda data, namer: ("autopay_enrolled", autopay_changed(data, namer, "on")),
          AUTOPAY_CANCELLED.name: lambda data, namer: ("autopay_cancelled", autopay_changed(data, namer, "off")),
          PAYMENT_METHOD_REMOVED.name: method_removed}


def send_receipt(session, postbox, event, data):
    """Send the receipt of a payment that went through, by the channels the account chose for receipts.

    A portal payment names its payer's address (``receipt_to``); autopay, charge-run and staff payments name
    none, and the receipt goes to the account's contact email (contacts.py) instead.
    """
    tenant_id, account_id = event["tenant_id"], data["account_id"]
    contact = contacts.reach(session, tenant_id, account_id)
    branding = branding_for(session, tenant_id, messages.UNKNOWN_BUSINESS)
    client_delivery.deliver(
        session, postbox, tenant_id, account_id, "receipts", event["event_id"],
        email=lambda to: messages.payment_receipt(session, event, data, to, contact.greeting_name),
        sms_text=rendering.render_receipt_sms(branding, amount=data["amount"], reference=data["payment_id"]),
        email_to=data["receipt_to"])


def notify(session, postbox, contract, event):
    """Queue the client's receipt or failure notice for a billing ``event`` of ``contract``, if any, and raise
    the staff's alerts."""
    data = messages.load_event(contract, event)
    if contract.name in RECEIPTS:
        send_receipt(session, postbox, event, data)
    elif contract.name == PAYMENT_FAILED.name and data["receipt_to"]:
        postbox.queue(session, messages.payment_failed(session, event, data))
    feed_events.receipt(session, contract, event, data)
    action, text = ALERTS[contract.name](data, Namer(session, event["tenant_id"]))
    alerts.raise_alerts(session, event["tenant_id"], action, text, data["account_id"], event["event_id"],
                        link=link(data))
