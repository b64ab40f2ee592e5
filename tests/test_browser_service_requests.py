"""Service requests in real browsers: a client on a phone asks to move a visit, staff accept it from the ticket it
became (the visit moves, the client reads the outcome); past the cut-off the page says until when and how to reach
the business; a client requests a new service. Every page passes the accessibility checks without scrolling
sideways on a phone."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portico_testing import wait_for

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, checked_page, horizontal_overflow
from tests.portal_helpers import CLIENT_PASSWORD, change_general_settings, registered_client
from tests.test_browser_staff import sign_in as staff_sign_in
from tests.test_browser_staff import submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"
TODAY = date.today()


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def staff_page(chromium):
    with checked_page(chromium) as page:
        yield page


def clean(page):
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0


def a_business_with_a_visit(system):
    tenant, owner = system.new_tenant(display_name="Tidy Hedges")
    change_general_settings(system, tenant, contact_phone="+1 555 010 0199", contact_email="office@tidy.example")
    record, session = registered_client(system, tenant, name="Robin Client")
    staff = system.context(tenant)
    job = system.rpc.call("billing", "create_job", {
        "account_id": record["id"], "title": "Weekly mowing", "price": 4_500, "recurrence": "weekly",
        "schedule": {"start_on": day(3), "window_start": "09:00", "window_end": "11:00"}}, context=staff)
    return tenant, owner, session, job


def sign_in(page, site, tenant, session):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(session["portal_user"]["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Sign in")


def test_a_client_on_a_phone_asks_to_reschedule_and_staff_accept_from_the_ticket(system, page, site, staff_page):
    tenant, owner, session, job = a_business_with_a_visit(system)
    visit = job["visits"][0]
    sign_in(page, site, tenant, session)
    page.goto(f"{site}/p/{tenant['slug']}/services/visits/{visit['id']}/reschedule")
    expect(page.get_by_role("heading", name="Reschedule a visit")).to_be_visible()
    clean(page)
    page.get_by_label("Preferred date 1").fill(day(5))
    page.get_by_label("Note (optional)").fill("After 10 please")
    submit(page, "Ask to reschedule")
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    clean(page)

    staff_sign_in(staff_page, site, owner)

    def ticket_listed():
        staff_page.goto(f"{site}/staff/tickets")
        return staff_page.get_by_role("link", name=f"Reschedule: {visit['label']}").count()
    wait_for(ticket_listed, timeout=20, message="the request's ticket")
    staff_page.get_by_role("link", name=f"Reschedule: {visit['label']}").click()
    expect(staff_page.get_by_label("New date")).to_have_value(day(5))
    assert axe_violations(staff_page) == []
    submit(staff_page, "Accept and move the visit")
    expect(staff_page.get_by_text("The request is answered")).to_be_visible()

    page.goto(f"{site}/p/{tenant['slug']}/tickets?status=closed")
    wait_for(lambda: page.reload() and page.get_by_role("link", name=f"Reschedule: {visit['label']}").count(),
             timeout=20, interval=0.25, message="the closed ticket")
    page.get_by_role("link", name=f"Reschedule: {visit['label']}").click()
    expect(page.get_by_text("We moved your visit to")).to_be_visible()
    clean(page)


def test_past_the_cut_off_the_page_gives_the_business_phone_and_a_service_can_be_requested(system, page, site):
    tenant, _, session, job = a_business_with_a_visit(system)
    staff = system.context(tenant)
    system.rpc.call("billing", "update_settings", "services", {"request_cutoff_hours": 24 * 5}, context=staff)
    system.rpc.call("billing", "create_service", {"name": "Hedge trimming", "price": 9_000}, context=staff)
    sign_in(page, site, tenant, session)
    page.goto(f"{site}/p/{tenant['slug']}/services/visits/{job['visits'][0]['id']}/cancel")
    expect(page.get_by_role("alert")).to_contain_text("requests about this visit were possible until")
    expect(page.get_by_role("link", name="Call +1 555 010 0199").last).to_be_visible()
    clean(page)

    page.goto(f"{site}/p/{tenant['slug']}/services/request")
    clean(page)
    page.get_by_label("Service").select_option(label="Hedge trimming")
    page.get_by_label("Preferred date 1").fill(day(4))
    submit(page, "Send request")
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    page.goto(f"{site}/p/{tenant['slug']}/services/visits/{job['visits'][0]['id']}/ticket")
    expect(page.get_by_text(job["visits"][0]["label"])).to_be_visible()
    clean(page)
