"""Each setting of the Tickets tab that governs tickets, switched off, takes its part away from clients."""
import pytest

from shared.errors import PermissionDenied


def test_tickets_enabled_off_refuses_opening_but_keeps_the_conversation(business):
    opened = business.open()
    business.settings(tickets_enabled=False)
    with pytest.raises(PermissionDenied):
        business.open()
    assert business.client().my_ticket_options()["tickets_enabled"] is False
    business.client().reply_to_my_ticket(opened["id"], {"body": "Still here."})  # replying is not opening
    assert business.staff().list_tickets()["total"] == 1


def test_show_open_tickets_off_hides_open_tickets_from_clients(business):
    opened = business.open()
    business.settings(show_open_tickets=False)
    for call in (lambda c: c.my_tickets("open"), lambda c: c.my_ticket(opened["id"]),
                 lambda c: c.reply_to_my_ticket(opened["id"], {"body": "x"})):
        with pytest.raises(PermissionDenied):
            call(business.client())
    assert business.client().my_ticket_options()["show_open_tickets"] is False
    assert business.client().my_tickets("closed")["items"] == []
    assert len(business.staff().get_ticket(opened["id"])["messages"]) == 1


def test_show_closed_tickets_off_hides_closed_tickets_from_clients(business):
    opened = business.open()
    business.staff().set_ticket_status(opened["id"], {"status": "closed"})
    business.settings(show_closed_tickets=False)
    for call in (lambda c: c.my_tickets("closed"), lambda c: c.my_ticket(opened["id"]),
                 lambda c: c.reply_to_my_ticket(opened["id"], {"body": "reopen"})):
        with pytest.raises(PermissionDenied):
            call(business.client())
    assert business.staff().get_ticket(opened["id"])["status"] == "closed"
    assert business.client().my_tickets("open")["items"] == []


def test_ticket_categories_decides_what_a_client_may_choose(business):
    business.settings(ticket_categories=["Reschedule"])
    options = business.client().my_ticket_options()
    assert [c["name"] for c in options["categories"]] == ["Reschedule"]
    from shared.errors import InvalidInput
    with pytest.raises(InvalidInput):
        business.open()  # General is no longer offered
    business.client().open_my_ticket({"category_id": business.category("Reschedule"), "body": "Move it"})


def test_hiding_every_offered_category_stops_clients_opening_tickets(business):
    business.staff().update_ticket_category(business.category("General"), {"hidden": True})
    assert business.client().my_ticket_options() == {
        "tickets_enabled": False, "show_open_tickets": True, "show_closed_tickets": True, "categories": [],
        "documents_enabled": True}


def test_ticket_assignee_id_empty_leaves_new_tickets_unassigned(business):
    opened = business.open()
    assert business.staff().get_ticket(opened["id"])["assignee_id"] is None
    business.settings(ticket_assignee_id=8)
    assert business.staff().get_ticket(business.open()["id"])["assignee_id"] == 8
