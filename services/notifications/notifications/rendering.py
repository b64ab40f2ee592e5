"""Render every message from Jinja templates and the tenant's branding; sanitise the staff's HTML.

Everything placed in an HTML part is escaped by Jinja, except the staff's invitation text,
which goes in only after ``sanitise_html`` (as ``Markup``). Staff HTML is data, never a
template: it is not passed through Jinja, so it cannot reach template code.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import nh3
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from notifications.branding import url_segment
from shared.clock import as_utc, utcnow
from shared.money import format_money

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
CODE_LIFETIME = timedelta(minutes=10)
SAMPLE_PREFIX = "[Sample] "
SAMPLE_CLIENT_NAME = "[Client name]"

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "a",
                "h2", "h3", "h4", "blockquote", "hr", "span"}
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


# --- the staff's HTML -------------------------------------------------------------------

def sanitise_html(fragment):
    """Keep only basic formatting and http(s)/mailto links of ``fragment``."""
    return _cleaner.clean(fragment or "").strip()


class _TextExtractor(HTMLParser):
    """Turn sanitised HTML into readable plain text: paragraphs, list items, link addresses."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.open_links = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.open_links.append((len(self.parts), dict(attrs).get("href")))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.open_links:
            start, href = self.open_links.pop()
            label = "".join(self.parts[start:]).strip()
            address = href.removeprefix("mailto:") if href else None
            if address and address != label:
                self.parts.append(f" ({address})")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(fragment):
    """Return the plain-text reading of an HTML fragment."""
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- links and lifetimes ----------------------------------------------------------------

def invitation_link(base_url, tenant_slug, token):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/invitation/{url_segment(token)}"


def reset_link(base_url, tenant_slug, token):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/reset/{url_segment(token)}"


def staff_reset_link(base_url, token):
    return f"{base_url.rstrip('/')}/staff/reset/{url_segment(token)}"


def parse_moment(value):
    """Read an event's ISO 8601 time; one without a zone is in UTC."""
    return as_utc(datetime.fromisoformat(value))


def describe_lifetime(issued_at, expires_at, usual):
    """Say how long a link or code lasts ("7 days", "1 hour", "10 minutes").

    The event's own times decide; the usual lifetime stands in when they cannot be read, so
    a malformed timestamp never holds a sign-in message back.
    """
    try:
        seconds = (parse_moment(expires_at) - parse_moment(issued_at)).total_seconds()
    except (TypeError, ValueError):
        seconds = usual.total_seconds()
    # Rounded to the nearest unit: the event is written a moment after the secret is made.
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= unit - 30:
            count = round(seconds / unit)
            return f"{count} {name}{'' if count == 1 else 's'}"
    return "1 minute"


# --- messages ---------------------------------------------------------------------------

def default_invitation_template():
    """Return the invitation a tenant gets until its staff write their own.

    It does not name the business (the From name, header and footer do): the branding copy
    arrives by event, and a default that changed once it did would surprise the editor.
    """
    return {
        "subject": "Your client portal invitation",
        "html": ("<p>We have set up a client portal for you. There you can see and pay your "
                 "invoices, follow your services and send us a message at any time.</p>"
                 "<p>Use the button below to choose your password and sign in.</p>"),
    }


def _render(template_name, **context):
    return _environment.get_template(template_name).render(**context).strip() + "\n"


def _email(template, subject, branding, **context):
    context = {"subject": subject, "branding": branding, **context}
    return RenderedEmail(subject=subject, text=_render(f"{template}.txt", **context),
                         html=_render(f"{template}.html", **context))


PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]*)\}")


def fill_text(text, values):
    """Put the values in a subject (plain text); an unknown placeholder stays as typed."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


def fill_html(html, values):
    """Put the values, escaped, in sanitised HTML; an unknown placeholder stays as typed."""
    return PLACEHOLDER.sub(lambda match: str(escape(values[match.group(1)])) if match.group(1) in values
                           else match.group(0), html)


def staff_message(template, values, sample=False):
    """Return (subject, sanitised HTML message) of a staff template filled with ``values``."""
    subject = fill_text(template["subject"], values)
    message = fill_html(sanitise_html(template["html"]), values)  # again, in case the allowed tags were narrowed
    return (SAMPLE_PREFIX + subject if sample else subject), message


def render_templated(name, branding, template, values, sample=False, **context):
    """Render email ``name`` (its .html and .txt) around the staff's filled-in ``template``."""
    subject, message = staff_message(template, {"business_name": branding.display_name, **values}, sample)
    context = {"branding": branding, "sample": sample, **context}
    return RenderedEmail(subject=subject, text=_render(f"{name}.txt", message=html_to_text(message), **context),
                         html=_render(f"{name}.html", subject=subject, message=Markup(message), **context))


def render_invitation(branding, template, name, link, lifetime, document_title=None):
    """Render an invitation: greeting, the staff's text, the welcome document awaiting in Documents (its title,
    when there is one), the button; ``link=None`` for a sample."""
    subject, message = staff_message(template, {"client_name": name, "business_name": branding.display_name},
                                     sample=not link)
    context = {"branding": branding, "name": name, "link": link, "lifetime": lifetime, "document": document_title}
    return RenderedEmail(
        subject=subject,
        text=_render("invitation.txt", message=html_to_text(message), **context),
        html=_render("invitation.html", subject=subject, message=Markup(message), **context),
    )


def render_password_reset(branding, name, link, lifetime):
    return _email("password_reset", f"Reset your {branding.display_name} portal password", branding,
                  name=name, link=link, lifetime=lifetime)


def render_staff_password_reset(branding, name, link, lifetime):
    return _email("staff_password_reset", f"Reset your {branding.display_name} staff password", branding,
                  name=name, link=link, lifetime=lifetime)


def render_login_code_email(branding, code, lifetime):
    return _email("login_code", f"Your {branding.display_name} sign-in code", branding,
                  code=code, lifetime=lifetime)


def render_login_code_sms(branding, code, lifetime):
    return _render("login_code_sms.txt", branding=branding, code=code, lifetime=lifetime).strip()


def render_email_change_code(branding, code, lifetime):
    return _email("email_change_code", f"Confirm your new email address for {branding.display_name}",
                  branding, code=code, lifetime=lifetime)


# --- payments -----------------------------------------------------------------------------

def format_day(moment):
    """Show an ISO timestamp's date as "March 5, 2026"; today's date when it cannot be read."""
    try:
        day = parse_moment(moment)
    except (TypeError, ValueError):
        day = utcnow()
    return f"{day:%B} {day.day}, {day.year}"


def invoice_numbers(numbers):
    """Join invoice numbers: "#1001", "#1001 and #1002", "#1001, #1002 and #1003"."""
    labels = [f"#{number}" for number in numbers]
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


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
    paid = [PaidInvoice(str(item.get("number")), format_money(int(item.get("applied") or 0)))
            for item in invoices]
    method = method_label or "Account credit"
    values = {"client_name": client_name, "amount": format_money(amount), "payment_kind": what, "method": method,
              "payment_date": day, "reference": str(reference),
              "invoice_numbers": invoice_numbers([item.number for item in paid]) if paid else ""}
    return render_templated("payment_receipt", branding, template, values, sample, what=what,
                            amount=values["amount"], method_label=method, invoices=paid, day=day,
                            reference=reference)


def render_receipt_sms(branding, *, amount, reference):
    return (f"{branding.display_name}: we received your payment of {format_money(amount)}. "
            f"Thank you! Reference: payment {reference}.")


def render_payment_failed(branding, *, amount, method_label, day):
    """Render a short notice that a payment was declined or could not be processed: nothing was charged."""
    return _email("payment_failed", f"Your payment to {branding.display_name} did not go through", branding,
                  amount=format_money(amount), method_label=method_label, day=day)


# --- tickets ------------------------------------------------------------------------------

# The line above which a client's emailed reply is read (inbound.py cuts there); outgoing ticket
# emails that can be answered by email open with it.
REPLY_MARKER = "— Reply above this line —"


def ticket_link(base_url, tenant_slug, ticket_id):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/tickets/{int(ticket_id)}"


def render_ticket_reply(branding, *, number, subject, excerpt, link, can_reply):
    """Render the email of a staff reply on a ticket: an excerpt and a link to the ticket in the portal."""
    return _email("ticket_reply", f"Re: {subject} [ticket #{number}]", branding, number=number,
                  ticket_subject=subject, excerpt=excerpt, link=link, can_reply=can_reply, marker=REPLY_MARKER)


def render_staff_alert(branding, *, action_label, text, link):
    """Render a staff alert sent by email too: what happened and a link to the staff page about it."""
    subject = f"{action_label}: {text}"
    if len(subject) > 150:
        subject = subject[:149] + "…"
    return _email("staff_alert", subject, branding, alert_text=text, action_label=action_label, link=link)


# --- invoices and visit reminders ---------------------------------------------------------

def invoice_pay_link(base_url, tenant_slug, invoice_id):
    """The portal's Billing tab with just this invoice selected in its pay form (as the home page's Pay Now does);
    the client signs in first if needed."""
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/billing?select={int(invoice_id)}#pay-form"


def services_link(base_url, tenant_slug):
    return f"{base_url.rstrip('/')}/p/{url_segment(tenant_slug)}/services"


def render_invoice(branding, template, values, link, sample=False):
    """Render an invoice email: the staff's text (email_templates "invoice"), the invoice's figures, a Pay button.

    ``values``: client_name, invoice_number, amount, balance, due_date (formatted).
    """
    values = {**values, "pay_link": link}
    return render_templated("invoice", branding, template, values, sample, link=link, number=values["invoice_number"],
                            amount=values["amount"], balance=values["balance"], due=values["due_date"])


def render_invoice_sms(branding, values, link):
    return (f"{branding.display_name}: invoice #{values['invoice_number']} for {values['amount']} is due "
            f"{values['due_date']}. Pay it here: {link}")


def render_visit_reminder(branding, template, values, link, sample=False):
    """Render a visit reminder: the staff's text (email_templates "visit_reminder"), then when and where.

    ``values``: client_name, service, visit_date, visit_time, place (formatted).
    """
    return render_templated("visit_reminder", branding, template, values, sample, link=link,
                            service=values["service"], day=values["visit_date"], time=values["visit_time"],
                            place=values["place"])


def render_visit_reminder_sms(branding, values):
    place = f" at {values['place']}" if values["place"] else ""
    return (f"{branding.display_name}: a reminder of your visit for {values['service']} on {values['visit_date']}, "
            f"{values['visit_time']}{place}.")
