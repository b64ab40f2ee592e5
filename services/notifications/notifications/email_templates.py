"""The emails staff edit, one template per (tenant, kind): subject and sanitised HTML with ``{placeholders}``.

The staff's text is the message of the email; what a kind needs in any case (a receipt's amounts, an invoice's
pay button, a visit's date and time, the invitation's button) is added around it by the kind's Jinja template
(rendering.py). Each kind names the placeholders it fills; saving a template that uses another is a field error.
Placeholder values are escaped before they go into the HTML; the staff's HTML is never a Jinja template.

A kind's default subject and HTML, label and placeholder meanings are marked with N_ and read in the language at
hand: a client's email in the client's, the editor's page in the staff member's. What staff saved is theirs, as
typed.
"""
from dataclasses import dataclass

from sqlalchemy import select

from notifications.models import MessageTemplate
from notifications.rendering import PLACEHOLDER, default_invitation_template, sanitise_html
from shared.clock import utcnow
from shared.errors import InvalidInput, NotFound
from shared.i18n import N_, _


@dataclass(frozen=True)
class Kind:
    label: str
    placeholders: dict  # name -> what it stands for (shown on the editor's page)
    subject: str
    html: str


COMMON = {"client_name": N_("the client account's name"), "business_name": N_("your business's name")}
KINDS = {
    "invitation": Kind(N_("Invitation"), COMMON, **default_invitation_template()),
    "receipt": Kind(
        N_("Payment receipt"),
        {**COMMON, "amount": N_("the amount paid, e.g. $120.00"),
         "payment_kind": N_("\"payment\" or \"prepayment\""),
         "method": N_("what paid it, e.g. Visa ending 4242"), "payment_date": N_("the day it was paid"),
         "invoice_numbers": N_("the invoices it paid, e.g. #1001 and #1002"),
         "reference": N_("the payment's number")},
        N_("Receipt for your {payment_kind} to {business_name}"),
        N_("<p>Thank you for your {payment_kind} to {business_name}.</p>")),
    "invoice": Kind(
        N_("Invoice"),
        {**COMMON, "invoice_number": N_("the invoice's number, e.g. 1001"), "amount": N_("the invoice's total"),
         "balance": N_("what is left to pay"), "due_date": N_("the day it is due (or \"on receipt\")"),
         "pay_link": N_("the address of the page where the client pays it")},
        N_("Invoice #{invoice_number} from {business_name}"),
        N_("<p>Hello {client_name},</p><p>Here is invoice #{invoice_number} for {amount}, due {due_date}. "
           "You can pay it online with the button below.</p>")),
    "visit_reminder": Kind(
        N_("Visit reminder"),
        {**COMMON, "service": N_("the service, e.g. Weekly mowing"), "visit_date": N_("the visit's day"),
         "visit_time": N_("its time window (or \"during the day\")"), "place": N_("the property's address")},
        N_("Reminder: {service} on {visit_date}"),
        N_("<p>Hello {client_name},</p><p>This is a reminder that we will be with you for {service} "
           "on {visit_date}, {visit_time}.</p>")),
}
EDITABLE = tuple(KINDS)


def kind_of(kind):
    """The kind's description; an unknown kind is NotFound (it names no template)."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise NotFound(_("No such email template."))
    return KINDS[kind]


def unknown_placeholders(kind, text):
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in KINDS[kind].placeholders})


def check_placeholders(kind, template):
    """Refuse a subject or HTML that uses a placeholder the kind does not fill (a field error per field)."""
    problems = {}
    for field in ("subject", "html"):
        unknown = unknown_placeholders(kind, template[field])
        if unknown:
            allowed = ", ".join("{" + name + "}" for name in KINDS[kind].placeholders)
            problems[field] = [_("Unknown placeholder %(unknown)s: use %(allowed)s.",
                                 unknown=", ".join("{" + name + "}" for name in unknown), allowed=allowed)]
    if problems:
        raise InvalidInput(_("The template uses placeholders this email does not have."), fields=problems)


def template_of(session, tenant_id, kind):
    """Return the tenant's ``{subject, html}`` of ``kind``, or that kind's default (in the language at hand)."""
    spec = kind_of(kind)
    row = session.get(MessageTemplate, (tenant_id, kind))
    if row is None:
        return {"subject": _(spec.subject), "html": _(spec.html)}
    return {"subject": row.subject, "html": row.html}


def describe(session, tenant_id, kind):
    """The editor's view: the stored (or default) template, whether it is the default, its placeholders."""
    spec = kind_of(kind)
    stored = session.get(MessageTemplate, (tenant_id, kind)) is not None
    return {"kind": kind, "label": _(spec.label), **template_of(session, tenant_id, kind), "customised": stored,
            "placeholders": [{"name": name, "meaning": _(meaning)} for name, meaning in spec.placeholders.items()]}


def save(session, tenant_id, kind, template, staff_id):
    """Check the placeholders, sanitise and store the tenant's template of ``kind``; return what was stored."""
    kind_of(kind)
    check_placeholders(kind, template)
    row = session.get(MessageTemplate, (tenant_id, kind)) or MessageTemplate(tenant_id=tenant_id, kind=kind)
    row.subject = template["subject"]
    row.html = sanitise_html(template["html"])
    row.updated_by, row.updated_at = staff_id, utcnow()
    session.add(row)
    return {"subject": row.subject, "html": row.html}


def reset(session, tenant_id, kind):
    """Go back to the kind's default."""
    kind_of(kind)
    row = session.get(MessageTemplate, (tenant_id, kind))
    if row is not None:
        session.delete(row)


def customised_kinds(session, tenant_id):
    return set(session.scalars(select(MessageTemplate.kind).where(MessageTemplate.tenant_id == tenant_id)))
