"""Billing's longest answers at their caps stay under a message's 64 KiB."""
from billing.invoices import LIST_LIMIT
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size


def test_the_longest_list_of_invoices_stays_under_three_quarters_of_a_message(business):
    for _ in range(LIST_LIMIT + 5):
        business.invoice(1_234_567)
    listed = business.staff().list_invoices({})
    mine = business.client().my_invoices({})
    assert len(listed) == len(mine) == LIST_LIMIT
    assert encoded_size(listed) < MAX_MESSAGE_BYTES * 3 // 4 and encoded_size(mine) < MAX_MESSAGE_BYTES * 3 // 4
