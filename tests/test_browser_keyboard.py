"""Keyboard only, in a real browser: a client signs in, pays two of three invoices and opens a ticket without a
mouse, the focus visible at every step; every page's footer leads to the accessibility statement.

Moving is pressing Tab (Shift+Tab is never needed), choosing is Space or typing, going is Enter: what a keyboard
or switch user does. A control that Tab never reaches fails the journey.
"""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations
from tests.portal_helpers import CLIENT_PASSWORD, change_general_settings
from tests.test_browser_portal_billing import Client, hosted_forms  # noqa: F401  (a fixture)

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

TABS_AT_MOST = 80  # more than any page here needs to reach any control


@pytest.fixture
def client(system, hosted_forms):  # noqa: F811  (the fixture imported above)
    tenant, _ = system.new_tenant(display_name="Keyway Cleaning")
    return Client(system, tenant, name="Kim Keys")


def tab_to(page, target):
    """Press Tab until ``target`` has the focus; check the focus is drawn where it is."""
    for _ in range(TABS_AT_MOST):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("", "none"), f"no visible focus on {target}"
            return
    raise AssertionError(f"Tab never reached {target}")


def go(page, target):
    """Reach ``target`` with Tab and press Enter on it; wait for the page it leads to."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in_by_keyboard(page, site, client):
    page.goto(f"{site}/p/{client.tenant['slug']}/sign-in")
    tab_to(page, page.get_by_label("Email", exact=True))
    page.keyboard.type(client.email)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(CLIENT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from its last field
    expect(page).to_have_url(f"{site}/p/{client.tenant['slug']}/")


def test_a_client_signs_in_and_pays_two_of_three_invoices_with_the_keyboard_alone(system, page, site, client):
    first, second, third = client.invoice(4_000), client.invoice(2_500), client.invoice(9_900)
    client.card_on_file()

    sign_in_by_keyboard(page, site, client)
    go(page, page.get_by_role("navigation", name="Portal").get_by_role("link", name="Billing"))
    tab_to(page, page.get_by_label(f"Invoice #{third['number']}"))
    page.keyboard.press("Space")  # all unpaid invoices start chosen: leave this one out
    expect(page.get_by_label(f"Invoice #{third['number']}")).not_to_be_checked()
    expect(page.locator("#selection-total")).to_have_text("$65.00 (2 invoices)")
    expect(page.get_by_label("Visa ending 4242")).to_be_checked()
    go(page, page.get_by_role("button", name="Pay selected invoices"))
    expect(page.get_by_role("heading", name="Review your payment")).to_be_visible()
    go(page, page.get_by_role("button", name="Pay $65.00 now"))

    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    assert client.unpaid() == {third["number"]: 9_900}
    assert {first["number"], second["number"]}.isdisjoint(client.unpaid())


def test_a_client_opens_a_ticket_with_the_keyboard_alone(system, page, site, client):
    sign_in_by_keyboard(page, site, client)
    go(page, page.get_by_role("button", name="Open a ticket"))  # Home's floating button, a link
    expect(page.get_by_role("heading", name="Open a ticket")).to_be_visible()

    tab_to(page, page.get_by_label("Category"))
    page.keyboard.type("General")  # a closed list picks the option its typed name starts
    tab_to(page, page.get_by_label("What can we help with?"))
    page.keyboard.type("The back door was not cleaned")
    go(page, page.get_by_role("button", name="Send ticket"))

    expect(page.get_by_text("Your ticket is sent.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The back door was not cleaned")


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_every_page_leads_to_an_accessibility_statement_that_says_whom_to_tell(system, page, site, client, viewport):
    change_general_settings(system, client.tenant, contact_email="help@keyway.example")
    if viewport:
        page.set_viewport_size(viewport)
    portal = f"{site}/p/{client.tenant['slug']}/"
    sign_in_by_keyboard(page, site, client)
    for where in (portal, portal + "billing", f"{site}/staff/sign-in", portal + "sign-in"):
        page.goto(where)
        expect(page.get_by_role("contentinfo").get_by_role("link", name="Accessibility")).to_be_visible()

    go(page, page.get_by_role("contentinfo").get_by_role("link", name="Accessibility"))
    expect(page.get_by_role("heading", name="Accessibility", level=1)).to_be_visible()
    expect(page.get_by_text("WCAG) 2.2 at level AA")).to_be_visible()
    expect(page.get_by_role("link", name="help@keyway.example")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"{site}/staff/sign-in")
    go(page, page.get_by_role("contentinfo").get_by_role("link", name="Accessibility"))
    expect(page.get_by_text("tell your business's Portico administrator")).to_be_visible()
    assert axe_violations(page) == []
