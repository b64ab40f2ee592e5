"""Billing's longest answers at their caps stay under a message's 64 KiB."""
from billing.charge_runs import SHOWN_AT_MOST
from billing.invoice_list import PAGE_MAX
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size

CARD = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}


def test_the_longest_page_of_invoices_stays_under_three_quarters_of_a_message(business):
    for _ in range(PAGE_MAX + 5):
        business.invoice(1_234_567)
    listed = business.staff().list_invoices({"limit": PAGE_MAX})
    mine = business.client().my_invoices({"limit": PAGE_MAX})
    assert len(listed["items"]) == len(mine["items"]) == PAGE_MAX and listed["next"] and mine["next"]
    assert encoded_size(listed) < MAX_MESSAGE_BYTES * 3 // 4 and encoded_size(mine) < MAX_MESSAGE_BYTES * 3 // 4


def test_the_longest_lists_of_a_charge_run_stay_under_three_quarters_of_a_message(business):
    business.settings(autopay_enabled=True)
    method = business.client().add_payment_method(CARD)
    business.client().enroll_autopay(method["id"], True)
    for _ in range(SHOWN_AT_MOST + 5):
        business.invoice(1_234_567)
    awaiting = business.staff().invoices_to_charge()
    run = business.staff().start_charge_run()
    progress = business.staff().get_charge_run(run["id"])
    assert len(awaiting) == len(progress["items"]) == SHOWN_AT_MOST and run["total"] == SHOWN_AT_MOST + 5
    assert encoded_size(awaiting) < MAX_MESSAGE_BYTES * 3 // 4 and encoded_size(progress) < MAX_MESSAGE_BYTES * 3 // 4
