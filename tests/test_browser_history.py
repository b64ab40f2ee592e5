"""A client account's history page in a real browser: reached from the client page, filtered, accessible (axe),
and usable on a phone."""
import pytest
from playwright.sync_api import expect

from portico_testing import wait_for

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from tests.portal_helpers import registered_client
from tests.test_browser_staff import sign_in

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]


def test_staff_read_filter_and_download_a_clients_history(system, page, site):
    tenant, owner = system.new_tenant()
    client, _ = registered_client(system, tenant, name="Quinn Historian")
    staff = system.context(tenant)
    system.rpc.call("accounts", "update_client", client["id"], {"phone": "+1 555 010 0177"}, context=staff)
    wait_for(lambda: len(system.rpc.call("notifications", "list_audit", client["id"], context=staff)["items"]) >= 4,
             timeout=30, message="the client's history")
    sign_in(page, site, owner)
    page.goto(f"{site}/staff/clients/{client['id']}")
    page.get_by_role("link", name="History: what the client and your team did on this account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History: Quinn Historian")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Portal account activated")
    expect(table).to_contain_text("+1 555 010 0177")
    assert axe_violations(page) == []

    page.get_by_label("Done by").select_option("client")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("Portal account activated")
    expect(page.get_by_role("table")).not_to_contain_text("Account edited (staff)")

    page.get_by_label("From (day)").fill("2001-02-03")
    page.get_by_label("To (day)").fill("2001-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a last day on or after the first day.")
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == f"client-{client['id']}-history.csv"

    page.set_viewport_size(PHONE)
    page.goto(f"{site}/staff/clients/{client['id']}/history")
    assert horizontal_overflow(page) == 0
