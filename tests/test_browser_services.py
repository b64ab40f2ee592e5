"""The client's Services tab in a real browser on a phone: the home page's next visit, the tab's visit cards with what
each allows, the waiting list, paused services and history, and the calendar box (make an address, copy, revoke);
every page has no WCAG violation and fits the phone."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, checked_page, horizontal_overflow
from tests.portal_helpers import registered_client
from tests.test_browser_portal import sign_in
from tests.test_browser_staff import submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def day(offset):
    return (date.today() + timedelta(days=offset)).isoformat()


def clean(page, what):
    assert axe_violations(page) == [], what
    assert horizontal_overflow(page) == 0, what


def test_a_client_on_a_phone_reads_the_services_tab_and_subscribes_to_the_calendar(system, chromium, site):
    tenant, _ = system.new_tenant(display_name="Green Acres Lawn Care")
    billing = lambda method, *args: system.rpc.call("billing", method, *args,  # noqa: E731
                                                    context=system.context(tenant))
    billing("update_settings", "services", {"show_paused_services": True, "show_job_status": True,
                                            "show_service_notes": True, "request_cutoff_hours": 48})
    client, _ = registered_client(system, tenant, name="Casey Client")
    mowing = billing("create_job", {"account_id": client["id"], "title": "Weekly mowing", "recurrence": "weekly",
                                    "schedule": {"start_on": day(-7), "window_start": "09:00", "window_end": "11:00"}})
    billing("complete_visit", mowing["visits"][0]["id"], {"notes": "Mowed and edged; next week we trim the hedge."})
    billing("set_job_client_status", mowing["id"], {"client_status": "Work in progress"})
    billing("create_job", {"account_id": client["id"], "title": "Gutter cleaning"})
    hedge = billing("create_job", {"account_id": client["id"], "title": "Hedge trimming", "recurrence": "monthly",
                                   "schedule": {"start_on": day(3)}})
    billing("pause_job", hedge["id"], {"reason": "Away until March."})

    with checked_page(chromium, PHONE) as page:
        sign_in(page, site, tenant, client["email"])
        panel = page.get_by_role("article", name="Services")
        expect(panel).to_contain_text("Weekly mowing")
        clean(page, "home with the Services panel")
        page.get_by_role("navigation", name="Portal").get_by_role("link", name="Services").click()
        expect(page.get_by_role("heading", name="Services", exact=True)).to_be_visible()
        clean(page, "the Services tab")
        soon = page.get_by_role("article").filter(has_text="Work in progress").first
        expect(soon).to_contain_text("09:00–11:00")
        expect(soon).to_contain_text("could be asked for until")  # within 48 hours: no reschedule or cancel
        later = page.get_by_role("article", name="Weekly mowing").nth(1)
        expect(later.get_by_role("link", name="Reschedule")).to_be_visible()
        expect(later.get_by_role("link", name="Cancel")).to_be_visible()
        expect(later.get_by_role("link", name="Ask about this visit")).to_be_visible()
        expect(page.get_by_text("Away until March.")).to_be_visible()
        expect(page.get_by_text("Mowed and edged; next week we trim the hedge.")).to_be_visible()
        expect(page.get_by_role("article", name="Gutter cleaning")).to_be_visible()

        submit(page, "Make my calendar address")
        url = page.get_by_label("Your calendar address").input_value()
        assert url.startswith(f"{site}/calendar/") and url.endswith(".ics"), url
        feed = page.request.get(url)
        assert feed.status == 200 and "BEGIN:VCALENDAR" in feed.text() and "Weekly mowing" in feed.text()
        clean(page, "the address shown once")
        page.get_by_role("button", name="Copy").click()
        expect(page.locator("#calendar-copied")).not_to_be_empty()
        submit(page, "Revoke the address")
        expect(page.get_by_role("status")).to_contain_text("revoked")
        assert page.request.get(url).status == 404
        clean(page, "after revoking")
