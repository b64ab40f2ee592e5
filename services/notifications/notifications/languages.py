"""The language each message goes out in: its recipient's.

A client account's language is the one accounts said it chose (ACCOUNT_SAVED's ``language``, kept by names.py);
an account without one, and the business's staff, read the business's default (``tenant_profile_updated``'s
``default_language``, kept by tenants.py). A message is rendered inside ``speaking_to(language)``: gettext looks
up notifications' catalogue in that language, and money and dates are formatted in its locale
(``shared.i18n.locale_of``), amounts in the business's currency (``tenant_profile_updated``'s ``currency``).
"""
import contextlib

from notifications.models import AccountName, TenantBranding
from shared.i18n import DEFAULT_LANGUAGE, catalogue_of, known_language, speaking
from shared.money import DEFAULT_CURRENCY, current_currency

catalogue = catalogue_of("notifications")


@contextlib.contextmanager
def speaking_to(language, currency=DEFAULT_CURRENCY):
    """Do the work inside in ``language`` with notifications' catalogue (a worker has it already; a test or a
    background loop may not), showing amounts in the business's ``currency``."""
    token = current_currency.set(currency)
    try:
        with speaking(language, catalogue):
            yield
    finally:
        current_currency.reset(token)


def business_currency(session, tenant_id):
    """The currency of the business's amounts."""
    row = session.get(TenantBranding, tenant_id)
    return row.currency if row is not None and row.currency else DEFAULT_CURRENCY


def business_language(session, tenant_id):
    """The business's default language: what its staff, and clients who chose none, read."""
    row = session.get(TenantBranding, tenant_id)
    return known_language(row.default_language if row is not None else None, DEFAULT_LANGUAGE)


def account_language(session, tenant_id, account_id):
    """The language the client account chose, else the business's default."""
    row = session.get(AccountName, (tenant_id, account_id)) if isinstance(account_id, int) else None
    return known_language(row.language if row is not None else None) or business_language(session, tenant_id)


def to_business(session, tenant_id):
    """Speak the business's default language: alerts and emails to its staff."""
    return speaking_to(business_language(session, tenant_id), business_currency(session, tenant_id))


def to_account(session, tenant_id, account_id):
    """Speak the client account's language (the business's default when it chose none)."""
    return speaking_to(account_language(session, tenant_id, account_id), business_currency(session, tenant_id))


def to_portal_user(session, event):
    """Speak a portal user's language in a sign-in message: the account's when the event names one, else the
    business's default."""
    account_id = (event.get("data") or {}).get("account_id")
    if isinstance(account_id, int) and not isinstance(account_id, bool):
        return to_account(session, event["tenant_id"], account_id)
    return to_business(session, event["tenant_id"])
