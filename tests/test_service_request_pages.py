"""The service request pages through the gateway: asking to reschedule or cancel a visit by form, the refusal past the
cut-off with the business's phone and email, the open-a-ticket form about a visit, "Request a service"; each page
hidden when its setting is off (and refused by the API: tests/test_service_requests.py); on the staff side, the
ticket a request became answers it with Accept and Decline."""
import itertools
import re
from datetime import date, timedelta

import pytest

from portico_testing import wait_for
from tests.portal_helpers import CLIENT_PASSWORD, change_general_settings, new_address, registered_client

pytestmark = pytest.mark.backends("sqlite")
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count(start=101))
TODAY = date.today()


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Pages:
    """A business's owner and one client with a weekly job, each signed in to the pages."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        change_general_settings(system, self.tenant, contact_phone="+1 555 010 0199",
                                contact_email="office@green.example")
        self.staff = system.app.test_client()
        assert self.staff.post("/staff/sign-in", data=credentials,
                               environ_base={"REMOTE_ADDR": next(_addresses)}).status_code == 303
        record, session = registered_client(system, self.tenant)
        self.client = system.app.test_client()
        assert self.client.post(self.path("sign-in"), data={"login": session["portal_user"]["email"],
                                                            "password": CLIENT_PASSWORD},
                                environ_base=new_address()).status_code == 303
        job = self.billing("create_job", {"account_id": record["id"], "title": "Weekly mowing", "price": 4_500,
                                          "recurrence": "weekly", "schedule": {
                                              "start_on": day(3), "window_start": "09:00", "window_end": "11:00"}})
        self.job, self.visit = job, job["visits"][0]

    def billing(self, method, *args):
        return self.system.rpc.call("billing", method, *args, context=self.system.context(self.tenant))

    def services_tab(self, **changes):
        self.billing("update_settings", "services", changes)

    def path(self, rest=""):
        return f"/p/{self.tenant['slug']}/{rest}"

    def client_page(self, rest, status=200):
        response = self.client.get(self.path(rest))
        assert response.status_code == status, response.status_code
        return response.get_data(as_text=True)

    def post(self, rest, page, **form):
        return self.client.post(self.path(rest), data={"csrf_token": csrf_of(page), **form})

    def visit_page(self, kind, status=200):
        return self.client_page(f"services/visits/{self.visit['id']}/{kind}", status)


@pytest.fixture
def pages(system):
    return Pages(system)


def test_a_client_asks_to_reschedule_by_form_and_staff_accept_it_on_the_ticket(pages):
    html = pages.visit_page("reschedule")
    assert pages.visit["label"] in html and 'type="date"' in html and 'name="preferred_date_1"' in html
    refused = pages.post(f"services/visits/{pages.visit['id']}/reschedule", html, note="Any day")
    assert refused.status_code == 400 and "Give at least one date" in refused.get_data(as_text=True)

    sent = pages.post(f"services/visits/{pages.visit['id']}/reschedule", html, preferred_date_1=day(6),
                      note="After 10 please")
    assert sent.status_code == 200 and "Request sent" in sent.get_data(as_text=True)
    assert "already asked" in pages.visit_page("reschedule")

    def request_ticket():
        inbox = pages.staff.get("/staff/tickets").get_data(as_text=True)
        found = re.search(r'href="/staff/tickets/(\d+)"', inbox)
        return found and found.group(1)
    ticket_id = wait_for(request_ticket, timeout=20)
    ticket = pages.staff.get(f"/staff/tickets/{ticket_id}").get_data(as_text=True)
    assert "Reschedule request: pending" in ticket and f'value="{day(6)}"' in ticket and 'value="09:00"' in ticket
    answered = pages.staff.post(f"/staff/tickets/{ticket_id}/request-decision", data={
        "csrf_token": csrf_of(ticket), "outcome": "accept", "scheduled_on": day(8), "window_start": "13:00",
        "window_end": "15:00"})
    assert answered.status_code == 303
    moved = next(visit for visit in pages.billing("get_job", pages.job["id"])["visits"]
                 if visit["id"] == pages.visit["id"])
    assert (moved["scheduled_on"], moved["window_start"]) == (day(8), "13:00")
    assert "Reschedule request: accepted" in pages.staff.get(f"/staff/tickets/{ticket_id}").get_data(as_text=True)


def test_past_the_cut_off_the_page_says_until_when_and_how_to_reach_the_business(pages):
    pages.services_tab(request_cutoff_hours=24 * 5)
    html = pages.visit_page("cancel")
    assert "requests about this visit were possible until" in html
    assert 'href="tel:+15550100199"' in html and 'href="mailto:office@green.example"' in html
    assert "Ask to cancel" not in html


@pytest.mark.parametrize("setting, kind", [("allow_reschedule_requests", "reschedule"),
                                           ("allow_cancel_requests", "cancel")])
def test_each_visit_request_page_is_hidden_when_its_setting_is_off(pages, setting, kind):
    assert "<form" in pages.visit_page(kind)
    pages.services_tab(**{setting: False})
    html = pages.visit_page(kind, 403)
    assert "<form method=\"post\" novalidate>" not in html


def test_the_ticket_form_about_a_visit_names_it_as_billing_does(pages):
    html = pages.visit_page("ticket")
    assert f"About: <strong>{pages.visit['label']}</strong>" in html
    assert f'name="reference_id" value="{pages.visit["id"]}"' in html
    category = re.search(r'<option value="(\d+)"', html).group(1)
    opened = pages.client.post(pages.path("tickets/new"), data={
        "csrf_token": csrf_of(html), "category_id": category, "body": "The gate code changed",
        "reference_kind": "visit", "reference_id": str(pages.visit["id"]), "reference_label": "My own words"})
    assert opened.status_code == 303
    ticket = pages.client.get(opened.headers["Location"]).get_data(as_text=True)
    assert pages.visit["label"] in ticket and "My own words" not in ticket


def test_a_client_requests_a_service_and_the_page_is_hidden_when_off(pages):
    pages.billing("create_service", {"name": "Hedge trimming", "price": 9_000, "description": "Both sides"})
    html = pages.client_page("services/request")
    assert "Hedge trimming" in html and 'name="service_id"' in html
    service_id = re.search(r'<option value="(\d+)">Hedge trimming', html).group(1)
    sent = pages.post("services/request", html, service_id=service_id, preferred_date_1=day(4), note="Front")
    assert sent.status_code == 200 and "Request sent" in sent.get_data(as_text=True)
    pages.services_tab(allow_service_requests=False)
    assert 'name="service_id"' not in pages.client_page("services/request", 403)
