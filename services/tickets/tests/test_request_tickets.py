"""Billing's service requests as tickets: a request opens a ticket in the category the Tickets tab names for its
kind, about the visit, assigned as a client's ticket is; its outcome is a staff reply the client reads, and the
ticket closes. Each happens once, whatever the redeliveries; an outcome that overtakes its request waits."""
import pytest

from shared.errors import NotFound
from shared.events import SERVICE_REQUEST_DECIDED, SERVICE_REQUEST_MADE
from shared.messaging import envelope

ACCOUNT, PORTAL_USER = 42, 11
SUBJECT = "Reschedule: Weekly mowing on Tue 8 Dec 2026, 09:00-11:00"


def made(request_id=5, kind="reschedule", subject=SUBJECT, visit_id=31, tenant_id=1):
    return envelope(SERVICE_REQUEST_MADE, tenant_id, {
        "request_id": request_id, "account_id": ACCOUNT, "kind": kind, "status": "pending", "subject": subject,
        "body": "Preferred dates: Thu 10 Dec 2026\nNote: After 10 please", "visit_id": visit_id,
        "actor": {"kind": "client", "id": PORTAL_USER}})


def decided(request_id=5, body="We moved your visit to Thu 10 Dec 2026, 09:00-11:00.", status="accepted"):
    return envelope(SERVICE_REQUEST_DECIDED, 1, {
        "request_id": request_id, "account_id": ACCOUNT, "kind": "reschedule", "status": status, "subject": SUBJECT,
        "body": body, "visit_id": 31, "actor": {"kind": "staff", "id": 7}})


def request_tickets(business):
    return business.staff().list_tickets({})["items"]


def test_a_reschedule_request_opens_one_ticket_in_the_reschedule_category_about_the_visit(business):
    business.settings(ticket_assignee_id=8)
    event = made()
    business.system().handle_service_request_made(event)
    business.system().handle_service_request_made(event)  # redelivered
    business.system().handle_service_request_made(made())  # the same request under another event id

    [listed] = request_tickets(business)
    ticket = business.staff().get_ticket(listed["id"])
    assert (ticket["category"], ticket["subject"], ticket["service_request_id"]) == ("Reschedule", SUBJECT, 5)
    assert ticket["reference"] == {"kind": "visit", "id": 31, "label": "Weekly mowing on Tue 8 Dec 2026, 09:00-11:00"}
    assert (ticket["assignee_id"], ticket["opened_by"], ticket["status"]) == (8, "client", "open")
    assert [(m["author_kind"], m["body"]) for m in ticket["messages"]] == [
        ("client", "Preferred dates: Thu 10 Dec 2026\nNote: After 10 please")]
    [(_, opened)] = business.events("ticket_opened")
    assert (opened["category"], opened["assignee_id"], opened["opened_by"]) == ("Reschedule", 8, "client")
    assert business.client().my_ticket(listed["id"])["subject"] == SUBJECT


def test_each_kind_goes_to_the_category_the_tab_names_created_when_missing(business):
    business.settings(cancel_category="Cancellations")
    business.system().handle_service_request_made(made(6, "cancel", "Cancel: Weekly mowing"))
    business.system().handle_service_request_made(made(7, "new_service", "Service request: Hedge trimming", None))
    by_subject = {item["subject"]: item for item in request_tickets(business)}
    assert by_subject["Cancel: Weekly mowing"]["category"] == "Cancellations"
    assert by_subject["Service request: Hedge trimming"]["category"] == "Service request"
    assert by_subject["Service request: Hedge trimming"]["reference"] is None
    assert "Service request" in [row["name"] for row in business.staff().ticket_categories()]


def test_the_outcome_is_a_staff_reply_the_client_reads_and_the_ticket_closes_once(business):
    business.system().handle_service_request_made(made())
    event = decided()
    business.system().handle_service_request_decided(event)
    business.system().handle_service_request_decided(event)

    [listed] = request_tickets(business)
    ticket = business.client().my_ticket(listed["id"])
    assert ticket["status"] == "closed"
    assert [(m["author_kind"], m["body"]) for m in ticket["messages"]][-1] == (
        "staff", "We moved your visit to Thu 10 Dec 2026, 09:00-11:00.")
    assert len(ticket["messages"]) == 2
    [(_, added)] = business.events("ticket_message_added")
    assert added["author_kind"] == "staff" and added["reply_token"]


def test_an_outcome_before_its_request_waits_to_be_delivered_again(business):
    with pytest.raises(NotFound):
        business.system().handle_service_request_decided(decided(status="declined", body="Declined: Full"))
    assert request_tickets(business) == []
