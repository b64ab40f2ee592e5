"""Money rules: allocating a payment to invoices and checking a payment against the tenant's limits.

Amounts are integer minor units (cents) everywhere; nothing here ever sees a float.
"""
from dataclasses import dataclass

from shared.errors import invalid
from shared.i18n import _
from shared.money import format_money


def allocate(amount, dues):
    """Spread ``amount`` over ``dues`` (``[(invoice_id, due), ...]``) in order.

    Return ``(allocations, remainder)``: each allocation is ``(invoice_id, applied)`` with
    ``0 < applied <= due``; the remainder is what no invoice needed.
    """
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValueError("amount must be a non-negative integer of minor units")
    allocations = []
    left = amount
    for invoice_id, due in dues:
        if not isinstance(due, int) or due < 0:
            raise ValueError("dues must be non-negative integers of minor units")
        applied = min(left, due)
        if applied:
            allocations.append((invoice_id, applied))
            left -= applied
    return allocations, left


@dataclass(frozen=True)
class PaymentPlan:
    """What one checkout does: credit applied first, then one charge for the rest."""

    credit_allocations: tuple
    charge_allocations: tuple
    credit_used: int
    charge_amount: int


def plan_payment(dues, amount, credit, available_credit, partial_allowed, credit_allowed):
    """Decide how a checkout of ``dues`` is paid; raise InvalidInput when it cannot be.

    ``amount`` is what the client pays in total (credit included); paying less than the
    total due is a partial payment, allowed for a single invoice when the tenant enables it.
    """
    total_due = sum(due for _, due in dues)
    if not dues:
        raise invalid("invoice_ids", _("Choose at least one unpaid invoice."))
    if amount is None:
        amount = total_due
    if amount <= 0:
        raise invalid("amount", _("Enter an amount above zero."))
    if amount > total_due:
        raise invalid("amount", _("That is more than the selected invoices' balance."))
    if amount < total_due and not (partial_allowed and len(dues) == 1):
        raise invalid("amount", _("Pay the full balance of the selected invoices.")
                      if not partial_allowed else _("Partial payment is possible for one invoice at a time."))
    if credit and not credit_allowed:
        raise invalid("credit", _("Applying credit at checkout is not available."))
    if credit < 0 or credit > available_credit:
        raise invalid("credit", _("That is more credit than is available."))
    if credit > amount:
        raise invalid("credit", _("That is more credit than the amount being paid."))
    credit_allocations, __ = allocate(credit, dues)
    remaining = dict(dues)
    for invoice_id, applied in credit_allocations:
        remaining[invoice_id] -= applied
    charge = amount - credit
    charge_allocations, left = allocate(charge, [(invoice_id, remaining[invoice_id]) for invoice_id, _ in dues])
    assert left == 0
    return PaymentPlan(tuple(credit_allocations), tuple(charge_allocations), credit, charge)


@dataclass(frozen=True)
class LimitCheck:
    over_limit: bool
    blocked: bool
    message: str | None


def check_limit(method_kind, charge_amount, settings, ach_available):
    """Compare a charge with the tenant's maximum for the method (0 means no limit)."""
    limit = settings["card_max_payment"] if method_kind == "card" else settings["ach_max_payment"]
    if not limit or charge_amount <= limit:
        return LimitCheck(False, False, None)
    blocked = settings["over_limit_action"] == "block"
    amounts = {"amount": format_money(charge_amount),
               "limit": format_money(limit)}
    if method_kind == "card":
        message = _("This card payment of %(amount)s is above the %(limit)s limit for card payments.", **amounts)
    else:
        message = _("This bank (ACH) payment of %(amount)s is above the %(limit)s limit for bank (ACH) payments.",
                    **amounts)
    if method_kind == "card" and ach_available:
        message += " " + _("You can pay by bank account (ACH) instead.")
    if blocked:
        message += " " + _("Please contact us to pay this amount.")
    return LimitCheck(True, blocked, message)


def enforce_limit(method_kind, charge_amount, settings, confirmed):
    """Refuse a charge over the tenant's limit when the tenant blocks it or the client has not confirmed it."""
    limit = check_limit(method_kind, charge_amount, settings, ach_available=True)
    if limit.blocked:
        raise invalid("amount", limit.message)
    if limit.over_limit and not confirmed:
        raise invalid("confirm_over_limit", limit.message + " " + _("Confirm to pay anyway."))
