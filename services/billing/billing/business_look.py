"""What billing's PDFs show of the business beside its name: its brand colour and its logo; the language a PDF
made without a caller (an event handler's, a timer's) is written in, the business's default; the currency its
charges are in; and its name, which a bank debit's mandate gives.

Billing keeps its own copy from accounts' ``tenant_profile_updated`` events, as notifications does for its
emails. Profile events may be handled out of order (several workers, retries): an older one never undoes a newer.
"""
from dataclasses import dataclass

from billing.models import BusinessLook
from shared.clock import as_utc
from shared.fields import stored_colour
from shared.i18n import DEFAULT_LANGUAGE, known_language
from shared.money import CURRENCIES, DEFAULT_CURRENCY


@dataclass(frozen=True)
class Look:
    brand_colour: str | None = None  # #rrggbb
    logo_blob_id: str | None = None

    @property
    def fingerprint(self):
        """What of the look a PDF is drawn from: a new colour or logo renders the PDFs again."""
        return [self.brand_colour, self.logo_blob_id]


def save_look(session, profile, profile_at):
    """Keep the look of ``profile`` (the event's payload) as of ``profile_at``, unless a newer one is kept."""
    row = session.get(BusinessLook, profile["tenant_id"])
    if row is not None and as_utc(row.updated_at) > profile_at:
        return
    row = row or BusinessLook(tenant_id=profile["tenant_id"])
    row.brand_colour = stored_colour(profile.get("brand_colour"))
    row.logo_blob_id = profile.get("logo_blob_id") if profile.get("has_logo") else None
    row.default_language = known_language(profile.get("default_language"), DEFAULT_LANGUAGE)
    row.currency = profile.get("currency") if profile.get("currency") in CURRENCIES else DEFAULT_CURRENCY
    row.display_name = str(profile.get("display_name") or "")[:200] or None
    row.updated_at = profile_at
    session.add(row)


def look_of(session, tenant_id):
    """The business's look, or the plain one before its profile arrived."""
    row = session.get(BusinessLook, tenant_id)
    return Look(row.brand_colour, row.logo_blob_id) if row is not None else Look()


def language_of(session, tenant_id):
    """The business's default language (shared.i18n.LANGUAGES): what a PDF made without a caller is written in.
    English before its profile arrived."""
    row = session.get(BusinessLook, tenant_id)
    return known_language(row.default_language if row is not None else None, DEFAULT_LANGUAGE)


def name_of(session, tenant_id):
    """The business's name, or None before its profile arrived."""
    row = session.get(BusinessLook, tenant_id)
    return row.display_name if row is not None else None


def currency_of(session, tenant_id):
    """The business's currency (fixed when it was made): what its charges are in. USD before its profile arrived."""
    row = session.get(BusinessLook, tenant_id)
    return row.currency if row is not None and row.currency else DEFAULT_CURRENCY
