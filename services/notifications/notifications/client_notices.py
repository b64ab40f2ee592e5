"""What billing's invoice and visit events become for the client: an invoice email with its pay link, a visit
reminder the day before (email and/or SMS as the account chose, and an item in its feed); and the samples staff
send themselves from the template editor."""
from notifications import client_delivery, client_rendering, contacts, email_templates, feed, languages, messages
from notifications.client_rendering import format_due, visit_when
from notifications.messages import business_branding
from notifications.models import TenantBranding
from notifications.rendering import SAMPLE_CLIENT_NAME
from shared.i18n import _

SAMPLE_EVENT = {"event_id": None, "occurred_at": None}


def _slug(session, tenant_id):
    row = session.get(TenantBranding, tenant_id)
    return row.slug if row is not None else ""


def invoice_values(data, client_name):
    """The invoice's placeholder values, in the language at hand."""
    money = client_rendering.money
    return {"client_name": client_name, "invoice_number": str(data["number"]), "amount": money(data["total"]),
            "balance": money(data["balance"]), "due_date": format_due(data["due_on"])}


def invoice_draft(session, tenant_id, values, link, to, event_id=None, sample=False):
    branding = business_branding(session, tenant_id)
    rendered = client_rendering.render_invoice(
        branding, email_templates.template_of(session, tenant_id, "invoice"), values, link, sample)
    return messages.email_draft(tenant_id, "sample_invoice" if sample else "invoice", to, rendered, branding,
                                 event_id)


def invoice_email(session, postbox, event, data):
    """Email the invoice with a link to pay it in the portal (and text it, if the account chose SMS).

    Staff asking for it (``reason`` "staff") email it whatever the account's email preference; an invoice
    emailed because it was issued follows the account's choice for invoices.
    """
    tenant_id = event["tenant_id"]
    with languages.to_account(session, tenant_id, data["account_id"]):
        contact = contacts.reach(session, tenant_id, data["account_id"])
        values = invoice_values(data, contact.greeting_name)
        link = client_rendering.invoice_pay_link(postbox.base_url, _slug(session, tenant_id), data["invoice_id"])
        branding = business_branding(session, tenant_id)
        return client_delivery.deliver(
            session, postbox, tenant_id, data["account_id"], "invoices", event["event_id"],
            email=lambda to: invoice_draft(session, tenant_id, values, link, to, event["event_id"]),
            sms_text=client_rendering.render_invoice_sms(branding, values, link), email_to=data["to_email"],
            force_email=data["reason"] == "staff")


def reminder_values(data, client_name):
    day, time = visit_when(data["starts_at"], data["ends_at"])
    return {"client_name": client_name, "service": data["service"], "visit_date": day, "visit_time": time,
            "place": data["place"] or ""}


def reminder_draft(session, tenant_id, values, link, to, event_id=None, sample=False):
    branding = business_branding(session, tenant_id)
    rendered = client_rendering.render_visit_reminder(
        branding, email_templates.template_of(session, tenant_id, "visit_reminder"), values, link, sample)
    return messages.email_draft(tenant_id, "sample_visit_reminder" if sample else "visit_reminder", to, rendered,
                                 branding, event_id)


def visit_reminder(session, postbox, event, data):
    """Remind the client of tomorrow's visit by the channels it chose, and add the reminder to its feed, in the
    account's language."""
    tenant_id, account_id = event["tenant_id"], data["account_id"]
    with languages.to_account(session, tenant_id, account_id):
        values = reminder_values(data, contacts.reach(session, tenant_id, account_id).greeting_name)
        link = client_rendering.services_link(postbox.base_url, _slug(session, tenant_id))
        branding = business_branding(session, tenant_id)
        client_delivery.deliver(
            session, postbox, tenant_id, account_id, "reminders", event["event_id"],
            email=lambda to: reminder_draft(session, tenant_id, values, link, to, event["event_id"]),
            sms_text=client_rendering.render_visit_reminder_sms(branding, values))
        feed.add(session, tenant_id, account_id, kind="visit_reminder",
                 title=_("Reminder: %(service)s tomorrow", service=data["service"]), link="services",
                 source_event_id=event["event_id"],
                 body=_("%(day)s, %(time)s", day=values["visit_date"], time=values["visit_time"]))


# --- samples and previews (staff) ---------------------------------------------------------

def sample_payment():
    return {"kind": "payment", "amount": 12000, "method_label": _("Visa ending 4242"), "payment_id": 1234,
            "invoices": [{"number": 1001, "applied": 12000}]}


SAMPLE_INVOICE = {"number": 1001, "total": 12000, "balance": 12000, "due_on": None}


def sample_visit():
    return {"service": _("Weekly mowing"), "starts_at": "2026-06-04T09:00:00", "ends_at": "2026-06-04T11:00:00",
            "place": "12 Elm Street"}


def sample(session, base_url, tenant_id, kind, to):
    """Draft the tenant's email of ``kind`` with made-up content, marked as a sample, to ``to`` (in the language
    of the staff member who asked)."""
    email_templates.kind_of(kind)
    name = _(SAMPLE_CLIENT_NAME)
    if kind == "invitation":
        return messages.sample_invitation(session, tenant_id, to)
    if kind == "receipt":
        return messages.payment_receipt(session, {**SAMPLE_EVENT, "tenant_id": tenant_id}, sample_payment(), to,
                                        name, sample=True)
    slug = _slug(session, tenant_id)
    if kind == "invoice":
        return invoice_draft(session, tenant_id, invoice_values(SAMPLE_INVOICE, name),
                             client_rendering.invoice_pay_link(base_url, slug, 0), to, sample=True)
    return reminder_draft(session, tenant_id, reminder_values(sample_visit(), name),
                          client_rendering.services_link(base_url, slug), to, sample=True)


def preview(session, base_url, tenant_id, kind):
    """``{subject, html, text}`` of the sample, for the editor's preview."""
    draft = sample(session, base_url, tenant_id, kind, "preview@example.invalid")
    return {"subject": draft.subject, "html": draft.html, "text": draft.text}

