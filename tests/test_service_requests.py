"""Service requests across the services, over HTTP: a client asks to move a visit, tickets opens a ticket in the
Reschedule category about it, staff accept it from the ticket and the visit moves, the client reads the outcome on
the closed ticket; a decline; a new service becomes a job on the waiting list; a refusal inside the cut-off says
until when and how to reach the business; each Services-tab setting hides its page and is refused by the API;
the chosen staff are alerted."""
import re
from datetime import date, timedelta

import pytest

from portico_testing import wait_for
from tests.portal_helpers import bearer, change_general_settings, portal_api, registered_client

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
TODAY = date.today()  # the business's time zone is UTC (the default)


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


class Business:
    """A business's owner (staff API), one signed-in client (portal API and pages) with a weekly job."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.staff_headers = bearer(system.staff_token(credentials))
        change_general_settings(system, self.tenant, contact_phone="+1 555 010 0199",
                                contact_email="office@green.example")
        self.client_record, session = registered_client(system, self.tenant)
        self.client_headers = bearer(session["token"])
        self.job = self.billing("create_job", {
            "account_id": self.client_record["id"], "title": "Weekly mowing", "price": 4_500, "recurrence": "weekly",
            "schedule": {"start_on": day(3), "window_start": "09:00", "window_end": "11:00"}})
        self.visit = self.job["visits"][0]

    def billing(self, method, *args):
        return self.system.rpc.call("billing", method, *args, context=self.system.context(self.tenant))

    def staff(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def client(self, method, path, status=200, **kwargs):
        response = self.system.http.open(portal_api(self.tenant) + path, method=method, headers=self.client_headers,
                                         **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json() if response.is_json else response

    def services_tab(self, **changes):
        self.staff("PATCH", "/settings/services", json=changes)

    def request_ticket(self, category):
        def found():
            items = self.staff("GET", "/tickets?status=active")["items"]
            return next((item for item in items if item["category"] == category), None)
        return wait_for(found, timeout=20)

    def visit_of(self, visit_id):
        job = self.billing("get_job", self.job["id"])
        return next(visit for visit in job["visits"] if visit["id"] == visit_id)


@pytest.fixture
def business(system):
    return Business(system)


def test_a_reschedule_becomes_a_ticket_staff_accept_and_the_visit_moves(business):
    asked = business.client("POST", f"/services/visits/{business.visit['id']}/requests", 201, json={
        "kind": "reschedule", "preferred_dates": [day(5), day(6)], "note": "After 10 please"})
    assert asked["status"] == "pending"

    listed = business.request_ticket("Reschedule")
    ticket = business.staff("GET", f"/tickets/{listed['id']}")
    assert ticket["reference"] == {"kind": "visit", "id": business.visit["id"], "label": business.visit["label"]}
    assert ticket["service_request_id"] == asked["id"] and ticket["subject"] == f"Reschedule: {business.visit['label']}"
    assert "After 10 please" in ticket["messages"][0]["body"]

    decided = business.staff("POST", f"/service-requests/{asked['id']}/decision", json={"outcome": "accept"})
    assert decided["status"] == "accepted"
    moved = business.visit_of(business.visit["id"])
    assert (moved["scheduled_on"], moved["window_start"]) == (day(5), "09:00")

    def closed():
        seen = business.client("GET", f"/tickets/{listed['id']}")
        return seen if seen["status"] == "closed" else None
    seen = wait_for(closed, timeout=20)
    assert seen["messages"][-1]["author_kind"] == "staff"
    outcome = seen["messages"][-1]["body"]
    assert outcome.startswith("We moved your visit to ") and outcome.endswith(", 09:00-11:00.")


def test_a_declined_cancellation_leaves_the_visit_and_tells_the_client_why(business):
    asked = business.client("POST", f"/services/visits/{business.visit['id']}/requests", 201, json={"kind": "cancel"})
    listed = business.request_ticket("Cancel")
    business.staff("POST", f"/service-requests/{asked['id']}/decision", 400, json={"outcome": "decline"})
    business.staff("POST", f"/service-requests/{asked['id']}/decision", json={"outcome": "decline",
                                                                               "reason": "We are fully booked"})
    assert business.visit_of(business.visit["id"])["status"] == "scheduled"
    wait_for(lambda: business.client("GET", f"/tickets/{listed['id']}")["status"] == "closed", timeout=20)
    assert business.client("GET", f"/tickets/{listed['id']}")["messages"][-1]["body"] == "Declined: We are fully booked"


def test_a_new_service_request_becomes_a_job_on_the_waiting_list(business):
    hedge = business.billing("create_service", {"name": "Hedge trimming", "price": 9_000})
    offered = business.client("GET", "/services/offered")["items"]
    assert [item["name"] for item in offered] == ["Hedge trimming"]
    asked = business.client("POST", "/services/requests", 201, json={
        "service_id": hedge["id"], "preferred_dates": [day(7)], "note": "Front hedge only"})
    business.request_ticket("Service request")
    decided = business.staff("POST", f"/service-requests/{asked['id']}/decision", json={"outcome": "accept"})
    job = business.billing("get_job", decided["job_id"])
    assert (job["title"], job["status"], job["origin"]) == ("Hedge trimming", "unscheduled", "request")


def test_inside_the_cut_off_the_api_says_until_when_and_how_to_reach_the_business(business):
    business.services_tab(request_cutoff_hours=24 * 5)
    refused = business.client("POST", f"/services/visits/{business.visit['id']}/requests", 409,
                              json={"kind": "cancel"})
    message = refused["error"]["message"]
    assert "requests about this visit were possible until" in message
    assert message.endswith("To ask anyway, call us on +1 555 010 0199 or email office@green.example.")
    business.services_tab(request_cutoff_hours=24)
    business.client("POST", f"/services/visits/{business.visit['id']}/requests", 201, json={"kind": "cancel"})
    again = business.client("POST", f"/services/visits/{business.visit['id']}/requests", 409, json={"kind": "cancel"})
    assert "already asked to cancel" in again["error"]["message"]


@pytest.mark.parametrize("setting, path, body", [
    ("allow_reschedule_requests", "reschedule", {"kind": "reschedule", "preferred_dates": [day(5)]}),
    ("allow_cancel_requests", "cancel", {"kind": "cancel"})])
def test_each_visit_request_setting_is_refused_by_the_api(business, setting, path, body):
    business.services_tab(**{setting: False})
    business.client("POST", f"/services/visits/{business.visit['id']}/requests", 403, json=body)


def test_service_requests_off_are_refused_by_the_api(business):
    business.services_tab(allow_service_requests=False)
    business.client("GET", "/services/offered", 403)
    business.client("POST", "/services/requests", 403, json={"service_id": 1, "preferred_dates": [day(4)]})


def test_a_visit_of_another_account_is_not_found(business, system):
    other, session = registered_client(system, business.tenant, name="Other Client", email="other@example.com")
    response = system.http.post(f"{portal_api(business.tenant)}/services/visits/{business.visit['id']}/requests",
                                headers=bearer(session["token"]), json={"kind": "cancel"})
    assert response.status_code == 404
    category = system.http.get(f"{portal_api(business.tenant)}/tickets/options",
                               headers=bearer(session["token"])).get_json()["categories"][0]["id"]
    response = system.http.post(f"{portal_api(business.tenant)}/tickets", headers=bearer(session["token"]), json={
        "category_id": category, "body": "About this visit", "reference": {
            "kind": "visit", "id": business.visit["id"], "label": "Someone else's"}})
    assert response.status_code == 404
    assert business.staff("GET", "/tickets?status=active")["items"] == []


def test_the_chosen_staff_are_alerted_of_a_request(business):
    owner = business.staff("GET", "/me")["user"]["id"]
    business.staff("PATCH", "/settings/alerts", json={"reschedule_requested": [owner], "cancel_requested": []})
    business.client("POST", f"/services/visits/{business.visit['id']}/requests", 201, json={
        "kind": "reschedule", "preferred_dates": [day(5)]})
    business.client("POST", f"/services/visits/{business.visit['id']}/requests", 201, json={"kind": "cancel"})

    def alerted():
        items = business.staff("GET", "/alerts")["items"]
        return [item for item in items if item["action"] in ("reschedule_requested", "cancel_requested")] or None
    [alert] = wait_for(alerted, timeout=20)
    assert alert["action"] == "reschedule_requested" and alert["text"].endswith(business.visit["label"])


def test_the_demo_seed_leaves_a_pending_reschedule_ticket(business, system):
    from scripts.seed_requests import seed_requests  # the demo of make up, so it keeps working
    me = system.client_context(business.tenant, 1, business.client_record["id"])
    seed_requests(system.rpc, system.context(business.tenant), me, business.client_record["id"],
                  business.tenant["owner"]["id"])
    assert business.staff("GET", "/settings/services")["request_cutoff_hours"] == 24
    ticket = business.staff("GET", f"/tickets/{business.request_ticket('Reschedule')['id']}")
    [pending] = business.staff("GET", "/service-requests")["items"]
    assert ticket["service_request_id"] == pending["id"] and pending["kind"] == "reschedule"
