"""Recovery settles what a crash or an outage left pending exactly as the request would have: event, receipt, credit."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from billing import checkout, credit, invoices, methods, recovery
from billing.invoices import utcnow
from billing.models import platform
from billing.settings import TABS
from shared.errors import ServiceUnavailable
from shared.settings_store import update_settings

TENANT, ACCOUNT = 1, 42
CARD = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}
RECEIPT_TO = "casey@client.example"


def billing_settings(session, **changes):
    values = update_settings(session, platform.tenant_settings, TENANT, TABS, "billing", changes)
    session.commit()
    return values


def open_invoice(session, total):
    invoice = invoices.create_invoice(session, TENANT, {
        "account_id": ACCOUNT, "due_date": date(2031, 1, 31).isoformat(),
        "lines": [{"description": "Lawn care", "unit_price": total}]})
    session.commit()
    return invoice


def card_on_file(session):
    method = methods.add_method(session, TENANT, ACCOUNT, CARD)
    session.commit()
    return method


def events(session):
    """The events recovery wrote, but the audit facts (test_audit_facts.py)."""
    rows = session.execute(select(platform.outbox.c.event_type, platform.outbox.c.body)
                           .order_by(platform.outbox.c.id)).all()
    return [(event_type, body["data"]) for event_type, body in rows if event_type != "audit_fact"]


def recover_now(session, outbox, processor):
    """Run recovery as if the grace period had passed."""
    return recovery.recover_pending(session, outbox, processor, older_than=utcnow() + timedelta(seconds=1))


def test_a_prepayment_settled_by_recovery_sends_its_receipt_and_alert_and_applies_its_credit(
        session, outbox, processor):
    settings = billing_settings(session, prepayments_enabled=True, auto_apply_credits=True)
    invoice, method = open_invoice(session, 3_000), card_on_file(session)
    request = {"amount": 5_000, "payment_method_id": method.id, "receipt_to": RECEIPT_TO}
    processor.unreachable = True  # the charge is made, but billing never hears of it
    with pytest.raises(ServiceUnavailable):
        checkout.make_prepayment(session, outbox, processor, TENANT, ACCOUNT, "prepay-0001", request, settings)
    processor.unreachable = False

    assert recover_now(session, outbox, processor) == 1

    [(event_type, data)] = events(session)
    assert event_type == "prepayment_made"
    assert (data["kind"], data["amount"], data["receipt_to"], data["method_label"]) == (
        "prepayment", 5_000, RECEIPT_TO, "Visa ending 4242")
    session.refresh(invoice)
    assert (invoice.status, invoice.balance) == ("paid", 0)
    assert credit.available_credit(session, TENANT, ACCOUNT) == 2_000
    answer = checkout.make_prepayment(session, outbox, processor, TENANT, ACCOUNT, "prepay-0001", request, settings)
    assert (answer["payment"]["status"], answer["payment"]["unapplied"]) == ("succeeded", 2_000)
    assert len(processor.charged) == 1


def test_a_prepayment_recovered_without_auto_apply_stays_credit(session, outbox, processor):
    settings = billing_settings(session, prepayments_enabled=True)
    invoice, method = open_invoice(session, 3_000), card_on_file(session)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        checkout.make_prepayment(session, outbox, processor, TENANT, ACCOUNT, "prepay-0002",
                                 {"amount": 5_000, "payment_method_id": method.id}, settings)
    processor.unreachable = False

    assert recover_now(session, outbox, processor) == 1

    assert [event_type for event_type, _ in events(session)] == ["prepayment_made"]
    session.refresh(invoice)
    assert (invoice.status, invoice.balance) == ("open", 3_000)
    assert credit.available_credit(session, TENANT, ACCOUNT) == 5_000


def test_a_checkout_settled_by_recovery_still_sends_its_receipt(session, outbox, processor):
    settings = billing_settings(session)
    invoice, method = open_invoice(session, 6_600), card_on_file(session)
    request = {"invoice_ids": [invoice.id], "payment_method_id": method.id, "receipt_to": RECEIPT_TO}
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        checkout.pay_invoices(session, outbox, processor, TENANT, ACCOUNT, "checkout-0001", request, settings)
    processor.unreachable = False

    assert recover_now(session, outbox, processor) == 1

    [(event_type, data)] = events(session)
    assert (event_type, data["amount"], data["receipt_to"]) == ("payment_succeeded", 6_600, RECEIPT_TO)
    assert data["invoices"] == [{"invoice_id": invoice.id, "number": invoice.number, "applied": 6_600}]
    answer = checkout.pay_invoices(session, outbox, processor, TENANT, ACCOUNT, "checkout-0001", request, settings)
    assert answer["payment"]["status"] == "succeeded"
    assert [(row["id"], row["status"]) for row in answer["invoices"]] == [(invoice.id, "paid")]


def test_a_payment_the_processor_never_made_is_recorded_failed_and_gives_its_invoice_back(
        session, outbox, processor):
    settings = billing_settings(session)
    invoice, method = open_invoice(session, 1_500), card_on_file(session)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        checkout.pay_invoices(session, outbox, processor, TENANT, ACCOUNT, "checkout-0002",
                              {"invoice_ids": [invoice.id], "payment_method_id": method.id}, settings)
    processor.results.clear()  # the processor never got the request

    assert recover_now(session, outbox, processor) == 1

    assert [event_type for event_type, _ in events(session)] == ["payment_failed"]
    session.refresh(invoice)
    assert (invoice.status, invoice.balance) == ("open", 1_500)


def test_recovery_asks_the_processor_with_no_transaction_open(session, outbox, processor):
    """Asking the processor may take seconds: no database connection (on SQLite, the write lock) is held meanwhile."""
    settings = billing_settings(session)
    invoice, method = open_invoice(session, 1_700), card_on_file(session)
    processor.unreachable = True
    with pytest.raises(ServiceUnavailable):
        checkout.pay_invoices(session, outbox, processor, TENANT, ACCOUNT, "checkout-0003",
                              {"invoice_ids": [invoice.id], "payment_method_id": method.id}, settings)
    asked = []
    find_charge = processor.find_charge
    processor.find_charge = lambda key, *where: asked.append(session.in_transaction()) or find_charge(key, *where)

    assert recover_now(session, outbox, processor) == 1

    assert asked == [False]
    session.refresh(invoice)
    assert (invoice.status, invoice.balance) == ("paid", 0)
