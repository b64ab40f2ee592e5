"""The client emails editor and the Account tab's message choices in a real browser: accessible, fit a phone, and
a wrong placeholder shown beside its input."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from tests.portal_helpers import CLIENT_PASSWORD, registered_client

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()


def test_staff_edit_the_invoice_email_and_a_wrong_placeholder_is_shown(system, page, site):
    tenant, owner = system.new_tenant()
    page.goto(f"{site}/staff/sign-in")
    page.get_by_label("Email address").fill(owner["email"])
    page.get_by_label("Password", exact=True).fill(owner["password"])
    submit(page, "Sign in")
    page.goto(f"{site}/staff/settings/emails")
    assert axe_violations(page) == [], "list"
    page.get_by_role("link", name="Invoice email").click()
    expect(page.get_by_role("heading", name="Invoice email")).to_be_visible()
    assert axe_violations(page) == [], "editor"
    page.get_by_label("Subject").fill("Your bill {bill_number}")
    submit(page, "Save invoice email")
    expect(page.get_by_text("Unknown placeholder {bill_number}").first).to_be_visible()
    assert axe_violations(page) == [], "editor with errors"
    page.get_by_label("Subject").fill("Your bill #{invoice_number}")
    submit(page, "Save invoice email")
    expect(page.get_by_text("Email saved.")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0


def test_a_client_chooses_text_messages_for_reminders_on_the_account_tab(system, page, site):
    tenant, _ = system.new_tenant()
    client, _ = registered_client(system, tenant)
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(client["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Sign in")
    page.goto(f"{site}/p/{tenant['slug']}/account#messages")
    page.get_by_label("Visit reminders by text message").check()
    submit(page, "Save message choices")
    expect(page.get_by_text("Your message choices are up to date.")).to_be_visible()
    expect(page.get_by_label("Visit reminders by text message")).to_be_checked()
    assert axe_violations(page) == []
    assert horizontal_overflow(page) == 0
