"""Clients' mail to tickets: which recipients are accepted, what of a mail is kept, and a reply's event.

Accepted: mail to ``reply+<token>@<INBOUND_MAIL_DOMAIN>`` (a reply on a ticket) or to
``support+<slug>@<INBOUND_MAIL_DOMAIN>`` (a business's support address, support_mail.py), one such
recipient per mail. The token is opaque here; tickets resolves it (and so the tenant and ticket) when
INBOUND_TICKET_MAIL arrives, so the event carries no tenant.

The new text of a reply is the text above the quoted history. The rule, line by line, top to bottom:
cut at the first line that is our reply marker ("Reply above this line", see client_rendering.REPLY_MARKER, in
any language Portico speaks), an "On <date>, <someone> wrote:" line (or Spanish mail programs' "El <date>, <someone>
escribió:"; also when "wrote:" ends the next line, as mail programs wrap it),
a line starting with ">" (a quoted block), or an "-----Original Message-----" line. What is above,
trimmed, is the text; a mail with nothing above is kept whole. A mail with no plain-text part is read from
its HTML, cut first at its first ``<blockquote>`` (or Gmail's quote block).

Attachments: images (PNG, JPEG, GIF, WebP) and PDF files up to ``ATTACHMENT_MAX_BYTES`` each, at most
``ATTACHMENTS_MAX`` per mail, whose bytes start as their type says, go to the blob store; the event
names them by blob id. Any other part is dropped with a note added to the text.
"""
import functools
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import parseaddr

from sqlalchemy.exc import IntegrityError

from notifications.client_rendering import REPLY_MARKER
from notifications.languages import catalogue
from notifications.rendering import html_to_text
from shared.events import INBOUND_TICKET_MAIL
from shared.i18n import LANGUAGES, _

MAIL_MAX_BYTES = 25 * 1024 * 1024  # the SMTP size cap (INBOUND_MAIL_MAX_BYTES)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_MAX = 10
TEXT_MAX = 20_000  # characters kept of the new text (the event stays far below the bus's limit)
TOKEN = r"[A-Za-z0-9_-]{16,200}"
SLUG = r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?"  # as accounts allows a business's slug
SUBJECT_MAX = 1000
CONSUMER = "notifications.inbound_mail"  # whose claims in processed_events make a Message-ID publish once
# What the file's first bytes must be for each accepted type.
MAGIC = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",), "image/gif": (b"GIF87a", b"GIF89a"),
         "image/webp": (b"RIFF",), "application/pdf": (b"%PDF-",)}
QUOTE_START = re.compile(r"^\s*(?:>|-{2,}\s*Original Message\s*-{2,})", re.IGNORECASE)
ON_WROTE = re.compile(r"^\s*(?:On|El)\s.+", re.IGNORECASE)
WROTE = re.compile(r"(?:wrote|escribió):\s*$", re.IGNORECASE)
HTML_QUOTE = re.compile(r"<blockquote|<div[^>]*gmail_quote", re.IGNORECASE)  # an HTML-only mail's quoted history


def _local_tag(address, domain, local, pattern):
    if not domain:
        return None
    match = re.fullmatch(rf"{local}\+({pattern})@([A-Za-z0-9.-]+)", (address or "").strip().strip("<>"),
                         re.IGNORECASE)
    if match is None or match.group(2).lower() != domain.lower():
        return None
    return match.group(1)


def reply_token(address, domain):
    """Return the token of ``reply+<token>@<domain>``, or None for any other address."""
    return _local_tag(address, domain, "reply", TOKEN)


def support_slug(address, domain):
    """Return the business slug of ``support+<slug>@<domain>`` (in lower case), or None for any other address."""
    slug = _local_tag(address, domain, "support", SLUG)
    return slug.lower() if slug else None


def support_address(slug, domain):
    """The support address of the business ``slug``: what it forwards its own support mailbox to."""
    return f"support+{slug}@{domain}"


def recipient(address, domain):
    """Return ``{"token": ...}`` or ``{"support_slug": ...}`` for an address we take mail for, else None."""
    token = reply_token(address, domain)
    if token is not None:
        return {"token": token}
    slug = support_slug(address, domain)
    return {"support_slug": slug} if slug is not None else None


@functools.cache
def reply_markers():
    """Our reply marker's words (without its dashes) in every language Portico speaks, as one pattern."""
    words = {catalogue.translations(language).ugettext(REPLY_MARKER).strip("—- ") for language in LANGUAGES}
    return re.compile(r"^\s*[—-]*\s*(?:" + "|".join(re.escape(item) for item in sorted(words)) + ")",
                      re.IGNORECASE)


def new_text(text):
    """Return the part of a reply above its quoted history (see the module's rule)."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if QUOTE_START.match(line) or reply_markers().match(line) or (ON_WROTE.match(line) and (
                WROTE.search(line) or WROTE.search(following))):
            kept = "\n".join(lines[:index]).strip()
            return kept or (text or "").strip()
    return (text or "").strip()


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class InboundMail:
    """A mail as parsed at the SMTP endpoint: what the event needs, attachments still as bytes."""

    token: str | None
    mail_id: str
    from_address: str
    text: str
    attachments: list = field(default_factory=list)
    support_slug: str | None = None  # set for mail to a support address (then ``token`` is None)
    subject: str = ""


def _body_text(message):
    body = message.get_body(("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if body.get_content_type() != "text/html":
        return content
    return html_to_text(HTML_QUOTE.split(content, maxsplit=1)[0]) or html_to_text(content)


def _accepted(content_type, data):
    return (content_type in MAGIC and len(data) <= ATTACHMENT_MAX_BYTES
            and data.startswith(MAGIC[content_type]))


def parse(raw, token, support_slug=None):
    """Parse the raw mail sent to ``token``'s reply address (or the support address of ``support_slug``)."""
    message = message_from_bytes(raw, policy=policy.default)
    mail_id = (str(message.get("Message-ID") or "").strip()
               or "sha256:" + hashlib.sha256(raw).hexdigest())  # no Message-ID: the same bytes are the same mail
    from_address = parseaddr(str(message.get("From") or ""))[1]
    kept, notes = [], []
    for part in message.iter_attachments():
        name = (part.get_filename() or "attachment")[:200]
        content_type = part.get_content_type()
        data = part.get_payload(decode=True) or b""
        if len(kept) < ATTACHMENTS_MAX and _accepted(content_type, data):
            kept.append(Attachment(name, content_type, data))
        else:
            notes.append(_('(The attachment "%(name)s" was not kept: only images and PDF files up to %(size)s MB, '
                           '%(count)s per email, are.)', name=name, size=ATTACHMENT_MAX_BYTES // (1024 * 1024),
                           count=ATTACHMENTS_MAX))
    text = "\n\n".join([new_text(_body_text(message))[:TEXT_MAX], *notes]).strip()
    return InboundMail(token=token, mail_id=mail_id[:300], from_address=from_address[:254],
                       text=text or _("(No text.)"), attachments=kept, support_slug=support_slug,
                       subject=str(message.get("Subject") or "")[:SUBJECT_MAX])


def claim_key(mail_id):
    """The processed-events id of a Message-ID (any length, made 36 characters)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "mail:" + mail_id))


def receive(session, inbox, outbox, blobs, mail):
    """Store ``mail``'s attachments and publish its INBOUND_TICKET_MAIL, once per Message-ID.

    Return "accepted", or "duplicate" for a Message-ID already published. The caller commits.
    """
    key = claim_key(mail.mail_id)
    if inbox.seen(session, CONSUMER, key):
        return "duplicate"
    attachments = [{"blob_id": blobs.put(item.data, item.content_type), "filename": item.filename,
                    "content_type": item.content_type, "size": len(item.data)} for item in mail.attachments]
    try:
        with session.begin_nested():
            inbox.claim(session, CONSUMER, key)
    except IntegrityError:  # the same mail, received at the same moment by another worker
        return "duplicate"
    outbox.add(session, INBOUND_TICKET_MAIL, {
        "reply_token": mail.token, "from_address": mail.from_address, "text": mail.text,
        "attachments": attachments, "mail_id": mail.mail_id}, tenantless=True)
    return "accepted"
