"""Card and bank account rules: validation, brand, and the test behaviour each number triggers.

Nothing here keeps a number: ``tokenize_card`` and ``tokenize_bank`` return only what the
processor may store (kind, brand, last 4, expiry, behaviour).
"""
import datetime
from dataclasses import dataclass

from sandbox_processor.errors import InvalidRequest

APPROVE = "approve"
DECLINE = "decline"
INSUFFICIENT_FUNDS = "insufficient_funds"
PROCESSING_ERROR = "processing_error"

CARD_BEHAVIOURS = {
    "4000000000000002": DECLINE,
    "4000000000009995": INSUFFICIENT_FUNDS,
    "4000000000000119": PROCESSING_ERROR,
}
TEST_ROUTING_NUMBER = "110000000"
BANK_BEHAVIOURS = {
    "000111111113": INSUFFICIENT_FUNDS,
    "000111111116": DECLINE,
}

# (kind, behaviour) -> (charge status, message shown to the payer)
OUTCOMES = {
    ("card", APPROVE): ("succeeded", "The charge succeeded."),
    ("card", DECLINE): ("declined", "Your card was declined."),
    ("card", INSUFFICIENT_FUNDS): ("insufficient_funds", "Your card has insufficient funds."),
    ("card", PROCESSING_ERROR): (
        "failed", "An error occurred while processing your card. Try again in a little bit."),
    ("ach", APPROVE): ("succeeded", "The charge succeeded."),
    ("ach", DECLINE): ("declined", "The bank declined the debit from this account."),
    ("ach", INSUFFICIENT_FUNDS): ("insufficient_funds", "The bank account has insufficient funds."),
}

# Longest prefixes first, so "34" wins over "3".
BRAND_PREFIXES = sorted([
    ("4", "visa"),
    *((str(p), "mastercard") for p in range(51, 56)),
    *((str(p), "mastercard") for p in range(2221, 2721)),
    ("34", "amex"), ("37", "amex"),
    ("6011", "discover"), ("65", "discover"), *((str(p), "discover") for p in range(644, 650)),
    *((str(p), "diners") for p in range(300, 306)), ("36", "diners"), ("38", "diners"),
    *((str(p), "jcb") for p in range(3528, 3590)),
    ("62", "unionpay"),
], key=lambda item: -len(item[0]))


@dataclass(frozen=True)
class Instrument:
    """What the processor keeps about a card or bank account: never its number."""

    kind: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    behaviour: str


def luhn_valid(digits):
    """Return whether ``digits`` passes the Luhn check every card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def aba_valid(routing):
    """Return whether a 9-digit US routing number passes its ABA checksum."""
    weights = (3, 7, 1) * 3
    return sum(int(char) * weight for char, weight in zip(routing, weights)) % 10 == 0


def card_brand(digits):
    """Return the card network a number belongs to, or "unknown"."""
    for prefix, brand in BRAND_PREFIXES:
        if digits.startswith(prefix):
            return brand
    return "unknown"


def tokenize_card(data, today=None):
    """Validate a card and return what may be stored about it; raise InvalidRequest per field."""
    today = today or datetime.date.today()
    errors = {}
    number = _digits(data.get("number"), "number", "Enter the card number.", errors,
                     separators=" -")
    if number is not None:
        if not 13 <= len(number) <= 19:
            errors["number"] = ["The card number must have 13 to 19 digits."]
        elif not luhn_valid(number):
            errors["number"] = ["The card number is not valid. Check it and try again."]

    exp_month, exp_year = data.get("exp_month"), data.get("exp_year")
    if _blank(exp_month) and _blank(exp_year) and not _blank(data.get("exp")):
        exp_month, exp_year = _split_expiry(data.get("exp"))
    month = _integer(exp_month, "exp_month", "Enter the expiry month.", errors)
    if month is not None and not 1 <= month <= 12:
        errors["exp_month"] = ["The expiry month must be from 1 to 12."]
    year = _integer(exp_year, "exp_year", "Enter the expiry year.", errors)
    if year is not None:
        year = year + 2000 if year < 100 else year
        if year < today.year:
            errors["exp_year"] = ["This card has expired."]
        elif year > today.year + 25:
            errors["exp_year"] = ["The expiry year is too far in the future."]
        elif year == today.year and "exp_month" not in errors and month is not None \
                and month < today.month:
            errors["exp_month"] = ["This card has expired."]

    cvc = _digits(data.get("cvc"), "cvc", "Enter the security code.", errors)
    if cvc is not None and not 3 <= len(cvc) <= 4:
        errors["cvc"] = ["The security code must have 3 or 4 digits."]

    name = data.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        errors["name"] = ["The name on the card must be text of at most 200 characters."]

    if errors:
        raise InvalidRequest("Some card details are not valid.", errors)
    return Instrument("card", card_brand(number), number[-4:], month, year,
                      CARD_BEHAVIOURS.get(number, APPROVE))


def tokenize_bank(data):
    """Validate a US bank account and return what may be stored about it; raise InvalidRequest."""
    errors = {}
    routing = _digits(data.get("routing_number"), "routing_number", "Enter the routing number.",
                      errors, separators=" ")
    if routing is not None:
        if len(routing) != 9:
            errors["routing_number"] = ["The routing number must have 9 digits."]
        elif not aba_valid(routing):
            errors["routing_number"] = ["The routing number is not valid. Check it and try again."]
    account = _digits(data.get("account_number"), "account_number", "Enter the account number.",
                      errors, separators=" ")
    if account is not None and not 4 <= len(account) <= 17:
        errors["account_number"] = ["The account number must have 4 to 17 digits."]
    holder = data.get("account_holder")
    if not isinstance(holder, str) or not holder.strip():
        errors["account_holder"] = ["Enter the account holder's name."]
    elif len(holder) > 200:
        errors["account_holder"] = ["The account holder's name must be at most 200 characters."]

    if errors:
        raise InvalidRequest("Some bank account details are not valid.", errors)
    behaviour = BANK_BEHAVIOURS.get(account, APPROVE) if routing == TEST_ROUTING_NUMBER else APPROVE
    return Instrument("ach", "bank", account[-4:], None, None, behaviour)


def outcome(kind, behaviour):
    """Return the (status, message) a charge on an instrument with this behaviour ends in."""
    return OUTCOMES[(kind, behaviour)]


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _digits(value, field, missing, errors, separators=""):
    """Return ``value`` as a string of digits (separators removed), or record why it is not."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if _blank(value):
        errors[field] = [missing]
        return None
    if not isinstance(value, str):
        errors[field] = ["Use digits only."]
        return None
    cleaned = value.strip()
    for separator in separators:
        cleaned = cleaned.replace(separator, "")
    if not cleaned.isascii() or not cleaned.isdigit():
        errors[field] = ["Use digits only."]
        return None
    return cleaned


def _integer(value, field, missing, errors):
    """Return ``value`` as an int (a JSON integer or a string of digits), or record why not."""
    if isinstance(value, bool):
        errors[field] = ["Use a whole number."]
        return None
    if isinstance(value, int):
        return value
    if _blank(value):
        errors[field] = [missing]
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and len(value.strip()) <= 4:
        return int(value.strip())
    errors[field] = ["Use a whole number."]
    return None


def _split_expiry(value):
    """Split an expiry typed as "MM/YY", "MM / YYYY" or "MMYY" into month and year strings."""
    text = str(value).strip()
    parts = [part for part in "".join(c if c.isdigit() else " " for c in text).split() if part]
    if len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) == 1 and len(parts[0]) in (4, 6):
        return parts[0][:2], parts[0][2:]
    return text, None
