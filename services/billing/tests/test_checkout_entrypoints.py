"""The client's checkout through billing's entrypoints, in-process on a real database: limits, partial payments,
credit, replayed keys, and the rights and settings a payment needs."""
import pytest

from shared.events import TENANT_PROFILE_UPDATED
from shared.errors import (Conflict, IdempotencyMismatch, InvalidInput, NotFound, PaymentDeclined,
                           PermissionDenied)

VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
BANK = {"token": "tok_bank_6789", "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None,
        "exp_year": None}


def pay(business, key, request, **client):
    return business.client(**client).pay_invoices(key, request)


def unpaid(business):
    return {row["number"]: row["balance"] for row in business.client().my_invoices({"status": "unpaid"})["items"]}


# --- limits: warn and confirm, or block ---------------------------------------------------------------

def test_over_the_card_limit_the_client_is_warned_and_pays_once_confirmed(business, processor):
    business.settings(card_max_payment=10_000)
    invoice = business.invoice(15_000)
    card = business.client().add_payment_method(VISA)
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": card["id"]}

    quote = business.client().quote_payment(request)
    with pytest.raises(InvalidInput) as unconfirmed:
        pay(business, "limit-0001", request)
    paid = pay(business, "limit-0002", {**request, "confirm_over_limit": True})

    assert (quote["charge_amount"], quote["over_limit"], quote["blocked"]) == (15_000, True, False)
    assert "$100.00 limit" in quote["message"] and "bank account (ACH)" in quote["message"]
    assert list(unconfirmed.value.fields) == ["confirm_over_limit"]
    assert paid["payment"]["amount"] == 15_000 and unpaid(business) == {}
    assert [amount for _, amount in processor.charged] == [15_000]
    assert processor.off_session == [False]  # the client is there to answer their bank


def test_a_business_that_blocks_over_the_limit_refuses_even_a_confirmed_payment(business, processor):
    business.settings(card_max_payment=10_000, over_limit_action="block")
    invoice = business.invoice(15_000)
    card = business.client().add_payment_method(VISA)
    request = {"invoice_ids": [invoice["id"]], "payment_method_id": card["id"], "confirm_over_limit": True}

    quote = business.client().quote_payment(request)
    with pytest.raises(InvalidInput) as refused:
        pay(business, "block-0001", request)

    assert quote["blocked"] is True and "contact us" in quote["message"]
    assert list(refused.value.fields) == ["amount"]
    assert processor.charged == [] and unpaid(business) == {invoice["number"]: 15_000}
    bank = business.client().add_payment_method(BANK)  # no ACH limit: the same invoice is paid by bank
    assert pay(business, "block-0002", {**request, "payment_method_id": bank["id"]})["payment"]["amount"] == 15_000


def test_the_ach_limit_applies_to_bank_accounts_and_the_prepayment_too(business):
    business.settings(ach_max_payment=5_000, prepayments_enabled=True)
    bank = business.client().add_payment_method(BANK)
    with pytest.raises(InvalidInput) as refused:
        business.client().make_prepayment("prepay-0001", {"amount": 6_000, "payment_method_id": bank["id"]})
    assert list(refused.value.fields) == ["confirm_over_limit"] and "bank (ACH)" in refused.value.message
    made = business.client().make_prepayment("prepay-0002", {"amount": 6_000, "payment_method_id": bank["id"],
                                                             "confirm_over_limit": True})
    assert made["payment"]["unapplied"] == 6_000


def test_a_quote_without_limits_is_not_over(business):
    invoice = business.invoice(99_999)
    assert business.client().quote_payment({"invoice_ids": [invoice["id"]], "new_method": VISA}) == {
        "charge_amount": 99_999, "credit_used": 0, "over_limit": False, "blocked": False, "message": None}


# --- partial payments and credit ----------------------------------------------------------------------

def test_a_partial_payment_of_one_invoice_when_the_business_allows_it(business):
    first, second = business.invoice(10_000), business.invoice(2_000)
    request = {"invoice_ids": [first["id"]], "new_method": VISA, "amount": 4_000}
    with pytest.raises(InvalidInput) as refused:
        pay(business, "partial-0001", request)
    assert refused.value.fields == {"amount": ["Pay the full balance of the selected invoices."]}

    business.settings(allow_partial_payments=True)
    with pytest.raises(InvalidInput) as two:
        pay(business, "partial-0002", {**request, "invoice_ids": [first["id"], second["id"]], "amount": 11_000})
    assert "one invoice at a time" in two.value.fields["amount"][0]
    paid = pay(business, "partial-0003", request)

    assert [(row["number"], row["balance"], row["status"]) for row in paid["invoices"]] == [
        (first["number"], 6_000, "open")]


def test_credit_at_checkout_pays_first_and_the_card_the_rest(business, processor):
    business.settings(prepayments_enabled=True)
    business.client().make_prepayment("credit-0001", {"amount": 5_000, "new_method": VISA})
    invoice = business.invoice(8_000)
    request = {"invoice_ids": [invoice["id"]], "credit": 5_000, "new_method": VISA}

    quote = business.client().quote_payment(request)
    paid = pay(business, "credit-0002", request)

    assert (quote["charge_amount"], quote["credit_used"]) == (3_000, 5_000)
    assert paid["payment"]["amount"] == 3_000 and paid["invoices"][0]["status"] == "paid"
    assert business.client().my_summary()["credit"] == 0
    assert [amount for _, amount in processor.charged] == [5_000, 3_000]
    with pytest.raises(InvalidInput) as too_much:
        business.client().quote_payment({**request, "invoice_ids": [business.invoice(1_000)["id"]], "credit": 1})
    assert too_much.value.fields == {"credit": ["That is more credit than is available."]}


def test_credit_alone_pays_an_invoice_without_a_card(business, processor):
    business.settings(prepayments_enabled=True)
    business.client().make_prepayment("credit-0003", {"amount": 5_000, "new_method": VISA})
    invoice = business.invoice(2_000)

    paid = pay(business, "credit-0004", {"invoice_ids": [invoice["id"]], "credit": 2_000})

    assert (paid["payment"]["amount"], paid["payment"]["method"]) == (0, "Account credit")
    assert business.client().my_summary()["credit"] == 3_000 and len(processor.charged) == 1
    # A card sent along is not needed, nor kept, when credit pays it all.
    other = business.invoice(1_000)
    paid = pay(business, "credit-0007", {"invoice_ids": [other["id"]], "credit": 1_000, "new_method": VISA})
    assert paid["payment"]["amount"] == 0 and len(business.client().my_payment_methods()) == 1


def test_a_business_without_credit_at_checkout_refuses_it(business):
    business.settings(prepayments_enabled=True, allow_credit_at_checkout=False)
    business.client().make_prepayment("credit-0005", {"amount": 5_000, "new_method": VISA})
    invoice = business.invoice(8_000)
    with pytest.raises(InvalidInput) as refused:
        pay(business, "credit-0006", {"invoice_ids": [invoice["id"]], "credit": 1_000, "new_method": VISA})
    assert list(refused.value.fields) == ["credit"]


# --- one key, one charge, one answer ------------------------------------------------------------------

def test_a_retry_with_the_same_key_replays_the_first_answer_and_charges_once(business, processor):
    first, second = business.invoice(10_000), business.invoice(2_000)
    request = {"invoice_ids": [first["id"], second["id"]], "new_method": VISA}

    answer = pay(business, "replay-0001", request)

    assert pay(business, "replay-0001", request) == answer
    assert processor.charged == [(f"{business.tenant_id}:replay-0001", 12_000)]
    with pytest.raises(IdempotencyMismatch):
        pay(business, "replay-0001", {**request, "invoice_ids": [first["id"]]})


def test_a_decline_is_the_keys_answer_and_changes_nothing(business, processor):
    invoice = business.invoice(4_000)
    request = {"invoice_ids": [invoice["id"]], "new_method": VISA, "save_method": True}
    processor.status = "insufficient_funds"
    with pytest.raises(PaymentDeclined, match="insufficient funds") as declined:
        pay(business, "decline-0001", request)
    processor.status = "succeeded"
    with pytest.raises(PaymentDeclined) as replayed:
        pay(business, "decline-0001", request)

    assert (replayed.value.message, replayed.value.fields) == (declined.value.message, declined.value.fields)
    assert unpaid(business) == {invoice["number"]: 4_000}
    assert business.client().my_payment_methods() == []  # a card just declined is not kept
    assert [event_type for event_type, _ in business.events() if event_type != "audit_fact"] == ["payment_failed"]
    assert [data["action"] for _, data in business.events("audit_fact")] == ["invoice_created", "payment_failed"]
    assert pay(business, "decline-0002", request)["payment"]["amount"] == 4_000


@pytest.mark.parametrize("key", [None, "short", "x" * 201, "line\nbreak"])
def test_moving_money_needs_a_proper_idempotency_key(business, key):
    invoice = business.invoice(3_000)
    with pytest.raises(InvalidInput) as refused:
        pay(business, key, {"invoice_ids": [invoice["id"]], "new_method": VISA})
    assert list(refused.value.fields) == ["Idempotency-Key"]


def test_paying_invoices_already_paid_is_a_conflict_naming_a_void_one(business):
    paid, voided = business.invoice(1_500), business.invoice(2_500)
    pay(business, "twice-0001", {"invoice_ids": [paid["id"]], "new_method": VISA})
    business.staff().void_invoice(voided["id"], "Sent twice")

    with pytest.raises(Conflict, match="already paid"):
        pay(business, "twice-0002", {"invoice_ids": [paid["id"]], "new_method": VISA})
    with pytest.raises(Conflict, match=f"#{voided['number']} was voided"):
        pay(business, "twice-0003", {"invoice_ids": [voided["id"]], "new_method": VISA})


# --- whose account, which rights -----------------------------------------------------------------------

def test_another_accounts_invoice_is_not_found_and_a_viewer_cannot_pay(business, processor):
    invoice = business.invoice(9_000)
    request = {"invoice_ids": [invoice["id"]], "new_method": VISA}
    with pytest.raises(NotFound):
        pay(business, "other-0001", request, account_id=43)
    with pytest.raises(NotFound):
        business.client(account_id=43).quote_payment(request)
    with pytest.raises(PermissionDenied):
        pay(business, "viewer-0001", request, rights="view")
    with pytest.raises(PermissionDenied):
        business.staff().pay_invoices("staff-0001", request)
    assert processor.charged == [] and unpaid(business) == {invoice["number"]: 9_000}


def test_a_business_is_charged_in_its_own_currency(business, processor):
    business.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": business.tenant_id, "slug": "verde",
                                              "display_name": "Jardín Verde", "currency": "EUR"})
    invoice = business.invoice(4_000)
    card = business.client().add_payment_method(VISA)
    pay(business, "euros-0001", {"invoice_ids": [invoice["id"]], "payment_method_id": card["id"]})
    assert processor.currencies == ["eur"]
