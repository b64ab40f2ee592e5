"""Estimates in a real browser: staff draft an estimate with lines for a client and send it; the client, on a
phone, reads it, approves it with a note and is told the job is on the waiting list; staff see the alert. Every
new page has no WCAG violation and fits a phone."""
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


def test_staff_send_an_estimate_and_the_client_approves_it_on_a_phone(system, chromium, page, site):
    tenant, owner = system.new_tenant()
    system.rpc.call("notifications", "update_settings", "alerts", {"estimate_decided": [tenant["owner"]["id"]]},
                    context=system.context(tenant))
    client, _ = registered_client(system, tenant, name="Jordan Rivera")

    staff_sign_in(page, site, owner)
    page.goto(f"{site}/staff/clients/{client['id']}")
    page.get_by_role("link", name="Estimates: drafts, sent and decided, and a new one").click()
    clean(page, "staff estimates, empty")
    page.get_by_label("Title").fill("Spring aeration and overseeding")
    page.get_by_label("Description").fill("Core aeration")
    page.get_by_label("Unit price ($)").fill("120.00")
    submit(page, "Save and send to the client")
    expect(page.get_by_role("status")).to_contain_text("Estimate sent")
    clean(page, "staff estimate, sent")

    with checked_page(chromium, PHONE) as client_page:
        client_sign_in(client_page, site, tenant, client["email"])
        client_page.get_by_role("navigation", name="Portal").get_by_role("link", name="Estimates").click()
        clean(client_page, "client estimates")
        client_page.get_by_role("link", name="Spring aeration and overseeding").click()
        expect(client_page.get_by_role("cell", name="Core aeration")).to_be_visible()
        clean(client_page, "client estimate, to decide")
        client_page.get_by_label("Note (optional)").fill("Any weekday morning suits us.")
        client_page.get_by_role("button", name="Approve estimate").click()
        expect(client_page.get_by_role("status")).to_contain_text("The work is on our waiting list")
        clean(client_page, "client estimate, approved")

    page.goto(f"{site}/staff/alerts")
    expect(page.get_by_text("approved estimate #1001")).to_be_visible()
