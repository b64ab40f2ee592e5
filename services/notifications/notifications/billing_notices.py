"""What billing's events become: the client's receipt or failure notice, and alerts for the staff chosen for them.

The account's name is not in billing's events: alerts name the client from notifications' copy (names.py).
"""
from datetime import date

from notifications import alerts, client_delivery, client_rendering, contacts, feed_events, languages, messages
from notifications.client_rendering import money
from notifications.names import Namer
from notifications.rendering import invoice_numbers, long_day
from shared.events import (AUTOPAY_CANCELLED, AUTOPAY_ENROLLED, PAYMENT_DISPUTED, PAYMENT_FAILED,
                           PAYMENT_METHOD_REMOVED, PAYMENT_RETURNED, PAYMENT_SUCCEEDED, PREPAYMENT_MADE)
from shared.i18n import N_, _, ngettext

SCOPES = {"new_jobs": N_("(new jobs only)"), "all_scheduled_jobs": N_("(all scheduled jobs)")}
REMOVED = {"card": ("card_removed", N_("%(client)s removed a card on file: %(label)s")),
           "ach": ("bank_account_removed", N_("%(client)s removed a bank account on file: %(label)s"))}
# The payment processor took the method off (the client removed it at their bank, or it was closed): no person did.
REMOVED_AT_PROCESSOR = {
    "card": N_("The payment processor removed a card on file of %(client)s: %(label)s"),
    "ach": N_("The payment processor removed a bank account on file of %(client)s: %(label)s")}
PROCESSOR = "processor"  # the actor's kind of what billing did on the processor's word (billing/stripe_events.py)
RETURNED = {"bank_returned": N_("The bank returned a payment of %(amount)s by %(client)s"),
            "dispute_lost": N_("A dispute took back a payment of %(amount)s by %(client)s")}
DISPUTED = {"opened": N_("%(client)s disputed a payment of %(amount)s with their bank"),
            "won": N_("The dispute of %(amount)s by %(client)s was decided for you"),
            "lost": N_("A dispute took back %(amount)s of a payment by %(client)s")}
TURNED = {  # (autopay turned on/off, by staff): the alert's words
    ("on", True): N_("%(staff)s turned on autopay for %(client)s"),
    ("off", True): N_("%(staff)s turned off autopay for %(client)s"),
    ("on", False): N_("%(client)s turned on autopay"),
    ("off", False): N_("%(client)s turned off autopay")}


def _sentence(main, *details):
    """``main`` and the details there are, one after the other, as one sentence."""
    return " ".join([main, *(detail for detail in details if detail)]) + "."


def _by_whom(actor, namer):
    """Say who acted when it was not the client: staff, or autopay's charge run."""
    if (actor or {}).get("kind") == "staff":
        return _("(done by %(staff)s)", staff=namer.staff(actor.get("id")))
    return ""


def _with(method_label):
    return _("with %(method)s", method=method_label) if method_label else ""


def _towards(numbers):
    if not numbers:
        return ""
    return ngettext("for invoice %(numbers)s", "for invoices %(numbers)s", len(numbers),
                    numbers=invoice_numbers(numbers))


def payment_made(data, namer):
    """Word the alert of a payment that went through."""
    values = {"client": namer.client(data["account_id"]), "amount": money(data["amount"])}
    numbers = [item.get("number") for item in data["invoices"] if item.get("number") is not None]
    if data["source"] == "autopay":
        return _sentence(_("Autopay charged %(client)s %(amount)s", **values), _with(data["method_label"]),
                         _towards(numbers))
    return _sentence(_("%(client)s paid %(amount)s", **values), _with(data["method_label"]), _towards(numbers),
                     _by_whom(data["actor"], namer))


def payment_failed(data, namer):
    """Word the alert of a payment that was declined or could not be processed."""
    values = {"client": namer.client(data["account_id"]), "amount": money(data["amount"]),
              "method": data["method_label"]}
    if data["source"] == "autopay":
        text = _sentence(_("Autopay could not charge %(client)s %(amount)s", **values), _with(data["method_label"]))
    elif data["method_label"]:
        text = _sentence(_("A payment of %(amount)s by %(client)s with %(method)s did not go through", **values),
                         _by_whom(data["actor"], namer))
    else:
        text = _sentence(_("A payment of %(amount)s by %(client)s did not go through", **values),
                         _by_whom(data["actor"], namer))
    reason = (data.get("message") or "").strip()
    if reason and reason[-1] not in ".!?":
        reason += "."
    return " ".join([text, _("Nothing was charged."), *([_("Reason: %(reason)s", reason=reason)] if reason else [])])


def prepayment_made(data, namer):
    """Word the alert of a prepayment."""
    return _sentence(_("%(client)s made a prepayment of %(amount)s", client=namer.client(data["account_id"]),
                       amount=money(data["amount"])), _with(data["method_label"]), _by_whom(data["actor"], namer))


def autopay_changed(data, namer, turned):
    """Word the alert of autopay ``turned`` "on" or "off"."""
    scope = SCOPES.get(data.get("scope"))
    actor, client = data.get("actor") or {}, namer.client(data["account_id"])
    if actor.get("kind") == PROCESSOR:
        return _sentence(_("Autopay for %(client)s was turned off: the payment processor removed the method it "
                           "charged", client=client))
    by_staff = actor.get("kind") == "staff"
    who = namer.staff(actor.get("id")) if by_staff else ""
    words = _(TURNED[(turned, by_staff)], staff=who[:1].upper() + who[1:], client=client)
    return _sentence(words, _(scope) if scope else "")


def method_removed(data, namer):
    """Return (action, text) of a removed card or bank account."""
    action, words = REMOVED.get(data["kind"], REMOVED["card"])
    if (data.get("actor") or {}).get("kind") == PROCESSOR:
        words = REMOVED_AT_PROCESSOR.get(data["kind"], REMOVED_AT_PROCESSOR["card"])
    return action, _sentence(_(words, client=namer.client(data["account_id"]), label=data["label"]),
                             _by_whom(data["actor"], namer))


def payment_returned(data, namer):
    """Word the alert of a payment taken back: by whom, which invoices are owed again, and the bank's reason."""
    numbers = [item.get("number") for item in data["invoices"] if item.get("number") is not None]
    reopened = ngettext("Invoice %(numbers)s is open again.", "Invoices %(numbers)s are open again.", len(numbers),
                        numbers=invoice_numbers(numbers)) if numbers else ""
    words = RETURNED[data["reason"]]
    text = _sentence(_(words, amount=money(data["amount"]), client=namer.client(data["account_id"])),
                     _with(data["method_label"]))
    return " ".join(part for part in (text, reopened, (data.get("detail") or "").strip()) if part)


def payment_disputed(data, namer):
    """Word the alert of a dispute opened (with the day to answer it by, in the processor's dashboard) or ended."""
    words = DISPUTED[data["status"]]
    text = _sentence(_(words, amount=money(data["amount"]), client=namer.client(data["account_id"])))
    if data["status"] == "opened" and data.get("respond_by"):
        text += " " + _("Answer it in the payment processor's dashboard by %(day)s.",
                        day=long_day(date.fromisoformat(data["respond_by"])))
    elif data["status"] == "lost":
        text += " " + _("The invoices were left as they were: adjust them by hand.")
    return text


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
          PAYMENT_METHOD_REMOVED.name: method_removed,
          PAYMENT_RETURNED.name: lambda data, namer: ("payment_returned", payment_returned(data, namer)),
          PAYMENT_DISPUTED.name: lambda data, namer: ("payment_disputed", payment_disputed(data, namer))}


def send_receipt(session, postbox, event, data):
    """Send the receipt of a payment that went through, by the channels the account chose for receipts.

    A portal payment names its payer's address (``receipt_to``); autopay, charge-run and staff payments name
    none, and the receipt goes to the account's contact email (contacts.py) instead.
    """
    tenant_id, account_id = event["tenant_id"], data["account_id"]
    contact = contacts.reach(session, tenant_id, account_id)
    branding = messages.business_branding(session, tenant_id)
    client_delivery.deliver(
        session, postbox, tenant_id, account_id, "receipts", event["event_id"],
        email=lambda to: messages.payment_receipt(session, event, data, to, contact.greeting_name),
        sms_text=client_rendering.render_receipt_sms(branding, amount=data["amount"], reference=data["payment_id"]),
        email_to=data["receipt_to"])


def tell_client(session, postbox, event, data, draft):
    """Email the client what the processor did to their money or method, whatever their receipt choices: a payment
    taken back (they owe it again), a method taken off file (autopay with it)."""
    address = contacts.reach(session, event["tenant_id"], data["account_id"]).email
    if address:
        postbox.queue(session, draft(session, event, data, address))


def notify(session, postbox, contract, event):
    """Queue the client's receipt or failure notice for a billing ``event`` of ``contract``, if any (in the
    account's language), and raise the staff's alerts (in the business's)."""
    data = messages.load_event(contract, event)
    tenant_id = event["tenant_id"]
    with languages.to_account(session, tenant_id, data["account_id"]):
        if contract.name in RECEIPTS:
            send_receipt(session, postbox, event, data)
        elif contract.name == PAYMENT_FAILED.name and data["receipt_to"]:
            postbox.queue(session, messages.payment_failed(session, event, data))
        elif contract.name == PAYMENT_RETURNED.name:
            tell_client(session, postbox, event, data, messages.payment_returned)
        elif contract.name == PAYMENT_METHOD_REMOVED.name and (data.get("actor") or {}).get("kind") == PROCESSOR:
            tell_client(session, postbox, event, data, messages.method_removed_by_processor)
        feed_events.receipt(session, contract, event, data)
    with languages.to_business(session, tenant_id):
        action, text = ALERTS[contract.name](data, Namer(session, tenant_id))
        alerts.raise_alerts(session, tenant_id, action, text, data["account_id"], event["event_id"],
                            link=link(data))
