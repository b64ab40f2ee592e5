"""Cards on file, autopay, voiding and the staff's own entrypoints, in-process on a real database."""
import pytest
from sqlalchemy import func, select

from billing.models import Invoice, Job, KnownAccount
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated

VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
MASTERCARD = {**VISA, "token": "tok_mastercard_4444", "brand": "mastercard", "last4": "4444"}
BANK = {"token": "tok_bank_6789", "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None,
        "exp_year": None}


# --- cards and bank accounts on file --------------------------------------------------------------------

def test_a_method_is_replaced_in_place_and_a_removed_one_is_forgotten_at_the_processor(business, processor):
    client = business.client()
    visa, bank = client.add_payment_method(VISA), client.add_payment_method(BANK)
    assert (visa["label"], bank["label"]) == ("Visa ending 4242", "Bank account ending 6789")

    replaced = client.replace_payment_method(visa["id"], MASTERCARD)
    assert client.remove_payment_method(bank["id"]) == {}

    assert [method["label"] for method in client.my_payment_methods()] == ["Mastercard ending 4444"]
    assert replaced["label"] == "Mastercard ending 4444" and processor.detached == [BANK["token"]]
    [(_, removed)] = business.events("payment_method_removed")
    assert (removed["kind"], removed["label"], removed["account_id"]) == ("ach", "Bank account ending 6789", 42)
    with pytest.raises(NotFound):
        client.remove_payment_method(visa["id"])  # replaced: no longer on file


def test_the_method_autopay_charges_moves_with_a_replacement_and_cannot_be_removed(business):
    business.settings(autopay_enabled=True)
    client = business.client()
    visa = client.add_payment_method(VISA)
    client.enroll_autopay(visa["id"], True)

    with pytest.raises(InvalidInput) as refused:
        client.remove_payment_method(visa["id"])
    assert list(refused.value.fields) == ["payment_method_id"]
    replacement = client.replace_payment_method(visa["id"], MASTERCARD)
    assert client.my_autopay()["payment_method"]["id"] == replacement["id"]


def test_a_client_who_may_only_pay_cannot_change_methods_and_a_body_must_be_a_token(business):
    visa = business.client().add_payment_method(VISA)
    payer = business.client(rights="pay")
    for change in (lambda: payer.remove_payment_method(visa["id"]),
                   lambda: payer.replace_payment_method(visa["id"], MASTERCARD)):
        with pytest.raises(PermissionDenied):
            change()
    with pytest.raises(InvalidInput) as refused:
        payer.add_payment_method({"kind": "card", "number": "4242424242424242"})
    assert {"token", "brand", "last4", "number"} <= set(refused.value.fields)
    with pytest.raises(NotFound):
        business.client(account_id=43).remove_payment_method(visa["id"])


# --- autopay ------------------------------------------------------------------------------------------------

def test_autopay_needs_consent_and_covers_the_scheduled_jobs_when_the_business_says_so(business):
    business.settings(autopay_enabled=True, autopay_applies_to="all_scheduled_jobs")
    job = business.staff().create_job({"account_id": 42, "title": "Weekly mowing"})
    invoice = business.staff().create_invoice({"account_id": 42, "job_id": job["id"], "due_date": "2031-01-31",
                                               "lines": [{"description": "Mowing", "unit_price": 3_000}]})
    client = business.client()
    card = client.add_payment_method(VISA)
    assert "all of your scheduled services" in client.my_autopay()["consent_text"]

    with pytest.raises(InvalidInput) as refused:
        client.enroll_autopay(card["id"], "yes")
    enrolled = client.enroll_autopay(card["id"], True)

    assert list(refused.value.fields) == ["consent"]
    assert (enrolled["enrolled"], enrolled["payment_method"]["id"]) == (True, card["id"])
    assert business.staff().get_invoice(invoice["id"])["autopay"] is True
    assert [data["scope"] for _, data in business.events("autopay_enrolled")] == ["all_scheduled_jobs"]


def test_the_staff_lock_keeps_autopay_on_until_staff_lift_it(business):
    business.settings(autopay_enabled=True)
    client = business.client()
    client.enroll_autopay(client.add_payment_method(VISA)["id"], True)

    assert business.staff().set_autopay_lock(42, True) == {"account_id": 42, "locked": True, "enrolled": True}
    with pytest.raises(PermissionDenied, match="locked autopay"):
        client.cancel_autopay()
    assert business.staff().autopay_statuses([42, 43]) == {"42": {"enrolled": True, "locked": True},
                                                            "43": {"enrolled": False, "locked": False}}
    business.staff().set_autopay_lock(42, False)
    assert client.cancel_autopay()["enrolled"] is False
    with pytest.raises(PermissionDenied):
        client.set_autopay_lock(42, False)


# --- voiding ---------------------------------------------------------------------------------------------

def test_voiding_a_partly_paid_invoice_gives_what_was_paid_back_as_credit(business):
    business.settings(allow_partial_payments=True)
    invoice = business.invoice(10_000)
    business.client().pay_invoices("partial-0001", {"invoice_ids": [invoice["id"]], "new_method": VISA,
                                                    "amount": 4_000})

    voided = business.staff().void_invoice(invoice["id"], "  Billed by mistake ")

    assert (voided["status"], voided["balance"], voided["credit_released"]) == ("void", 0, 4_000)
    assert (voided["void_reason"], voided["voided_by"]) == ("Billed by mistake", 7)
    assert business.client().my_summary()["credit"] == 4_000
    with pytest.raises(Conflict, match="already void"):
        business.staff().void_invoice(invoice["id"])


def test_only_staff_of_the_business_void_an_invoice(business, session, processor):
    invoice = business.invoice(1_000)
    with pytest.raises(PermissionDenied):
        business.client().void_invoice(invoice["id"])
    other = type(business)(session, processor, business.blobs, tenant_id=2)
    with pytest.raises(NotFound):
        other.staff().void_invoice(invoice["id"])
    assert business.staff().get_invoice(invoice["id"])["status"] == "open"


# --- staff only, each business its own ---------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda billing: billing.create_invoice({}), lambda billing: billing.list_invoices(),
    lambda billing: billing.account_billing(42), lambda billing: billing.invoices_to_charge(),
    lambda billing: billing.start_charge_run(), lambda billing: billing.apply_prepayment({}),
    lambda billing: billing.autopay_statuses([42]),
])
def test_staff_entrypoints_refuse_a_client(business, call):
    with pytest.raises(PermissionDenied, match="Only staff"):
        call(business.client())


def test_a_client_entrypoint_refuses_staff_a_call_without_a_business_and_one_without_a_passport(business):
    with pytest.raises(PermissionDenied, match="signed-in client"):
        business.staff().my_summary()
    no_tenant = type(business)(business.session, business.processor, business.blobs, tenant_id=None)
    with pytest.raises(PermissionDenied, match="business"):
        no_tenant.client().my_summary()
    with pytest.raises(Unauthenticated):
        business.worker(None).my_summary()


def test_staff_bill_only_the_clients_accounts_confirms_are_their_business(business, session):
    foreign = 9_999  # the accounts stand-in (conftest.Clients) says it belongs to another business
    staff = business.staff()
    for call in (lambda: business.invoice(1_000, account_id=foreign),
                 lambda: staff.create_job({"account_id": foreign, "title": "Mowing"}),
                 lambda: staff.account_billing(foreign),
                 lambda: staff.set_autopay_lock(foreign, True)):
        with pytest.raises(NotFound):
            call()
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert session.scalar(select(func.count()).select_from(Job)) == 0
    business.invoice(1_000)
    business.invoice(2_000)
    assert business.clients.asked.count(42) == 1  # confirmed once, then known
    assert session.scalars(select(KnownAccount.account_id)).all() == [42]
