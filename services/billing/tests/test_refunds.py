"""Refunds from the staff's invoice page, through billing's entrypoints on a real database: to the method through
the processor, once per key, or as credit; never more than the payment put on the invoice; a refusal or a lost
answer changes nothing for good."""
import pytest
from sqlalchemy import select

from billing import refunds
from billing.models import Payment, Refund, platform
from services.billing.tests.conftest import VISA
from shared.context import Context
from shared.errors import InvalidInput, NotFound, PaymentDeclined, PermissionDenied, ServiceUnavailable
from shared.messaging import OutboxWriter


def paid_invoice(business, cents=10_000, key="refund-pay-0001"):
    invoice = business.invoice(cents)
    method = business.client().add_payment_method(VISA)
    paid = business.client().pay_invoices(key, {"invoice_ids": [invoice["id"]], "payment_method_id": method["id"]})
    return invoice, paid["payment"]


def refund(business, invoice, payment, amount, destination="method", key="refund-0001", reason=None):
    return business.staff().refund_payment(invoice["id"], key, {
        "payment_id": payment["id"], "amount": amount, "destination": destination, "reason": reason})


def staff_invoice(business, invoice):
    return business.staff().get_invoice(invoice["id"])


def test_a_partial_refund_goes_back_to_the_card_once_and_the_invoice_stays_paid(business, processor):
    invoice, payment = paid_invoice(business)
    given = refund(business, invoice, payment, 2_500, reason="One visit was missed")
    assert (given["status"], given["amount"], given["destination"]) == ("succeeded", 2_500, "method")
    assert refund(business, invoice, payment, 2_500, reason="One visit was missed") == given  # a retry: replayed
    assert list(processor.refunded.values()) == [("ch_1", 2_500)]
    shown = staff_invoice(business, invoice)
    assert (shown["status"], shown["balance"], shown["paid"], shown["refunded"]) == ("paid", 0, 7_500, 2_500)
    assert business.session.scalar(select(Payment.refunded).where(Payment.id == payment["id"])) == 2_500
    [(_, event)] = business.events("payment_refunded")
    assert (event["amount"], event["destination"], event["invoice_number"]) == (2_500, "method", invoice["number"])
    [fact] = [data for _, data in business.events("audit_fact") if data["action"] == "refund_given"]
    assert fact["summary"] == (f"Refunded $25.00 of invoice #{invoice['number']} to Visa ending 4242: "
                               "One visit was missed")


def test_a_refund_as_credit_touches_no_processor_and_pays_the_next_invoice(business, processor):
    invoice, payment = paid_invoice(business)
    refund(business, invoice, payment, 4_000, destination="credit")
    assert processor.refunded == {}
    assert business.client().my_summary()["credit"] == 4_000
    assert staff_invoice(business, invoice)["refunded"] == 4_000
    later = business.invoice(4_000)
    paid = business.client().pay_invoices("with-credit-0001", {"invoice_ids": [later["id"]], "credit": 4_000,
                                                               "amount": 4_000})
    assert paid["invoices"][0]["status"] == "paid" and len(processor.charged) == 1


def test_never_more_than_the_payment_put_on_the_invoice_even_in_parts(business, processor):
    invoice, payment = paid_invoice(business)
    refund(business, invoice, payment, 6_000, key="refund-part-0001")
    with pytest.raises(InvalidInput) as error:
        refund(business, invoice, payment, 4_001, key="refund-part-0002")
    assert "At most $40.00 of this payment is on invoice" in error.value.fields["amount"][0]
    refund(business, invoice, payment, 4_000, destination="credit", key="refund-part-0003")
    assert staff_invoice(business, invoice)["paid"] == 0
    assert sum(amount for _, amount in processor.refunded.values()) == 6_000


def test_a_refused_refund_gives_the_invoice_its_payment_back_and_its_key_replays_the_refusal(business, processor):
    invoice, payment = paid_invoice(business)
    processor.refusing = "Refund amount is greater than unrefunded amount on charge."
    for _ in range(2):
        with pytest.raises(PaymentDeclined, match="greater than unrefunded"):
            refund(business, invoice, payment, 1_000)
    shown = staff_invoice(business, invoice)
    assert (shown["paid"], shown["refunded"]) == (10_000, 0)
    assert [row["status"] for row in staff_invoice(business, invoice)["refunds"]] == ["failed"]
    assert business.events("payment_refunded") == []


def test_a_refund_whose_answer_was_lost_is_settled_by_asking_again_with_its_key(business, processor, session):
    invoice, payment = paid_invoice(business)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        refund(business, invoice, payment, 3_000)
    assert staff_invoice(business, invoice)["refunded"] == 3_000  # held while its outcome is unknown
    processor.unreachable = False
    outbox = OutboxWriter(platform, Context.system(), lambda: None)
    assert refunds.recover_pending_refunds(session, outbox, processor, older_than=refunds.utcnow()) == 1
    assert len(processor.refunded) == 1  # asked twice, refunded once
    assert refund(business, invoice, payment, 3_000)["status"] == "succeeded"
    assert session.scalar(select(Refund.status)) == "succeeded"


@pytest.mark.parametrize("change, field", [({"amount": 0}, "amount"), ({"destination": "cash"}, "destination"),
                                           ({"payment_id": 999}, "payment_id"), ({"reason": "a\nb"}, "reason")])
def test_bad_input_is_refused_field_by_field_and_changes_nothing(business, processor, change, field):
    invoice, payment = paid_invoice(business)
    request = {"payment_id": payment["id"], "amount": 1_000, "destination": "method", **change}
    with pytest.raises(InvalidInput) as error:
        business.staff().refund_payment(invoice["id"], "refund-bad-0001", request)
    assert field in error.value.fields
    assert processor.refunded == {} and staff_invoice(business, invoice)["refunded"] == 0


def test_only_the_business_s_staff_refund_and_only_its_own_invoices(business, other_business, processor):
    invoice, payment = paid_invoice(business)
    with pytest.raises(PermissionDenied):
        business.client().refund_payment(invoice["id"], "refund-client-1", {
            "payment_id": payment["id"], "amount": 1_000, "destination": "credit"})
    with pytest.raises(NotFound):
        other_business.staff().refund_payment(invoice["id"], "refund-other-1", {
            "payment_id": payment["id"], "amount": 1_000, "destination": "credit"})
    assert processor.refunded == {} and staff_invoice(business, invoice)["refunded"] == 0
