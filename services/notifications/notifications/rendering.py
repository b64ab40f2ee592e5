"""Render every message from Jinja templates and the tenant's branding; sanitise the staff's HTML.

Messages are rendered in the language at hand (the recipient's: languages.py): the templates' text through
gettext, money and days in its locale. Messages about money, tickets and visits are in client_rendering.py.

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
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from notifications.branding import url_segment
from notifications.languages import catalogue
from shared.clock import as_utc, utcnow
from shared.i18n import N_, _, current_language, locale_of, ngettext

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
CODE_LIFETIME = timedelta(minutes=10)
SAMPLE_PREFIX = N_("[Sample] %(subject)s")
SAMPLE_CLIENT_NAME = N_("[Client name]")  # translated where it is used: _(SAMPLE_CLIENT_NAME)

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
    extensions=["jinja2.ext.i18n"],
)
# The templates' text in the language at hand (the recipient's: languages.speaking_to); a message's line breaks
# and indents are not part of it.
_environment.policies["ext.i18n.trimmed"] = True
_environment.install_gettext_callables(
    gettext=lambda m: catalogue.translations().ugettext(m),
    ngettext=lambda s, p, n: catalogue.translations().ungettext(s, p, n),
    newstyle=True)  # Jinja fills in the values, escaping them in HTML
_environment.globals["language"] = current_language.get  # <html lang>


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


# How a lifetime is said, by its unit (seconds).
_UNITS = ((86400, lambda count: ngettext("%(num)d day", "%(num)d days", count)),
          (3600, lambda count: ngettext("%(num)d hour", "%(num)d hours", count)),
          (60, lambda count: ngettext("%(num)d minute", "%(num)d minutes", count)))


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
    for unit, name in _UNITS:
        if seconds >= unit - 30:
            return name(round(seconds / unit))
    return _UNITS[-1][1](1)


# --- messages ---------------------------------------------------------------------------

def default_invitation_template():
    """Return the invitation a tenant gets until its staff write their own.

    It does not name the business (the From name, header and footer do): the branding copy
    arrives by event, and a default that changed once it did would surprise the editor.
    """
    return {  # marked with N_: email_templates.template_of translates a default in the reader's language
        "subject": N_("Your client portal invitation"),
        "html": N_("<p>We have set up a client portal for you. There you can see and pay your "
                   "invoices, follow your services and send us a message at any time.</p>"
                   "<p>Use the button below to choose your password and sign in.</p>"),
    }


def _render(template_name, **context):
    return _environment.get_template(template_name).render(**context).strip() + "\n"


def render_email(template, subject, branding, **context):
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
    return (_(SAMPLE_PREFIX, subject=subject) if sample else subject), message


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
    return render_email("password_reset",
                        _("Reset your %(business)s portal password", business=branding.display_name),
                        branding, name=name, link=link, lifetime=lifetime)


def render_staff_password_reset(branding, name, link, lifetime):
    return render_email("staff_password_reset",
                        _("Reset your %(business)s staff password", business=branding.display_name), branding,
                        name=name, link=link, lifetime=lifetime)


def render_login_code_email(branding, code, lifetime):
    return render_email("login_code", _("Your %(business)s sign-in code", business=branding.display_name),
                        branding, code=code, lifetime=lifetime)


def render_login_code_sms(branding, code, lifetime):
    return _render("login_code_sms.txt", branding=branding, code=code, lifetime=lifetime).strip()


def render_email_change_code(branding, code, lifetime):
    return render_email("email_change_code",
                        _("Confirm your new email address for %(business)s", business=branding.display_name),
                        branding, code=code, lifetime=lifetime)


# --- days and lists -----------------------------------------------------------------------

def format_day(moment):
    """Show an ISO timestamp's date as its reader writes a day ("March 5, 2026", "5 de marzo de 2026"); today's
    date when it cannot be read."""
    try:
        day = parse_moment(moment)
    except (TypeError, ValueError):
        day = utcnow()
    return long_day(day)


def long_day(day):
    """A date (or datetime) as its reader writes a day, in the language at hand."""
    return format_date(day, "long", locale=locale_of())


def invoice_numbers(numbers):
    """Join invoice numbers: "#1001", "#1001 and #1002", "#1001, #1002 and #1003"."""
    labels = [f"#{number}" for number in numbers]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(items)s and %(last)s", items=", ".join(labels[:-1]), last=labels[-1])
