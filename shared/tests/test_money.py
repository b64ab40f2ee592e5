"""Money shown and typed by people, in minor units underneath."""
import pytest
from hypothesis import given, strategies as st

from shared.money import MAX_MINOR_UNITS, format_money, parse_money


@pytest.mark.parametrize(("minor_units", "currency", "locale", "shown"), [
    (123456, "USD", "en_US", "$1,234.56"),
    (-500, "USD", "en_US", "-$5.00"),
    (0, "USD", "en_US", "$0.00"),
    (123456, "EUR", "es_ES", "1.234,56\xa0€"),
    (1234, "JPY", "en_US", "¥1,234"),
])
def test_amounts_are_shown_in_the_currency_and_locale(minor_units, currency, locale, shown):
    assert format_money(minor_units, currency, locale) == shown


def test_an_input_shows_the_plain_amount():
    assert format_money(1250, for_input=True) == "12.50"
    assert format_money(123456, "EUR", "es_ES", for_input=True) == "1234,56"
    assert format_money(1234, "JPY", for_input=True) == "1234"


@pytest.mark.parametrize(("typed", "minor_units"), [
    ("12.50", 1250), ("$1,234", 123400), (".5", 50), ("12.", 1200), (" 7 ", 700), ("1,234,567.89", 123456789),
    ("0", 0),
])
def test_typed_amounts_become_minor_units(typed, minor_units):
    assert parse_money(typed) == minor_units


def test_the_locale_decides_the_separators():
    assert parse_money("1.234,5", "EUR", "es_ES") == 123450
    assert parse_money("1234", "JPY") == 1234


@pytest.mark.parametrize(("typed", "message"), [
    ("-3", "zero or more"), ("12.345", "at most 2 decimal places"), ("twelve", "Enter an amount, such as 12.50"),
    ("", "Enter an amount"), ("1,23", "Enter an amount"), ("10000000001", r"Enter at most \$10,000,000,000\.00"),
    ("1" * 40, "Enter an amount"), ("١٢", "Enter an amount"),
])
def test_what_is_not_an_amount_says_why(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_money(typed)


def test_a_currency_without_minor_units_takes_whole_amounts():
    with pytest.raises(ValueError, match="whole amount"):
        parse_money("12.5", "JPY")


@given(st.integers(min_value=0, max_value=MAX_MINOR_UNITS))
def test_what_is_shown_reads_back_as_the_same_amount(minor_units):
    assert parse_money(format_money(minor_units)) == minor_units
    assert parse_money(format_money(minor_units, for_input=True)) == minor_units
