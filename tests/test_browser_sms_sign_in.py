"""A client signs in with a code they read on the development SMS inbox's page, in a real browser, as a developer
does under ``make up``; the inbox's page passes axe too."""
import re

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import AXE_SCRIPT, AXE_URL_PATH, axe_violations
from portico_testing import wait_for
from tests.portal_helpers import bearer, portal_api, registered_client
from tests.sms_inbox import CODE, mobile, sms_inbox  # noqa: F401 (sms_inbox is a fixture)

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


@pytest.fixture
def inbox_page(chromium):
    """A page for the SMS inbox; its content security policy runs no script, so axe is let in past it."""
    context = chromium.new_context(bypass_csp=True)
    context.route(f"**{AXE_URL_PATH}", lambda route: route.fulfill(path=AXE_SCRIPT,
                                                                   content_type="application/javascript"))
    yield context.new_page()
    context.close()


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()


def code_on_the_inbox_page(inbox_page, inbox_url, number):
    """Open the inbox's page (again) until a text to ``number`` is listed; return the code in it."""
    def listed():
        inbox_page.goto(f"{inbox_url}/sms")
        row = inbox_page.get_by_role("row").filter(has_text=number)
        return row.count() and row.first.inner_text()
    return CODE.search(wait_for(listed, timeout=30, interval=0.5, message=f"a text to {number}")).group(1)


def test_a_client_signs_in_with_the_code_on_the_sms_inbox_page(system, page, site, sms_inbox, inbox_page):
    tenant, _ = system.new_tenant()
    client, session = registered_client(system, tenant)
    number = mobile()
    system.http.patch(f"{portal_api(tenant)}/account", json={"mobile_phone": number},
                      headers=bearer(session["token"]))

    page.goto(f"{site}/p/{tenant['slug']}/sign-in/code")
    page.get_by_label("Email", exact=True).fill(client["email"])
    submit(page, "Send me a code")
    code = code_on_the_inbox_page(inbox_page, sms_inbox, number)
    page.get_by_label("6-digit code").fill(code)
    submit(page, "Sign in")

    expect(page).to_have_url(f"{site}/p/{tenant['slug']}/")
    expect(inbox_page.get_by_role("heading", level=1)).to_have_text("Development SMS inbox")
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", inbox_page.get_by_role("row").nth(1).inner_text())
    assert axe_violations(inbox_page) == []
