"""Announcements and notifications in a real browser: staff publish an announcement from the staff navigation; a
client (on a phone) signs in and sees it once as a notice and in the Home panel, dismisses it, and finds it in
What's new and on the Notifications page, marked read there; every new page has no WCAG violation and fits a phone."""
from datetime import date

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, checked_page, horizontal_overflow
from tests.portal_helpers import registered_client
from tests.test_browser_portal import sign_in as client_sign_in
from tests.test_browser_staff import sign_in as staff_sign_in, submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def clean(page, what):
    assert axe_violations(page) == [], what
    assert horizontal_overflow(page) == 0, what


def test_staff_publish_and_the_client_sees_the_notice_once_and_the_panel(system, chromium, page, site):
    tenant, owner = system.new_tenant(display_name="Green Acres Lawn Care")
    client, _ = registered_client(system, tenant, name="Jordan Rivera")

    staff_sign_in(page, site, owner)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Announcements").click()
    clean(page, "staff announcements, none yet")
    page.get_by_label("Title").fill("Closed for the holidays")
    page.get_by_label("Text (HTML)").fill("<p>We are closed from <strong>Dec 24</strong> to Jan 2.</p>")
    page.get_by_label("First day shown").fill(date.today().isoformat())
    page.get_by_label("Last day shown").fill("2000-01-01")
    assert submit(page, "Publish announcement").status == 400
    expect(page.get_by_text("The end date must be on or after the start date.").first).to_be_visible()
    clean(page, "staff announcements, a mistake")
    page.get_by_label("Last day shown").fill("")
    submit(page, "Publish announcement")
    expect(page.get_by_role("status")).to_contain_text("Announcement published.")
    expect(page.get_by_role("link", name="Closed for the holidays")).to_be_visible()
    clean(page, "staff announcements, one published")

    with checked_page(chromium, PHONE) as client_page:
        client_sign_in(client_page, site, tenant, client["email"])
        notice = client_page.get_by_role("region", name="Closed for the holidays")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("We are closed from Dec 24 to Jan 2.")
        expect(client_page.get_by_role("heading", name="Announcements")).to_be_visible()  # the Home panel
        clean(client_page, "home with the notice")
        client_page.reload()
        expect(client_page.get_by_role("region", name="Closed for the holidays")).to_have_count(0)  # once
        expect(client_page.get_by_role("heading", name="Closed for the holidays")).to_be_visible()  # the panel

        client_page.get_by_role("button", name="Sign out").click()
        client_sign_in(client_page, site, tenant, client["email"])  # not dismissed: shown at this sign-in too
        client_page.get_by_role("button", name="Dismiss").click()
        expect(client_page.get_by_role("region", name="Closed for the holidays")).to_have_count(0)

        whats_new = client_page.get_by_role("article").filter(has=client_page.get_by_role("heading",
                                                                                          name="What's new"))
        expect(whats_new).to_contain_text("Closed for the holidays")
        client_page.get_by_role("navigation", name="Portal").get_by_role("link", name="Notifications").click()
        expect(client_page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
        clean(client_page, "notifications page")
        client_page.get_by_role("button", name="Mark all as read").click()
        expect(client_page.get_by_role("status")).to_contain_text("All notifications are marked as read.")
        client_page.get_by_role("link", name="Closed for the holidays").click()
        expect(client_page.get_by_role("heading", name="Closed for the holidays")).to_be_visible()
        clean(client_page, "announcements page")
