"""What billing's invoice and visit events become for the client: an invoice email with its pay link, a visit
reminder the day before (email and/or SMS as the account chose, and an item in its feed); and the samples staff
send themselves from the template editor."""
from datetime import date, datetime

from notifications import client_delivery, contacts, email_templates, feed, messages, rendering
from notifications.messages import UNKNOWN_BUSINESS
from notifications.models import TenantBranding
from notifications.tenants import branding_for
from shared.money import format_money

SAMPLE_EVENT = {"event_id": None, "occurred_at": None}


def _day(value):
    return f"{value:%B} {value.day}, {value.year}"


def format_due(due_on):
    """An invoice's due date as clients read it, or "on receipt"."""
    try:
        return _day(date.fromisoformat(due_on))
    except (TypeError, ValueError):
        return "on receipt"


def _clock(moment):
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def visit_when(starts_at, ends_at):
    """(day, time) of a visit as the business's clients read them; its own offset is its local time.

    A visit without a time window starts at midnight and has no end: "during the day".
    """
    start = datetime.fromisoformat(starts_at)
    end = datetime.fromisoformat(ends_at) if ends_at else None
    if end is None and (start.hour, start.minute) == (0, 0):
        return _day(start), "during the day"
    if end is None:
        return _day(start), f"from {_clock(start)}"
    return _day(start), f"between {_clock(start)} and {_clock(end)}"


def _slug(session, tenant_id):
    row = session.get(TenantBranding, tenant_id)
    return row.slug if row is not None else ""


def invoice_values(data, client_name):
    return {"client_name": client_name, "invoice_number": str(data["number"]), "amount": format_money(data["total"]),
            "balance": format_money(data["balance"]), "due_date": format_due(data["due_on"])}


def invoice_draft(session, tenant_id, values, link, to, event_id=None, sample=False):
    branding = branding_for(session, tenant_id, UNKNOWN_BUSINESS)
    rendered = rendering.render_invoice(branding, email_templates.template_of(session, tenant_id, "invoice"),
                                        values, link, sample)
    return messages.email_draft(tenant_id, "sample_invoice" if sample else "invoice", to, rendered, branding,
                                 event_id)


def invoice_email(session, postbox, event, data):
    """Email the invoice with a link to pay it in the portal (and text it, if the account chose SMS).

    Staff asking for it (``reason`` "staff") email it whatever the account's email preference; an invoice
    emailed because it was issued follows the account's choice for invoices.
    """
    tenant_id = event["tenant_id"]
    contact = contacts.reach(session, tenant_id, data["account_id"])
    values = invoice_values(data, contact.greeting_name)
    link = rendering.invoice_pay_link(postbox.base_url, _slug(session, tenant_id), data["invoice_id"])
    branding = branding_for(session, tenant_id, UNKNOWN_BUSINESS)
    return client_delivery.deliver(
        session, postbox, tenant_id, data["account_id"], "invoices", event["event_id"],
        email=lambda to: invoice_draft(session, tenant_id, values, link, to, event["event_id"]),
        sms_text=rendering.render_invoice_sms(branding, values, link), email_to=data["to_email"],
        force_email=data["reason"] == "staff")


def reminder_values(data, client_name):
    day, time = visit_when(data["starts_at"], data["ends_at"])
    return {"client_name": client_name, "service": data["service"], "visit_date": day, "visit_time": time,
            "place": data["place"] or ""}


def reminder_draft(session, tenant_id, values, link, to, event_id=None, sample=False):
    branding = branding_for(session, tenant_id, UNKNOWN_BUSINESS)
    rendered = rendering.render_visit_reminder(
        branding, email_templates.template_of(session, tenant_id, "visit_reminder"), values, link, sample)
    return messages.email_draft(tenant_id, "sample_visit_reminder" if sample else "visit_reminder", to, rendered,
                                 branding, event_id)


def visit_reminder(session, postbox, event, data):
    """Remind the client of tomorrow's visit by the channels it chose, and add the reminder to its feed."""
    tenant_id, account_id = event["tenant_id"], data["account_id"]
    values = reminder_values(data, contacts.reach(session, tenant_id, account_id).greeting_name)
    link = rendering.services_link(postbox.base_url, _slug(session, tenant_id))
    branding = branding_for(session, tenant_id, UNKNOWN_BUSINESS)
    client_delivery.deliver(
        session, postbox, tenant_id, account_id, "reminders", event["event_id"],
        email=lambda to: reminder_draft(session, tenant_id, values, link, to, event["event_id"]),
        sms_text=rendering.render_visit_reminder_sms(branding, values))
    feed.add(session, tenant_id, account_id, kind="visit_reminder", title=f"Reminder: {data['service']} tomorrow",
             link="services", source_event_id=event["event_id"],
             body=f"{values['visit_date']}, {values['visit_time']}")


# --- samples and previews (staff) ---------------------------------------------------------

SAMPLE_PAYMENT = {"kind": "payment", "amount": 12000, "method_label": "Visa ending 4242", "payment_id": 1234,
                  "invoices": [{"number": 1001, "applied": 12000}]}
SAMPLE_INVOICE = {"number": 1001, "total": 12000, "balance": 12000, "due_on": None}
SAMPLE_VISIT = {"service": "Weekly mowing", "starts_at": "2026-06-04T09:00:00", "ends_at": "2026-06-04T11:00:00",
                "place": "12 Elm Street"}


def sample(session, base_url, tenant_id, kind, to):
    """Draft the tenant's email of ``kind`` with made-up content, marked as a sample, to ``to``."""
    email_templates.kind_of(kind)
    name = rendering.SAMPLE_CLIENT_NAME
    if kind == "invitation":
        return messages.sample_invitation(session, tenant_id, to)
    if kind == "receipt":
        return messages.payment_receipt(session, {**SAMPLE_EVENT, "tenant_id": tenant_id}, SAMPLE_PAYMENT, to,
                                        name, sample=True)
    slug = _slug(session, tenant_id)
    if kind == "invoice":
        return invoice_draft(session, tenant_id, invoice_values(SAMPLE_INVOICE, name),
                             rendering.invoice_pay_link(base_url, slug, 0), to, sample=True)
    return reminder_draft(session, tenant_id, reminder_values(SAMPLE_VISIT, name),
                          rendering.services_link(base_url, slug), to, sample=True)


def preview(session, base_url, tenant_id, kind):
    """``{subject, html, text}`` of the sample, for the editor's preview."""
    draft = sample(session, base_url, tenant_id, kind, "preview@example.invalid")
    return {"subject": draft.subject, "html": draft.html, "text": draft.text}

