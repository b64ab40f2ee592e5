"""Voiding an invoice, on its own: which invoices can be voided, and where the money paid on them goes."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from billing import credit, history, invoice_list, invoices
from billing.models import Allocation, ChargeRun, ChargeRunItem, Payment
from shared.errors import Conflict, InvalidInput, NotFound

STAFF_ID = 7
TENANT, ACCOUNT = 1, 42
NOW = datetime(2030, 1, 5, tzinfo=timezone.utc)


# --- the rule alone -----------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "in_progress", "refused"), [
    ("open", False, None),
    ("open", True, "being processed"),
    ("paid", False, "is paid, so it cannot be voided"),
    ("void", False, "already void"),
    ("void", True, "already void"),
    ("lost", False, "cannot be voided"),
])
def test_only_an_open_invoice_without_a_payment_under_way_can_be_voided(status, in_progress, refused):
    message = invoices.void_refusal(1003, status, in_progress)
    if refused is None:
        assert message is None
    else:
        assert refused in message and "#1003" in message


# --- against a database -------------------------------------------------------------------------

def new_invoice(session, *prices, account_id=ACCOUNT):
    return invoices.create_invoice(session, TENANT, {
        "account_id": account_id, "due_date": date(2031, 1, 31).isoformat(),
        "lines": [{"description": f"Visit {index}", "unit_price": price} for index, price in enumerate(prices)]})


def paid(session, invoice, amount, status="succeeded", kind="payment", source=None):
    """Record ``amount`` of a payment applied to ``invoice`` (credit from ``source`` when given)."""
    payment = Payment(tenant_id=TENANT, account_id=invoice.account_id, kind=kind, source="portal",
                      method_kind="card", amount=amount if source is None else 0, unapplied=0, status=status,
                      idempotency_key=f"k{session.scalar(select(Payment.id).order_by(Payment.id.desc())) or 0}",
                      created_at=NOW)
    session.add(payment)
    session.flush()
    session.add(Allocation(tenant_id=TENANT, payment_id=(source or payment).id, invoice_id=invoice.id,
                           checkout_payment_id=payment.id if source else None, amount=amount, created_at=NOW))
    invoice.balance -= amount
    session.flush()
    return payment


def void(session, invoice, reason=None):
    return invoices.void_invoice(session, TENANT, invoice.id, {"reason": reason}, STAFF_ID)


def test_voiding_an_open_invoice_keeps_it_on_record_owing_nothing(session):
    invoice = new_invoice(session, 4500)
    invoice.autopay = True

    voided, released = void(session, invoice, "  Duplicate of #1002  ")

    assert released == 0
    assert (voided.status, voided.balance, voided.autopay, voided.voided_by) == ("void", 0, False, 7)
    assert voided.void_reason == "Duplicate of #1002" and voided.voided_at is not None
    shown = invoices.describe(voided)
    assert (shown["status"], shown["total"], shown["balance"], shown["paid"]) == ("void", 4500, 0, 0)
    assert credit.summary_and_credit(session, TENANT, ACCOUNT)[0]["total_due"] == 0
    assert [row["id"] for row in invoice_list.list_invoices(session, TENANT, {"status": "void"})["items"]] == [
        invoice.id]
    assert invoice_list.list_invoices(session, TENANT, {"status": "unpaid"})["items"] == []


def test_what_was_paid_goes_back_to_the_payments_it_came_from_as_credit(session):
    invoice, other = new_invoice(session, 10_000), new_invoice(session, 2_000)
    card = paid(session, invoice, 3_000)
    prepayment = Payment(tenant_id=TENANT, account_id=ACCOUNT, kind="prepayment", source="portal", method_kind="card",
                         amount=5_000, unapplied=1_000, status="succeeded", idempotency_key="pre", created_at=NOW)
    session.add(prepayment)
    session.flush()
    paid(session, invoice, 4_000, source=prepayment)  # credit used at a checkout
    paid(session, other, 500)

    voided, released = void(session, invoice)

    assert released == 7_000 and voided.balance == 0
    assert (card.unapplied, prepayment.unapplied) == (3_000, 5_000)
    assert credit.available_credit(session, TENANT, ACCOUNT) == 8_000
    allocations = session.scalars(select(Allocation).where(Allocation.invoice_id == invoice.id)).all()
    assert len(allocations) == 2 and all(row.released_at is not None for row in allocations)
    assert session.scalar(select(Allocation).where(Allocation.invoice_id == other.id)).released_at is None
    by_payment = {row["id"]: row for row in history.history(session, TENANT, ACCOUNT)}
    assert by_payment[card.id]["applied_to"] == []
    assert [(part["invoice_number"], part["amount"]) for part in by_payment[card.id]["released"]] == [
        (invoice.number, 3_000)]
    assert [(part["invoice_number"], part["amount"]) for part in by_payment[prepayment.id]["released"]] == [
        (invoice.number, 4_000)]
    assert credit.summary_and_credit(session, TENANT, ACCOUNT)[0]["total_due"] == 1_500


def test_a_paid_or_void_invoice_or_one_being_paid_is_refused_and_unchanged(session):
    settled, being_paid = new_invoice(session, 1_000), new_invoice(session, 2_000)
    paid(session, settled, 1_000)
    settled.status = "paid"
    pending = paid(session, being_paid, 2_000, status="pending")

    for invoice, words in ((settled, "is paid"), (being_paid, "being processed")):
        with pytest.raises(Conflict, match=words):
            void(session, invoice)
    assert (settled.status, being_paid.status, being_paid.balance, pending.unapplied) == ("paid", "open", 0, 0)
    once = new_invoice(session, 3_000)
    void(session, once, "first")
    with pytest.raises(Conflict, match="already void"):
        void(session, once, "second")
    assert once.void_reason == "first"


def test_only_the_business_own_invoices_can_be_voided(session):
    invoice = new_invoice(session, 1_000)
    with pytest.raises(NotFound):
        invoices.void_invoice(session, TENANT + 1, invoice.id, {}, STAFF_ID)
    with pytest.raises(NotFound):
        invoices.void_invoice(session, TENANT, "1", {}, STAFF_ID)
    assert invoice.status == "open"


@pytest.mark.parametrize("reason", ["x" * 201, "two\nlines", 5, ["why"]])
def test_a_bad_reason_is_refused_on_its_field(session, reason):
    invoice = new_invoice(session, 1_000)
    with pytest.raises(InvalidInput) as refused:
        void(session, invoice, reason)
    assert "reason" in refused.value.fields and invoice.status == "open"


def test_blank_or_200_characters_of_reason_are_fine(session):
    assert void(session, new_invoice(session, 1_000), "   ")[0].void_reason is None
    assert void(session, new_invoice(session, 1_000), "y" * 200)[0].void_reason == "y" * 200


def test_a_queued_autopay_charge_of_a_voided_invoice_is_called_off(session):
    invoice, charged = new_invoice(session, 1_000), new_invoice(session, 2_000)
    run = ChargeRun(tenant_id=TENANT, total=2, created_at=NOW)
    session.add(run)
    session.flush()
    session.add_all([ChargeRunItem(run_id=run.id, invoice_id=invoice.id, state="queued", updated_at=NOW),
                     ChargeRunItem(run_id=run.id, invoice_id=charged.id, state="succeeded", updated_at=NOW)])
    session.flush()

    void(session, invoice)

    item = session.scalar(select(ChargeRunItem).where(ChargeRunItem.invoice_id == invoice.id))
    assert item.state == "failed" and f"#{invoice.number} was voided" in item.message
    assert run.finished_at is not None
