"""Browser-test helpers: Debian's chromium through Playwright, the gateway over HTTP, axe checks.

A test module gets its fixtures (chromium, site, page) with ``pytest_plugins = ("tests.browser",)``.
"""
import contextlib
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portico_testing import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Served to the page from its own origin, so the pages' script-src 'self' policy lets it run.
AXE_URL_PATH = "/__browser-test__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Sign-in throttling counts failures per client address. The browser gets an address of its
# own (from the documentation range) so its attempts and the API tests' never add up.
BROWSER_ADDRESS = "192.0.2.10"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium():
    """Start one headless chromium for the whole run."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def frame_card_forms(system, site):
    """Let the processor's hosted card and bank forms be framed by the pages of ``site``, and point the pages at it.
    Kept for the rest of the run: a frame still loading while a test's page closes must not be refused."""
    origins = system.processor_app.config["ALLOWED_ORIGINS"]
    if site not in origins:
        system.processor_app.config["ALLOWED_ORIGINS"] = [*origins, site]
    system.app.config["PAYMENT_PROCESSOR_PUBLIC_URL"] = system.processor_url


def from_address(app, address):
    """Wrap a WSGI app so every request appears to come from ``address``."""

    def wsgi(environ, start_response):
        environ["REMOTE_ADDR"] = address
        return app(environ, start_response)

    return wsgi


@pytest.fixture(scope="session")
def site(system):
    """Serve the system's gateway over real HTTP for the browser; return its base URL."""
    server = make_server("127.0.0.1", free_port(), from_address(system.app, BROWSER_ADDRESS), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


class Problems:
    """What went wrong in the page that a test does not look at: script errors, CSP refusals, missing files."""

    def __init__(self, page):
        self.seen = []
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))
        page.on("console", self._on_console)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message):
        # Chromium also logs a 4xx page as a console error; those statuses are asserted by the tests.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.seen.append(f"console: {message.text}")

    def _on_request_failed(self, request):
        # Leaving a page cancels what it was still loading; that is not a fault of the page.
        if request.failure != "net::ERR_ABORTED":
            self.seen.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response):
        if response.request.resource_type != "document" and response.status >= 400:
            self.seen.append(f"{response.status} for {response.url}")


@contextlib.contextmanager
def checked_page(chromium, viewport=DESKTOP, locale="en-US"):
    """A page in a browser context of its own (axe served locally), whose browser asks for ``locale``'s language;
    on leaving, the context closes and any unnoticed page problem fails the test."""
    # The portal's service worker is tested on its own (test_browser_app_shell.py). Here it would answer the
    # pages' navigations itself, and a page's response would no longer carry the redirects a test follows.
    context = chromium.new_context(viewport=viewport, service_workers="block", locale=locale)
    context.set_default_timeout(10_000)
    context.route(f"**{AXE_URL_PATH}", lambda route: route.fulfill(
        path=AXE_SCRIPT, content_type="application/javascript"))
    page = context.new_page()
    problems = Problems(page)
    try:
        yield page
    finally:
        context.close()
    assert problems.seen == [], problems.seen


@pytest.fixture
def page(chromium):
    """Open a fresh browser context and page; fail the test on any unnoticed page problem."""
    with checked_page(chromium) as page:
        yield page


def axe_violations(page):
    """Run axe on the page's current document; return its WCAG 2.x A/AA violations, briefly."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        origin = page.evaluate("location.origin")
        page.add_script_tag(url=origin + AXE_URL_PATH)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(result => result.violations.map(violation => ({
                rule: violation.id, impact: violation.impact, help: violation.help,
                where: violation.nodes.map(node => node.target.join(" "))})))""",
        WCAG_TAGS)


def horizontal_overflow(page):
    """Return how many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)")
