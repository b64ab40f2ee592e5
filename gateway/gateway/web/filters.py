"""Template filters every page may use: amounts of money, days and moments."""
from datetime import datetime
from functools import lru_cache

from flask import Blueprint

from shared.money import format_money

blueprint = Blueprint("filters", __name__)


@blueprint.app_template_filter("money")
def money(cents):
    """Show integer cents as money: 123456 -> "$1,234.56"."""
    return _money_text(int(cents or 0))


@lru_cache(maxsize=4096)
def _money_text(cents):
    # Formatting in the locale is ~50 us an amount; a page shows a handful, mostly the same from page to page.
    return format_money(cents)


@blueprint.app_template_filter("dollars")
def dollars(cents):
    """Show integer cents as an input's value: 1250 -> "12.50"."""
    return "" if cents is None else format_money(cents, for_input=True)


@blueprint.app_template_filter("day")
def day(iso_text):
    """Show an ISO date or timestamp as a day people read: "Jun 5, 2025"."""
    try:
        moment = datetime.fromisoformat(str(iso_text))
    except ValueError:
        return iso_text
    return f"{moment:%b} {moment.day}, {moment.year}"


@blueprint.app_template_filter("when")
def when(value):
    """Show an ISO timestamp as ``2026-11-23 15:42 UTC``; anything else as it is."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.utcoffset() is not None else "")
