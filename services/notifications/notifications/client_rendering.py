"""Render what the business sends its clients about money, tickets and visits, and its staff's alert emails:
receipts, payment failures, ticket replies, invoices, visit reminders (email and SMS), in the language at hand
(the recipient's: languages.py), with money and days in its locale."""
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_time

from notifications.branding import url_segment
from notifications.rendering import invoice_numbers, long_day, render_email, render_templated
from shared.i18n import N_, _, locale_of
from shared.money import format_money

# The line above which a client's emailed reply is read (inbound.py cuts there, in every language); outgoing
# ticket emails that can be answered by email open with it.
REPLY_MARKER = N_("— Reply above this line —")


def money(minor_units):
    """An amount as the reader writes money."""
    return format_money(minor_units)


# --- payments -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PaidInvoice:
    number: str
    applied: str


def render_payment_receipt(branding, template, *, kind, amount, method_label, invoices, day, reference,
                           client_name, sample=False):
    """Render the receipt sent right after a payment (or a prepayment) went through: the staff's text
    (email_templates "receipt"), then what was paid.

    ``invoices`` are ``{number, applied}`` in minor units; ``kind`` is "payment" or "prepayment".
    """
    what = "prepayment" if kind == "prepayment" else "payment"
    paid = [PaidInvoice(str(item.get("number")), money(int(item.get("applied") or 0))) for item in invoices]
    method = method_label or _("Account credit")
    values = {"client_name": client_name, "amount": money(amount),
              "payment_kind": _("prepayment") if what == "prepayment" else _("payment"), "method": method,
              "payment_date": day, "reference": str(reference),
              "invoice_numbers": invoice_numbers([item.number for item in paid]) if paid else ""}
    return render_templated("payment_receipt", branding, template, values, sample, what=what,
                            amount=values["amount"], method_label=method, invoices=paid, day=day,
                            reference=reference)


def render_receipt_sms(branding, *, amount, reference):
    return _("%(business)s: we received your payment of %(amount)s. Thank you! Reference: payment %(reference)s.",
             business=branding.display_name, amount=money(amount), reference=reference)


def render_payment_failed(branding, *, amount, method_label, day):
    """Render a short notice that a payment was declined or could not be processed: nothing was charged."""
    return render_email("payment_failed",
                        _("Your payment to %(business)s did not go through", business=branding.display_name),
                        branding, amount=money(amount), method_label=method_label, day=day)


def render_payment_returned(branding, *, amount, method_label, reason, numbers):
    """Render the notice that a payment was taken back (returned by the bank, or a dispute lost) and which invoices
    are due again."""
    return render_email("payment_returned",
                        _("Your payment to %(business)s was returned", business=branding.display_name),
                        branding, amount=money(amount), method_label=method_label or _("Account credit"),
                        reason=reason, numbers=invoice_numbers(numbers) if numbers else "", count=len(numbers))


def render_method_removed_by_processor(branding, *, label):
    """Render the notice that the processor took a method off file (and autopay with it, if it charged it)."""
    return render_email("method_removed_by_processor",
                        _("%(business)s can no longer charge %(label)s", business=branding.display_name, label=label),
                        branding, label=label)


# --- tickets ------------------------------------------------------------------------------

def ticket_link(base_url, tenant_slug, ticket_id):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/tickets/{int(ticket_id)}"


def render_ticket_reply(branding, *, number, subject, excerpt, link, can_reply):
    """Render the email of a staff reply on a ticket: an excerpt and a link to the ticket in the portal."""
    return render_email("ticket_reply", _("Re: %(subject)s [ticket #%(number)s]", subject=subject, number=number),
                        branding, number=number, ticket_subject=subject, excerpt=excerpt, link=link,
                        can_reply=can_reply, marker=_(REPLY_MARKER))


def render_staff_alert(branding, *, action_label, text, link):
    """Render a staff alert sent by email too: what happened and a link to the staff page about it."""
    subject = f"{action_label}: {text}"
    if len(subject) > 150:
        subject = subject[:149] + "…"
    return render_email("staff_alert", subject, branding, alert_text=text, action_label=action_label,
                        link=link)


# --- invoices and visit reminders ---------------------------------------------------------

def invoice_pay_link(base_url, tenant_slug, invoice_id):
    """The portal's Billing tab with just this invoice selected in its pay form (as the home page's Pay Now does);
    the client signs in first if needed."""
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/billing?select={int(invoice_id)}#pay-form"


def services_link(base_url, tenant_slug):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/services"


def format_due(due_on):
    """An invoice's due date as clients read it, or "on receipt"."""
    try:
        return long_day(date.fromisoformat(due_on))
    except (TypeError, ValueError):
        return _("on receipt")


def _clock(moment):
    """A time of day as the reader writes it: "9:00 AM" (with a plain space, as mail programs show it well)."""
    return format_time(moment, "short", locale=locale_of()).replace("\u202f", " ")


def visit_when(starts_at, ends_at):
    """(day, time) of a visit as the business's clients read them; its own offset is its local time.

    A visit without a time window starts at midnight and has no end: "during the day".
    """
    start = datetime.fromisoformat(starts_at)
    end = datetime.fromisoformat(ends_at) if ends_at else None
    if end is None and (start.hour, start.minute) == (0, 0):
        return long_day(start), _("during the day")
    if end is None:
        return long_day(start), _("from %(start)s", start=_clock(start))
    return long_day(start), _("between %(start)s and %(end)s", start=_clock(start), end=_clock(end))


def render_invoice(branding, template, values, link, sample=False):
    """Render an invoice email: the staff's text (email_templates "invoice"), the invoice's figures, a Pay button.

    ``values``: client_name, invoice_number, amount, balance, due_date (formatted).
    """
    values = {**values, "pay_link": link}
    return render_templated("invoice", branding, template, values, sample, link=link, number=values["invoice_number"],
                            amount=values["amount"], balance=values["balance"], due=values["due_date"])


def render_invoice_sms(branding, values, link):
    return _("%(business)s: invoice #%(number)s for %(amount)s is due %(due)s. Pay it here: %(link)s",
             business=branding.display_name, number=values["invoice_number"], amount=values["amount"],
             due=values["due_date"], link=link)


def render_visit_reminder(branding, template, values, link, sample=False):
    """Render a visit reminder: the staff's text (email_templates "visit_reminder"), then when and where.

    ``values``: client_name, service, visit_date, visit_time, place (formatted).
    """
    return render_templated("visit_reminder", branding, template, values, sample, link=link,
                            service=values["service"], day=values["visit_date"], time=values["visit_time"],
                            place=values["place"])


def render_visit_reminder_sms(branding, values):
    words = {"business": branding.display_name, "service": values["service"], "day": values["visit_date"],
             "time": values["visit_time"], "place": values["place"]}
    if values["place"]:
        return _("%(business)s: a reminder of your visit for %(service)s on %(day)s, %(time)s at %(place)s.",
                 **words)
    return _("%(business)s: a reminder of your visit for %(service)s on %(day)s, %(time)s.", **words)
