"""The field-service journey in real browsers, from the client's Services tab on a phone: upcoming visits and the
service history; a reschedule asked from a visit card outside the cut-off becomes a ticket in the Reschedule
category that staff accept, and the visit moves; a visit inside the cut-off says until when it could be changed and
how to reach the business; an approved estimate's job shows on the waiting list; a new service is requested."""
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
TODAY = date.today()  # the business's time zone is UTC, the default


def day(offset):
    return TODAY + timedelta(days=offset)


def visit_day(value):
    return f"{value:%a} {value.day} {value:%b %Y}"


def clean(page):
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0


def a_lawn_care_business(system):
    """A weekly mowing job begun two weeks ago (two visits done, one today, the next in a week), a 24-hour cut-off,
    a service to request and an estimate sent to the client."""
    tenant, owner = system.new_tenant(display_name="Green Stripes")
    change_general_settings(system, tenant, contact_phone="+1 555 010 0142")
    record, session = registered_client(system, tenant, name="Robin Client")
    billing = lambda method, *args: system.rpc.call("billing", method, *args, context=system.context(tenant))  # noqa
    billing("update_settings", "services", {"request_cutoff_hours": 24, "show_service_notes": True})
    job = billing("create_job", {"account_id": record["id"], "title": "Weekly mowing", "price": 4_500,
                                 "recurrence": "weekly", "schedule": {"start_on": day(-14).isoformat(),
                                                                      "window_start": "00:30", "window_end": "02:00"}})
    for visit in job["visits"][:2]:
        billing("complete_visit", visit["id"], {"notes": "Mowed and edged the front lawn."})
    billing("create_service", {"name": "Hedge trimming", "price": 9_000})
    billing("send_estimate", billing("create_estimate", {
        "account_id": record["id"], "title": "Spring aeration",
        "lines": [{"description": "Core aeration", "unit_price": 12_000}]})["id"])
    return tenant, owner, session, job["visits"]


def services_tab(page):
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", name="Services", exact=True)).to_be_visible()


def card(page, when):
    return page.locator("#upcoming .service-card").filter(has_text=visit_day(when))


def test_a_client_follows_their_services_from_a_phone(system, page, site, chromium):
    tenant, owner, session, visits = a_lawn_care_business(system)
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(session["portal_user"]["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Sign in")
    services_tab(page)
    expect(page.get_by_role("region", name="Service history")).to_contain_text(visit_day(day(-14)))
    expect(page.get_by_role("region", name="Service history")).to_contain_text("Mowed and edged the front lawn.")
    clean(page)

    # Today's visit starts within the day: inside the cut-off, it says until when and how to reach the business.
    expect(card(page, day(0))).to_contain_text("could be asked for until")
    expect(card(page, day(0)).get_by_role("link", name="+1 555 010 0142")).to_be_visible()
    expect(card(page, day(0)).get_by_role("link", name="Reschedule")).to_have_count(0)

    card(page, day(7)).get_by_role("link", name="Reschedule").click()
    page.get_by_label("Preferred date 1").fill(day(9).isoformat())
    submit(page, "Ask to reschedule")
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()

    with checked_page(chromium) as staff_page:
        accept_from_the_ticket(system, staff_page, site, owner, visits[3]["label"])

    services_tab(page)
    expect(card(page, day(9))).to_contain_text("Weekly mowing")
    expect(card(page, day(7))).to_have_count(0)

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Estimates").click()
    page.get_by_role("link", name="Spring aeration").click()
    page.get_by_role("button", name="Approve estimate").click()
    expect(page.get_by_role("status")).to_contain_text("The work is on our waiting list")
    services_tab(page)
    expect(page.get_by_role("region", name="Waiting to be scheduled")).to_contain_text("Spring aeration")

    page.get_by_role("button", name="Request a service").click()
    page.get_by_label("Service").select_option(label="Hedge trimming")
    page.get_by_label("Preferred date 1").fill(day(12).isoformat())
    submit(page, "Send request")
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    clean(page)


def accept_from_the_ticket(system, staff_page, site, owner, label):
    """Staff find the request's ticket in the Reschedule category and accept it on the client's first date."""
    staff_sign_in(staff_page, site, owner)

    def listed():
        staff_page.goto(f"{site}/staff/tickets")
        return staff_page.get_by_role("link", name=f"Reschedule: {label}").count()
    wait_for(listed, timeout=20, message="the reschedule request's ticket")
    staff_page.get_by_role("link", name=f"Reschedule: {label}").click()
    expect(staff_page.get_by_text("Reschedule", exact=True).first).to_be_visible()
    expect(staff_page.get_by_label("New date")).to_have_value(day(9).isoformat())
    submit(staff_page, "Accept and move the visit")
    expect(staff_page.get_by_text("The request is answered")).to_be_visible()
