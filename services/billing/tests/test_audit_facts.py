"""Billing's audit facts: payments, methods on file, autopay, and staff actions on an account, each written with
the change, naming a method by its label only (never its token or number)."""
import json
from datetime import date, timedelta

import pytest

from shared.errors import PaymentDeclined

ACCOUNT, STAFF_ID = 42, 7  # conftest's
VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
MASTERCARD = {**VISA, "token": "tok_mastercard_4444", "brand": "mastercard", "last4": "4444"}
BANK = {"token": "tok_bank_6789", "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None,
        "exp_year": None}


def day(offset):
    return (date.today() + timedelta(days=offset)).isoformat()  # the business's time zone is UTC (the default)


def facts(business):
    return [data for _, data in business.events("audit_fact")]


def test_a_clients_payment_and_methods_are_facts_with_the_clients_actor(business):
    invoice = business.invoice(4_000)
    client = business.client()
    card = client.add_payment_method(VISA)
    client.pay_invoices("audit-0001", {"invoice_ids": [invoice["id"]], "payment_method_id": card["id"]})
    bank = client.add_payment_method(BANK)
    client.replace_payment_method(card["id"], MASTERCARD)
    client.remove_payment_method(bank["id"])
    found = facts(business)
    assert [(fact["action"], fact["summary"]) for fact in found] == [
        ("invoice_created", f"Created invoice #{invoice['number']} ($40.00)"),
        ("card_added", "Added Visa ending 4242"),
        ("payment_made", f"Paid $40.00 with Visa ending 4242 (invoice #{invoice['number']})"),
        ("bank_account_added", "Added Bank account ending 6789"),
        ("card_updated", "Updated Visa ending 4242 to Mastercard ending 4444"),
        ("bank_account_removed", "Removed Bank account ending 6789")]
    assert found[0]["actor"] == {"kind": "staff", "id": STAFF_ID}
    assert all(fact["actor"] == {"kind": "client", "id": 1} for fact in found[1:])
    assert all(fact["account_id"] == ACCOUNT for fact in found)
    assert found[2]["link"] == f"/staff/clients/{ACCOUNT}/billing"
    assert "tok_" not in json.dumps(found)


def test_autopay_on_and_off_and_a_voided_invoice_are_facts(business):
    business.settings(autopay_enabled=True)
    client = business.client()
    card = client.add_payment_method(VISA)
    client.enroll_autopay(card["id"], True)
    client.cancel_autopay()
    client.cancel_autopay()  # already off: nothing happened, no fact
    invoice = business.invoice(1_000)
    business.staff().void_invoice(invoice["id"])
    assert [fact["action"] for fact in facts(business)] == [
        "card_added", "autopay_enrolled", "autopay_cancelled", "invoice_created", "invoice_voided"]
    assert facts(business)[-1]["link"] == f"/staff/invoices/{invoice['id']}"


def test_a_card_saved_while_paying_is_added_and_a_declined_one_is_not(business, processor):
    client = business.client()
    client.pay_invoices("audit-0002", {"invoice_ids": [business.invoice(1_000)["id"]], "new_method": VISA,
                                       "save_method": True})
    processor.status = "card_declined"
    with pytest.raises(PaymentDeclined):
        client.pay_invoices("audit-0003", {"invoice_ids": [business.invoice(1_000)["id"]],
                                           "new_method": MASTERCARD, "save_method": True})
    assert [fact["action"] for fact in facts(business) if fact["action"] != "invoice_created"] == [
        "payment_made", "card_added", "payment_failed"]


def test_staff_locking_autopay_is_a_staff_fact(business):
    business.staff().set_autopay_lock(ACCOUNT, True)
    [fact] = facts(business)
    assert (fact["action"], fact["actor"]) == ("autopay_locked", {"kind": "staff", "id": STAFF_ID})


def test_staff_work_on_a_job_and_its_visits_is_facts_with_a_move_before_and_after(business):
    staff = business.staff()
    job = staff.create_job({"account_id": ACCOUNT, "title": "Weekly mowing", "price": 4_500, "recurrence": "weekly",
                            "schedule": {"start_on": day(1), "window_start": "09:00",
                                         "window_end": "11:00"}})
    first, second, third = job["visits"][:3]
    staff.move_visit(first["id"], {"scheduled_on": day(2), "window_start": "13:00",
                                   "window_end": "15:00"})
    staff.set_visit_notes(first["id"], {"notes": "Gate code 4411."})
    staff.skip_visit(second["id"])
    staff.cancel_visit(third["id"])
    staff.set_job_client_status(job["id"], {"client_status": "Work in progress"})
    visit_facts = [fact for fact in facts(business) if fact["action"].startswith(("visit_", "job_"))]
    assert [fact["action"] for fact in visit_facts] == [
        "job_created", "visit_moved", "visit_notes_written", "visit_skipped", "visit_cancelled", "job_status_set"]
    moved = visit_facts[1]
    assert moved["changes"] == {"when": [f"{day(1)} 09:00-11:00",
                                         f"{day(2)} 13:00-15:00"]}
    assert moved["summary"] == f"Moved the visit of Weekly mowing on {day(2)}"
    assert {fact["actor"]["kind"] for fact in visit_facts} == {"staff"}
    assert {fact["link"] for fact in visit_facts} == {f"/staff/jobs/{job['id']}"}
