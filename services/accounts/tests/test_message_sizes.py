"""Accounts' longest answers at their page caps stay well under a message's 64 KiB."""
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size

WELL_UNDER = MAX_MESSAGE_BYTES // 2


def test_a_full_page_of_clients_and_the_longest_list_of_names_stay_well_under_a_message(staff):
    for number in range(200):  # longer than most: names, addresses and emails of 40 to 60 characters
        client = staff.create_client({
            "name": f"Harriet Longname-Featherstonehaugh Household {number:03d}",
            "email": f"harriet.longname-featherstonehaugh.{number:03d}@example.com",
            "phone": "+1 555 010 0101", "mobile_phone": "+1 555 010 0102",
            "address": f"{number} Long Meadow Road, Springfield Heights, Illinois 62704, United States"})
        if number % 4 == 0:
            staff.create_client({"name": f"Lake house of household {number:03d}", "parent_id": client["id"]})
    full = staff.list_clients(per_page=50)
    brief = staff.list_clients(per_page=200, brief=True)
    assert len(full["items"]) == 50 and len(brief["items"]) == 200
    assert encoded_size(full) < WELL_UNDER and encoded_size(brief) < WELL_UNDER
