"""Template filters every page may use: amounts of money, days and moments, in the page's language."""
from datetime import datetime, timezone
from functools import lru_cache

from babel.dates import format_date, format_time
from flask import Blueprint

from shared.i18n import locale_of
from shared.money import current_currency, format_money

blueprint = Blueprint("filters", __name__)


@blueprint.app_template_filter("money")
def money(cents):
    """Show integer cents as money in the business's currency and the page's locale: 123456 -> "$1,234.56"."""
    return _money_text(int(cents or 0), current_currency.get(), locale_of())


@lru_cache(maxsize=4096)
def _money_text(cents, currency, locale):
    # Formatting in the locale is ~50 us an amount; a page shows a handful, mostly the same from page to page.
    return format_money(cents, currency, locale)


@blueprint.app_template_filter("dollars")
def dollars(cents):
    """Show integer cents as an input's value: 1250 -> "12.50"."""
    return "" if cents is None else format_money(cents, for_input=True)


@blueprint.app_template_filter("day")
def day(iso_text):
    """Show an ISO date or timestamp as a day people read: "Jun 5, 2025", "5 jun 2025"."""
    try:
        moment = datetime.fromisoformat(str(iso_text))
    except ValueError:
        return iso_text
    return _day_text(moment.date(), locale_of())


@lru_cache(maxsize=4096)
def _day_text(day_, locale):
    return format_date(day_, "medium", locale=locale)


@blueprint.app_template_filter("when")
def when(value):
    """Show an ISO timestamp as a day and time people read, "Nov 23, 2026, 3:42 PM UTC"; anything else as it is."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    aware = moment.utcoffset() is not None
    return _moment_text(moment.astimezone(timezone.utc) if aware else moment, aware, locale_of())


@lru_cache(maxsize=4096)
def _moment_text(moment, aware, locale):
    text = f"{_day_text(moment.date(), locale)}, {format_time(moment, 'short', locale=locale)}"
    return f"{text} UTC" if aware else text
