"""Client portal pages in a real browser: sign-in flows, Home and Account, accessibility and phone layout."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from portico_testing import images
from tests.portal_helpers import (CLIENT_PASSWORD, as_staff, change_general_settings, create_client, invite,
                                  login_code, registered_client, set_logo)

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


@pytest.fixture
def business(system):
    """A business with everything the portal header can show: logo, contact menu and social links."""
    tenant, _ = system.new_tenant(display_name="Evergreen Lawn & Garden Maintenance Specialists Ltd")
    change_general_settings(system, tenant, contact_email="hello@evergreen-lawn-and-garden.example",
                            contact_phone="+1 555 010 0199", facebook_page="evergreenlawns",
                            twitter_handle="evergreen", linkedin_slug="evergreen-lawns",
                            security_questions_enabled=True, custom_fields_visible=["gate_code", "visits"])
    as_staff(system, tenant, "create_custom_field", {"key": "gate_code", "label": "Gate code", "type": "text"})
    as_staff(system, tenant, "create_custom_field", {"key": "visits", "label": "Preferred day", "type": "choice",
                                                     "choices": ["Monday", "Friday"]})
    set_logo(system, tenant, images.image("PNG", size=(1, 1)))
    return tenant


def submit(page, button_name):
    """Press a submit button and wait for the page it leads to; return the response to the post."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name).click()
    request = navigation.value.request
    while request.redirected_from is not None:
        request = request.redirected_from
    return request.response()


def sign_in(page, site, tenant, email, password=CLIENT_PASSWORD):
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    return submit(page, "Sign in")


def test_a_client_signs_in_switches_property_and_edits_the_account(system, page, site, business):
    main = create_client(system, business, name="Pat Main")
    as_staff(system, business, "create_client", {"name": "Lake Cottage", "parent_id": main["id"]})
    system.http.post(f"/api/v1/portal/{business['slug']}/invitations/{invite(system, business, main)}",
                     json={"password": CLIENT_PASSWORD})

    sign_in(page, site, business, main["email"])
    expect(page).to_have_url(f"{site}/p/{business['slug']}/")
    expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.locator(".brand")).to_contain_text("Evergreen Lawn")
    page.get_by_label("Account", exact=True).select_option(label="Lake Cottage")
    submit(page, "Switch")
    expect(page.get_by_text("You are viewing Lake Cottage")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    page.get_by_label("Gate code").fill("4512")
    page.get_by_label("Preferred day").select_option("Friday")
    response = submit(page, "Save details")
    assert response.status == 303
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.get_by_label("Gate code")).to_have_value("4512")

    submit(page, "Sign out")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")


def test_code_sign_in_in_the_browser(system, page, site, business):
    client, session = registered_client(system, business)
    page.goto(f"{site}/p/{business['slug']}/sign-in")
    page.get_by_role("link", name="Email me a code instead").click()
    page.get_by_label("Email", exact=True).fill(client["email"])
    submit(page, "Send me a code")

    code_input = page.get_by_label("6-digit code")
    expect(code_input).to_have_attribute("inputmode", "numeric")
    code_input.fill(login_code(system, session["portal_user"]["id"]))
    submit(page, "Sign in")

    expect(page).to_have_url(f"{site}/p/{business['slug']}/")


def test_portal_pages_have_no_wcag_violations_and_fit_a_phone(system, page, site, business):
    slug = business["slug"]
    invited = create_client(system, business, name="Ivy Invitee")
    token = invite(system, business, invited)
    client, _ = registered_client(system, business)
    page.set_viewport_size(PHONE)

    checked = []

    def check(what):
        assert axe_violations(page) == [], what
        assert horizontal_overflow(page) == 0, what
        checked.append(what)

    for path in ("sign-in", "sign-in/code", "reset", f"invitation/{token}", "invitation/not-a-token",
                 "reset/not-a-token"):
        page.goto(f"{site}/p/{slug}/{path}")
        check(path)
    page.goto(f"{site}/p/{slug}/invitation/{token}")
    page.get_by_label("Choose a password").fill("short")
    submit(page, "Set password and sign in")
    expect(page.get_by_role("alert")).to_be_focused()
    check("invitation with errors")
    page.goto(f"{site}/p/{slug}/sign-in")
    page.get_by_label("Email", exact=True).fill(client["email"])
    submit(page, "Sign in")
    check("sign-in with errors")

    sign_in(page, site, business, client["email"])
    check("home")
    page.locator(".contact-menu summary").click()
    expect(page.get_by_role("link", name="Call +1 555 010 0199")).to_be_visible()
    check("home with the contact menu open")
    page.goto(f"{site}/p/{slug}/account")
    check("account")
    page.get_by_label("New email address").fill("not an email")
    submit(page, "Send a code to this address")
    check("account with errors")
    page.goto(f"{site}/p/no-such-business/sign-in")
    check("unknown business")
    assert len(checked) == 13
