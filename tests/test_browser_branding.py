"""The business's own look in a real browser: its brand colour on buttons and links, in light and dark mode,
still passing axe; its welcome message on the sign-in page."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import axe_violations
from tests.portal_helpers import change_general_settings

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

BRAND = "rgb(27, 94, 32)"  # #1b5e20
PORTAL_BLUE = "rgb(1, 114, 173)"  # Pico's #0172ad


def colours(page):
    """The sign-in button's background and text, and a link's colour, as the browser draws them."""
    return page.evaluate("""() => {
        const button = document.querySelector("form button[type=submit]");
        const link = document.querySelector("main a");
        return [getComputedStyle(button).backgroundColor, getComputedStyle(button).color,
                getComputedStyle(link).color];
    }""")


def test_the_brand_colour_draws_buttons_and_links_readably_in_light_and_dark_mode(system, page, site):
    tenant, _ = system.new_tenant(display_name="Brand Lawns")
    sign_in = f"{site}/p/{tenant['slug']}/sign-in"
    page.goto(sign_in)
    assert colours(page)[0] == PORTAL_BLUE

    change_general_settings(system, tenant, brand_colour="#1b5e20", welcome_message="Good to see you again.")
    page.emulate_media(color_scheme="light")
    page.goto(sign_in)

    expect(page.get_by_text("Good to see you again.")).to_be_visible()
    assert colours(page) == [BRAND, "rgb(255, 255, 255)", BRAND]
    assert axe_violations(page) == []

    page.emulate_media(color_scheme="dark")
    page.reload()
    background, text, link = colours(page)
    assert (background, text) == (BRAND, "rgb(255, 255, 255)")
    assert link != BRAND  # too dark on a dark page: links keep the portal's own dark-mode colour
    assert axe_violations(page) == []
