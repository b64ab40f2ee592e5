"""Property tests of allocation: amounts always add up, never go negative, never become floats."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.money import allocate, check_limit, format_money, plan_payment
from shared.errors import InvalidInput

cents = st.integers(min_value=0, max_value=10 ** 9)
dues_lists = st.lists(st.tuples(st.integers(min_value=1, max_value=10 ** 6), cents), max_size=20,
                      unique_by=lambda item: item[0])


@given(amount=cents, dues=dues_lists)
def test_allocation_adds_up_and_never_overpays(amount, dues):
    allocations, remainder = allocate(amount, dues)
    assert sum(applied for _, applied in allocations) + remainder == amount
    due_by_id = dict(dues)
    for invoice_id, applied in allocations:
        assert isinstance(applied, int) and 0 < applied <= due_by_id[invoice_id]
    assert isinstance(remainder, int) and remainder >= 0
    assert remainder == max(0, amount - sum(due for _, due in dues))


@given(dues=st.lists(st.tuples(st.integers(min_value=1, max_value=10 ** 6),
                               st.integers(min_value=1, max_value=10 ** 7)),
                     min_size=1, max_size=10, unique_by=lambda item: item[0]),
       data=st.data())
def test_a_full_checkout_pays_every_invoice_exactly(dues, data):
    total = sum(due for _, due in dues)
    credit = data.draw(st.integers(min_value=0, max_value=total))
    plan = plan_payment(dues, None, credit, available_credit=credit, partial_allowed=False,
                        credit_allowed=True)
    paid = {}
    for invoice_id, applied in plan.credit_allocations + plan.charge_allocations:
        paid[invoice_id] = paid.get(invoice_id, 0) + applied
    assert paid == {invoice_id: due for invoice_id, due in dues}
    assert plan.credit_used + plan.charge_amount == total
    assert all(isinstance(value, int) and value >= 0 for value in (plan.credit_used, plan.charge_amount))


@given(due=st.integers(min_value=2, max_value=10 ** 7), data=st.data())
def test_a_partial_payment_leaves_a_positive_balance(due, data):
    amount = data.draw(st.integers(min_value=1, max_value=due - 1))
    plan = plan_payment([(1, due)], amount, 0, 0, partial_allowed=True, credit_allowed=False)
    assert plan.charge_allocations == ((1, amount),) and due - amount > 0


def test_partial_payment_needs_the_setting_and_one_invoice():
    with pytest.raises(InvalidInput):
        plan_payment([(1, 500)], 200, 0, 0, partial_allowed=False, credit_allowed=False)
    with pytest.raises(InvalidInput):
        plan_payment([(1, 500), (2, 500)], 700, 0, 0, partial_allowed=True, credit_allowed=False)


@pytest.mark.parametrize("amount", [0, -5, 1001])
def test_impossible_amounts_are_refused(amount):
    with pytest.raises(InvalidInput):
        plan_payment([(1, 1000)], amount, 0, 0, partial_allowed=True, credit_allowed=True)


def test_floats_are_refused_by_allocation():
    with pytest.raises(ValueError):
        allocate(10.5, [(1, 20)])


def test_limits_warn_or_block_and_zero_means_none():
    settings = {"card_max_payment": 50000, "ach_max_payment": 0, "over_limit_action": "warn"}
    assert not check_limit("card", 50000, settings, True).over_limit
    warning = check_limit("card", 50001, settings, True)
    assert warning.over_limit and not warning.blocked and "bank account" in warning.message
    assert not check_limit("ach", 10 ** 9, settings, True).over_limit
    assert check_limit("card", 60000, {**settings, "over_limit_action": "block"}, False).blocked


def test_money_is_shown_with_cents():
    assert format_money(123456) == "$1,234.56" and format_money(5) == "$0.05"
