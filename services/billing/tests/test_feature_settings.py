"""Each setting of the Billing tab, switched off, takes its feature away from clients, and nothing is charged."""
import pytest

from shared.errors import InvalidInput, PermissionDenied

VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
BANK = {"token": "tok_bank_6789", "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None,
        "exp_year": None}
ALLOWED, REFUSED = 42, 43


def use_show_invoices(business, client):
    invoice = business.invoice(1_000, account_id=client.ctx.claims.account_id)
    return [client.my_invoices, lambda: client.my_invoice_pdf(invoice["id"], "Green Acres Lawn Care")]


def use_online_payments(business, client):
    invoice = business.invoice(1_000, account_id=client.ctx.claims.account_id)
    request = {"invoice_ids": [invoice["id"]], "new_method": VISA}
    return [lambda: client.quote_payment(request), lambda: client.pay_invoices(f"payment-{invoice['id']}", request)]


def use_partial_payments(business, client):
    invoice = business.invoice(10_000, account_id=client.ctx.claims.account_id)
    return [lambda: client.pay_invoices(f"partial-{invoice['id']}", {
        "invoice_ids": [invoice["id"]], "new_method": VISA, "amount": 4_000})]


def use_credit_at_checkout(business, client):
    invoice = business.invoice(10_000, account_id=client.ctx.claims.account_id)
    return [lambda: client.pay_invoices(f"credit-{invoice['id']}", {
        "invoice_ids": [invoice["id"]], "new_method": VISA, "credit": 3_000})]


def changes_of(details):
    def use(business, client):
        first, second = client.add_payment_method(details), client.add_payment_method(details)
        return [lambda: client.replace_payment_method(first["id"], details),
                lambda: client.remove_payment_method(second["id"])]
    return use


def use_autopay(business, client):
    method = client.add_payment_method(VISA)
    return [lambda: client.enroll_autopay(method["id"], True)]


def use_prepayments(business, client):
    return [lambda: client.make_prepayment(f"prepay-{client.ctx.claims.account_id}",
                                           {"amount": 2_500, "new_method": VISA})]


def use_billing_history(business, client):
    return [client.my_history]


SETTINGS = {
    # setting: (what uses it, what is raised when it is off, the field named then)
    "show_invoices": (use_show_invoices, PermissionDenied, None),
    "online_payments_enabled": (use_online_payments, PermissionDenied, None),
    "allow_partial_payments": (use_partial_payments, InvalidInput, "amount"),
    "allow_credit_at_checkout": (use_credit_at_checkout, InvalidInput, "credit"),
    "allow_card_changes": (changes_of(VISA), PermissionDenied, None),
    "allow_bank_account_changes": (changes_of(BANK), PermissionDenied, None),
    "autopay_enabled": (use_autopay, PermissionDenied, None),
    "prepayments_enabled": (use_prepayments, PermissionDenied, None),
    "show_billing_history": (use_billing_history, PermissionDenied, None),
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_each_billing_setting_switched_off_removes_its_feature(business, processor, setting):
    use, refusal, field = SETTINGS[setting]
    allowed, refused = business.client(ALLOWED), business.client(REFUSED)
    if setting == "allow_credit_at_checkout":
        business.settings(prepayments_enabled=True)
        for client in (allowed, refused):
            client.make_prepayment(f"credit-{client.ctx.claims.account_id}", {"amount": 3_000, "new_method": VISA})

    business.settings(**{setting: True})
    for call in use(business, allowed):
        call()
    assert allowed.my_summary()["features"][setting] is True

    business.settings(**{setting: False})
    charged_before = list(processor.charged)
    for call in use(business, refused):
        with pytest.raises(refusal) as refused_call:
            call()
        if field:
            assert field in refused_call.value.fields
    assert processor.charged == charged_before
    assert refused.my_summary()["features"][setting] is False
