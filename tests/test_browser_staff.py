"""Staff pages in a real browser: sign-in, the settings tabs, accessibility and phone layout."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

TABS = ("general", "billing", "services", "tickets", "alerts")
SCREENSHOT = "/tmp/settings-phone.png"


def submit(page, button_name):
    """Press a submit button and wait for the page it leads to; return the response to the post."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name).click()
    request = navigation.value.request
    while request.redirected_from is not None:  # back to the post itself
        request = request.redirected_from
    return request.response()


def fill_in_sign_in(page, credentials):
    """Fill in and send the sign-in form on the current page; return the response to the post."""
    page.get_by_label("Email address").fill(credentials["email"])
    page.get_by_label("Password", exact=True).fill(credentials["password"])
    return submit(page, "Sign in")


def sign_in(page, site, credentials):
    page.goto(f"{site}/staff/sign-in")
    return fill_in_sign_in(page, credentials)


def settings_of(system, tenant, service, tab):
    return system.rpc.call(service, "get_settings", tab, context=system.context(tenant))


def test_staff_renames_the_business_and_sees_it_after_reload(system, page, site):
    tenant, owner = system.new_tenant()
    sign_in(page, site, owner)
    expect(page).to_have_url(f"{site}/staff/settings")
    expect(page.locator(".brand")).to_have_text("Green Acres Lawn Care")
    expect(page.get_by_role("link", name="General")).to_have_attribute("aria-current", "page")

    page.get_by_label("Client portal display name").fill("Blue Lagoon Pool Service")
    response = submit(page, "Save General settings")

    assert response.status == 303
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_label("Client portal display name")).to_have_value("Blue Lagoon Pool Service")
    expect(page.locator(".brand")).to_have_text("Blue Lagoon Pool Service")
    assert settings_of(system, tenant, "accounts", "general")["display_name"] == "Blue Lagoon Pool Service"


def test_pages_send_a_content_security_policy_their_scripts_obey(system, page, site):
    _, owner = system.new_tenant()
    sign_in(page, site, owner)
    response = page.goto(f"{site}/staff/settings/services")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    # The select-all button appears only once portico.js has run under that policy.
    expect(page.get_by_role("button", name="Select all on this tab")).to_be_visible()


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_email(system, page, site):
    _, owner = system.new_tenant()
    response = sign_in(page, site, {"email": owner["email"], "password": "not the password at all"})

    assert response.status == 401
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The email or password is not correct.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(owner["email"])
    expect(page.get_by_label("Password", exact=True)).to_have_value("")


def test_a_blank_sign_in_form_names_each_missing_field(system, page, site):
    page.goto(f"{site}/staff/sign-in")
    response = submit(page, "Sign in")

    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-describedby", "password-error")
    expect(page.locator("#password-error")).to_contain_text("Enter your password.")


def test_invalid_settings_show_field_errors_and_change_nothing(system, page, site):
    tenant, owner = system.new_tenant()
    before = settings_of(system, tenant, "accounts", "general")
    sign_in(page, site, owner)

    page.get_by_label("Client portal display name").fill("A new name that should not be kept")
    page.get_by_label("Minimum password length").fill("5")
    response = submit(page, "Save General settings")

    assert response.status == 400
    expect(page).to_have_title("Error: General settings – Portico")
    expect(page.get_by_role("alert")).to_contain_text("Minimum password length:")
    length = page.get_by_label("Minimum password length")
    expect(length).to_have_value("5")
    expect(length).to_have_attribute("aria-invalid", "true")
    expect(length).to_have_attribute("aria-describedby", "hint-min_password_length error-min_password_length")
    expect(page.locator("#error-min_password_length")).to_contain_text("greater than or equal to 12")
    # The valid change typed beside the bad one is shown again, but not saved.
    expect(page.get_by_label("Client portal display name")).to_have_value("A new name that should not be kept")
    assert settings_of(system, tenant, "accounts", "general") == before

    page.get_by_label("Client portal display name").fill("x" * 121)
    page.get_by_label("Minimum password length").fill("twelve")
    response = submit(page, "Save General settings")

    assert response.status == 400
    expect(page.locator("#error-min_password_length")).to_contain_text("Enter a whole number")
    page.get_by_label("Minimum password length").fill("14")
    response = submit(page, "Save General settings")

    assert response.status == 400
    expect(page.locator("#error-display_name")).to_contain_text("between 1 and 120")
    expect(page.get_by_role("alert").get_by_role("link")).to_have_count(1)
    assert settings_of(system, tenant, "accounts", "general") == before


def test_a_form_with_a_stale_csrf_token_changes_nothing(system, page, site):
    tenant, owner = system.new_tenant()
    sign_in(page, site, owner)
    page.get_by_label("Client portal display name").fill("Forged Name Ltd")
    page.locator("form.settings-form input[name=csrf_token]").evaluate("input => input.value = 'stale'")
    response = submit(page, "Save General settings")

    assert response.status == 403
    expect(page.get_by_role("main")).to_contain_text("The form has expired")
    assert settings_of(system, tenant, "accounts", "general")["display_name"] == "Green Acres Lawn Care"


def test_select_all_ticks_every_box_on_the_tab(system, page, site):
    tenant, owner = system.new_tenant()
    sign_in(page, site, owner)
    page.get_by_role("navigation", name="Settings tabs").get_by_role("link", name="Services").click()
    boxes = page.locator("form.settings-form input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    assert any(not boxes.nth(index).is_checked() for index in range(boxes.count()))

    page.get_by_role("button", name="Select all on this tab").click()
    expect(page.get_by_role("status")).to_contain_text("Selected all")
    submit(page, "Save Services settings")

    expect(page.get_by_role("status")).to_contain_text("Saved")
    saved = settings_of(system, tenant, "billing", "services")
    assert all(value is True for value in saved.values() if isinstance(value, bool))


def test_alerts_offer_staff_by_name(system, page, site):
    tenant, owner = system.new_tenant()
    sign_in(page, site, owner)
    page.goto(f"{site}/staff/settings/alerts")
    payment_made = page.get_by_role("group", name="Payment made", exact=True)
    payment_made.get_by_label("Olive Owner").check()
    # Each action also has its own "also by email" switch, off until ticked.
    by_email = page.get_by_label("Payment made: also by email", exact=True)
    expect(by_email).not_to_be_checked()
    by_email.check()
    submit(page, "Save Alerts settings")

    expect(page.get_by_role("status")).to_contain_text("Saved")
    owner_id = system.rpc.call("accounts", "list_staff_users", context=system.context(tenant))[0]["id"]
    saved = settings_of(system, tenant, "notifications", "alerts")
    assert saved["payment_made"] == [owner_id] and saved["email_payment_made"] is True
    assert saved["email_payment_failed"] is False
    expect(page.get_by_role("group", name="Payment made", exact=True).get_by_label("Olive Owner")).to_be_checked()
    expect(page.get_by_label("Payment made: also by email", exact=True)).to_be_checked()


def test_signing_out_ends_the_session_and_signing_in_returns_to_the_page(system, page, site):
    _, owner = system.new_tenant()
    sign_in(page, site, owner)
    submit(page, "Sign out")

    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(f"{site}/staff/settings/tickets")
    expect(page).to_have_url(f"{site}/staff/sign-in?next=/staff/settings/tickets")
    fill_in_sign_in(page, owner)
    expect(page).to_have_url(f"{site}/staff/settings/tickets")


def test_sign_in_and_settings_pages_have_no_wcag_violations(system, page, site):
    _, owner = system.new_tenant()
    page.goto(f"{site}/staff/sign-in")
    assert axe_violations(page) == []
    sign_in(page, site, {"email": owner["email"], "password": "wrong password, twice over"})
    assert axe_violations(page) == []

    sign_in(page, site, owner)
    for tab in TABS:
        page.goto(f"{site}/staff/settings/{tab}")
        assert axe_violations(page) == [], tab
    page.goto(f"{site}/staff/settings")
    page.get_by_label("Minimum password length").fill("5")
    submit(page, "Save General settings")
    assert axe_violations(page) == [], "general settings with errors"
    for path in ("/staff/settings/no-such-tab", "/api/docs"):
        page.goto(f"{site}{path}")
        assert axe_violations(page) == [], path


def test_settings_fit_a_phone_screen(system, page, site):
    _, owner = system.new_tenant(display_name="Sparkling Windows & Gutters of the Greater Metro Area")
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/staff/sign-in")
    assert horizontal_overflow(page) == 0, "sign-in"
    fill_in_sign_in(page, owner)
    for tab in TABS:
        page.goto(f"{site}/staff/settings/{tab}")
        assert horizontal_overflow(page) == 0, tab
    page.goto(f"{site}/staff/settings")
    page.screenshot(path=SCREENSHOT, full_page=True)
