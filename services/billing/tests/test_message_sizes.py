"""Billing's longest answers at their caps stay under a message's 64 KiB."""
from billing import charge_run_lists
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


def test_the_lists_of_charge_runs_page_through_every_invoice_in_pages_under_three_quarters_of_a_message(business):
    business.settings(autopay_enabled=True)
    method = business.client().add_payment_method(CARD)
    business.client().enroll_autopay(method["id"], True)
    largest = charge_run_lists.PAGE_MAX
    for _ in range(largest + 5):
        business.invoice(1_234_567)
    staff = business.staff()
    awaiting = staff.invoices_to_charge({"limit": largest})
    rest = staff.invoices_to_charge({"cursor": awaiting["next"], "limit": largest})
    assert (awaiting["count"], awaiting["total"]) == (largest + 5, (largest + 5) * 1_234_567)  # of all, not a page
    assert len(awaiting["items"]) == largest and len(rest["items"]) == 5 and rest["next"] is None
    assert len({invoice["id"] for invoice in awaiting["items"] + rest["items"]}) == largest + 5

    run = staff.start_charge_run()
    progress = staff.get_charge_run(run["id"], True, {"limit": largest})
    following = staff.get_charge_run(run["id"], True, {"cursor": progress["items_next"], "limit": largest})
    assert run["total"] == largest + 5 and len(progress["items"]) == largest and following["items_next"] is None
    assert len({item["invoice_id"] for item in progress["items"] + following["items"]}) == largest + 5
    assert encoded_size(awaiting) < MAX_MESSAGE_BYTES * 3 // 4 and encoded_size(progress) < MAX_MESSAGE_BYTES * 3 // 4
