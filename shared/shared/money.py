"""Money for people: amounts travel as integer minor units of the business's currency, and are shown and typed
in the locale of the language at hand.

A business keeps one currency for life (chosen when it is created): its amounts never change their meaning.
The currency of the work in hand is ``current_currency``, set where the business is known (the gateway per
request); code that knows its business passes ``currency`` itself.
"""
import contextvars
import re
from decimal import Decimal

from babel.numbers import (format_currency, get_currency_precision, get_currency_symbol, get_decimal_symbol,
                           get_group_symbol)

from shared.i18n import _, locale_of

# Ten billion in major units: beyond any invoice, and within JSON's exact integer range.
MAX_MINOR_UNITS = 10 ** 12
DEFAULT_CURRENCY = "USD"
# The currencies a business may keep: each with two minor digits, as card processors charge them.
CURRENCIES = ("USD", "CAD", "MXN", "EUR", "GBP", "AUD", "NZD")
current_currency = contextvars.ContextVar("currency", default=DEFAULT_CURRENCY)
# Longer text than this is not an amount anyone typed; it is refused before any parsing.
LONGEST_AMOUNT_TEXT = 32


def minor_digits(currency=DEFAULT_CURRENCY):
    """How many minor-unit digits ``currency`` has: 2 for USD, 0 for JPY."""
    return get_currency_precision(currency)


def _major(minor_units, currency):
    return Decimal(int(minor_units)).scaleb(-minor_digits(currency))


def format_money(minor_units, currency=None, locale=None, for_input=False):
    """Show minor units as money: ``123456`` is "$1,234.56"; ``for_input`` gives an input's value, "1234.56".

    ``currency`` defaults to the current business's, ``locale`` to the current language's."""
    currency, locale = currency or current_currency.get(), locale or locale_of()
    minor_units = int(minor_units or 0)
    if for_input:
        digits = minor_digits(currency)
        whole, part = divmod(abs(minor_units), 10 ** digits)
        fraction = f"{get_decimal_symbol(locale)}{part:0{digits}d}" if digits else ""
        return f"{'-' if minor_units < 0 else ''}{whole}{fraction}"
    return format_currency(_major(minor_units, currency), currency, locale=locale)


def parse_money(text, currency=None, locale=None):
    """Read typed money ("12.50", "$1,234", ".5") as minor units; raise ValueError saying what is wrong."""
    currency, locale = currency or current_currency.get(), locale or locale_of()
    digits = minor_digits(currency)
    example = format_money(1250 * 10 ** max(digits - 2, 0), currency, locale, for_input=True)
    cleaned = _without_symbol(str(text).strip(), currency, locale)
    if cleaned.startswith("-"):
        raise ValueError(_("Enter an amount of zero or more."))
    found = _amount_pattern(locale).fullmatch(cleaned) if len(cleaned) <= LONGEST_AMOUNT_TEXT else None
    if found is None or not (found["whole"] or found["part"]):
        raise ValueError(_("Enter an amount, such as %(example)s.", example=example))
    part = found["part"] or ""
    if len(part) > digits:
        raise ValueError(_("Use at most %(digits)s decimal places, such as %(example)s.", digits=digits,
                           example=example) if digits
                         else _("Enter a whole amount, such as %(example)s.", example=example))
    whole = int(found["whole"].replace(get_group_symbol(locale), "") or 0)
    minor_units = whole * 10 ** digits + int(part.ljust(digits, "0") or 0)
    if minor_units > MAX_MINOR_UNITS:
        raise ValueError(_("Enter at most %(amount)s.", amount=format_money(MAX_MINOR_UNITS, currency, locale)))
    return minor_units


def _without_symbol(text, currency, locale):
    for symbol in (currency, get_currency_symbol(currency, locale), "$", "€", "£", "¥"):
        if text.startswith(symbol) or text.endswith(symbol):
            return text.removeprefix(symbol).removesuffix(symbol).strip()
    return text


def _amount_pattern(locale):
    group, decimal = re.escape(get_group_symbol(locale)), re.escape(get_decimal_symbol(locale))
    # Grouped thousands ("1,234,567") or plain digits; the fraction may be left empty ("12.").
    return re.compile(rf"(?P<whole>[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]*)(?:{decimal}(?P<part>[0-9]*))?")
