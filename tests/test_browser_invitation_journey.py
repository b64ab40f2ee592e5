"""Acceptance test of "Clients, related properties and portal sign-in", end to end in a real browser.

Staff invite a client from the staff pages; the invitation goes out through the real SMTP server;
the client registers from the emailed link, switches to a related property, edits a custom field,
signs out, and signs in again with a one-time code read from the email it was sent in.
"""
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import Problems
from tests.portal_helpers import as_staff, change_general_settings
from tests.test_browser_staff import sign_in as staff_sign_in
from tests.test_browser_staff import submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

BUSINESS = "Riverbend Pool & Patio Care"
CLIENT_NAME = "River Rowe"
PROPERTY_NAME = "Rowe boathouse"
PASSWORD = "willow kettle drifts sideways"


@pytest.fixture
def client_page(chromium):
    """A browser of the client's own: a context apart from staff's, failing the test on page problems."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    client_page = context.new_page()
    problems = Problems(client_page)
    yield client_page
    context.close()
    assert problems.seen == [], problems.seen


# --- setting up through RPC -------------------------------------------------------------------------

def business_with_a_client(system):
    """A business showing "Gate code" to clients, and a client (unique email) with a related property."""
    tenant, owner = system.new_tenant(display_name=BUSINESS)
    as_staff(system, tenant, "create_custom_field", {"key": "gate_code", "label": "Gate code", "type": "text"})
    change_general_settings(system, tenant, custom_fields_visible=["gate_code"])
    client = as_staff(system, tenant, "create_client",
                      {"name": CLIENT_NAME, "email": f"river-{uuid.uuid4().hex}@example.com"})
    as_staff(system, tenant, "create_client", {"name": PROPERTY_NAME, "parent_id": client["id"]})
    return tenant, owner, client


# --- staff ------------------------------------------------------------------------------------------

def staff_invite_from_portal_users(page, site, owner, client_name):
    staff_sign_in(page, site, owner)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Portal users").click()
    page.get_by_label(client_name, exact=True).check()
    submit(page, "Invite or resend invitation")

    expect(page.get_by_role("status")).to_contain_text("Sent 1 of 1.")
    results = page.get_by_role("region", name="What was sent")
    expect(results.get_by_role("row", name=client_name)).to_contain_text("Invitation sent")


# --- email ------------------------------------------------------------------------------------------

def path_on_site(site, link):
    """The emailed link opened on the test site: links carry PORTICO_BASE_URL's origin, not the site's."""
    parts = urlsplit(link)
    return f"{site}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def invitation_link(system, site, email):
    mail = system.mail.wait_for_message(email, matching=lambda mail: "invitation" in mail.subject.lower())
    return path_on_site(site, mail.link("/invitation/"))


def emailed_sign_in_code(system, email):
    return system.mail.wait_for_message(email, matching=lambda mail: "sign-in code" in mail.subject).code()


# --- the client -------------------------------------------------------------------------------------

def portal_home(site, tenant):
    return f"{site}/p/{tenant['slug']}/"


def expect_portal_home(page, site, tenant):
    expect(page).to_have_url(portal_home(site, tenant))
    expect(page.locator(".brand")).to_have_text(BUSINESS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello")
    expect(page.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")


def accept_invitation(page, link, email):
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your portal account")
    expect(page.get_by_role("main")).to_contain_text(f"Welcome, {CLIENT_NAME}.")
    expect(page.get_by_role("main")).to_contain_text(email)
    page.get_by_label("Choose a password").fill(PASSWORD)
    submit(page, "Set password and sign in")


def switch_account(page, name):
    page.get_by_label("Account", exact=True).select_option(label=name)
    submit(page, "Switch")
    expect(page.get_by_text(f"You are viewing {name}")).to_be_visible()
    expect(page.get_by_label("Account", exact=True).locator("option:checked")).to_have_text(name)
    expect(page.get_by_role("article", name="Your account")).to_contain_text(name)


def edit_gate_code(page, value):
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account")
    page.get_by_label("Gate code").fill(value)
    response = submit(page, "Save details")
    assert response.status == 303
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_label("Gate code")).to_have_value(value)


def sign_out_for_good(page, site, tenant):
    """Sign out; then show the server forgot the session: the old cookie, put back, is refused."""
    old_cookies = page.context.cookies()
    submit(page, "Sign out")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")

    page.context.add_cookies(old_cookies)
    page.goto(portal_home(site, tenant))
    expect(page).to_have_url(f"{site}/p/{tenant['slug']}/sign-in?ended=1")
    expect(page.get_by_role("status")).to_have_text("Your session has ended. Please sign in again.")
    page.goto(portal_home(site, tenant))  # the refused cookie was dropped: a plain sign-in page now
    expect(page).to_have_url(f"{site}/p/{tenant['slug']}/sign-in")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def sign_in_with_emailed_code(page, system, email):
    page.get_by_role("link", name="Email me a code instead").click()
    page.get_by_label("Email", exact=True).fill(email)
    submit(page, "Send me a code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("6-digit code").fill(emailed_sign_in_code(system, email))
    submit(page, "Sign in")


# --- the journey ------------------------------------------------------------------------------------

def test_an_invited_client_registers_switches_property_edits_a_field_and_signs_in_with_a_code(
        system, page, client_page, site):
    tenant, owner, client = business_with_a_client(system)
    email = client["email"]

    staff_invite_from_portal_users(page, site, owner, CLIENT_NAME)
    link = invitation_link(system, site, email)

    accept_invitation(client_page, link, email)
    expect_portal_home(client_page, site, tenant)
    expect(client_page.get_by_text(f"You are viewing {CLIENT_NAME}")).to_be_visible()

    switch_account(client_page, PROPERTY_NAME)
    switch_account(client_page, CLIENT_NAME)

    edit_gate_code(client_page, "4512#")

    sign_out_for_good(client_page, site, tenant)

    sign_in_with_emailed_code(client_page, system, email)
    expect_portal_home(client_page, site, tenant)
    assert system.mail.messages_to(email) == [], "no email to the client beyond the invitation and the code"
