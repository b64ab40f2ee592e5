"""The installable portal in a real browser: the manifest, the service worker controlling the pages, the offline
page while the gateway is stopped, and nothing of a client's kept by the worker once they sign out.

Each test serves the gateway on a port of its own, a web origin of its own: the worker it installs is the only
one there, and stopping that server stops the gateway for the browser without touching the other tests' site.
"""
import contextlib
import socket
import threading
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from portico_testing import free_port
from tests.browser import BROWSER_ADDRESS, CHROMIUM, CHROMIUM_ARGS, PHONE, Problems, from_address
from tests.portal_helpers import CLIENT_PASSWORD, registered_client, staff_context

pytest_plugins = ("tests.browser",)  # the chromium fixture
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

BUSINESS = "Greenway Lawn Care"
CLIENT = "Quinn Private"


class CountedConnections(WSGIRequestHandler):
    """Notes each open connection on its server: the browser keeps idle ones (kept alive, or opened ahead of need),
    and a stopped gateway must close them, or the next request still reaches it."""

    def setup(self):
        super().setup()
        self.server.open_connections.add(self.connection)

    def finish(self):
        self.server.open_connections.discard(self.connection)
        super().finish()


class Gateway:
    """The system's gateway served on one port, to be stopped and started again on the same one."""

    def __init__(self, system):
        self.app, self.port = from_address(system.app, BROWSER_ADDRESS), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.start()

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True, request_handler=CountedConnections)
        self.server.open_connections = set()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        for connection in list(self.server.open_connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.thread.join(5)


@pytest.fixture
def gateway(system):
    served = Gateway(system)
    yield served
    served.stop()


@pytest.fixture
def business(system):
    return system.new_tenant(display_name=BUSINESS)[0]


@pytest.fixture
def phone(chromium, tmp_path):
    """A phone's browser with a profile of its own: an incognito context (the other tests') may not install apps,
    and its pages may install their service worker."""
    context = chromium.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE, service_workers="allow")
    context.set_default_timeout(10_000)
    yield context
    context.close()


def controlled_by_worker(page):
    """Wait for the page's service worker to be ready; return the script of the worker controlling the page."""
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # the first page of a visit is fetched before the worker exists; the next one is controlled
    return page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL")


def test_the_portal_installs_with_a_valid_manifest_and_a_worker_that_controls_its_pages(gateway, phone, business):
    page = phone.new_page()
    problems = Problems(page)
    portal = f"{gateway.url}/p/{business['slug']}/"
    page.goto(portal + "sign-in")

    assert controlled_by_worker(page) == portal + "sw.js"

    devtools = phone.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"] == portal + "manifest.webmanifest"
    assert manifest["errors"] == []
    assert devtools.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    icon = page.request.get(portal + "icons/any-192.png")
    assert icon.ok and icon.headers["content-type"] == "image/png"
    assert problems.seen == []


def cached_entries(page):
    """Every response the origin's caches hold: ``[(url, body text)]``."""
    return [tuple(entry) for entry in page.evaluate("""async () => {
        const found = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                found.push([request.url, await (await cache.match(request)).text()]);
            }
        }
        return found;
    }""")]


def test_offline_the_page_is_the_offline_page_and_after_sign_out_nothing_shows_the_client(
        system, gateway, phone, business):
    client, _ = registered_client(system, business, name=CLIENT)
    due = date.today() + timedelta(days=10)
    invoice = system.rpc.call("billing", "create_invoice", {
        "account_id": client["id"], "issue_date": date.today().isoformat(), "due_date": due.isoformat(),
        "lines": [{"description": "Spring aeration", "unit_price": 12345}]}, context=staff_context(system, business))
    portal = f"{gateway.url}/p/{business['slug']}/"
    page = phone.new_page()
    page.goto(portal + "sign-in")
    page.get_by_label("Email", exact=True).fill(client["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(portal + "billing")
    shown = f"Invoice #{invoice['number']} $123.45"  # what no page may show once the client signed out
    expect(page.get_by_role("checkbox", name=shown)).to_be_visible()
    assert controlled_by_worker(page) == portal + "sw.js"

    gateway.stop()
    page.reload()
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert BUSINESS in page.content() and "123.45" not in page.content()

    gateway.start()
    page.goto(portal)
    expect(page.get_by_text(CLIENT).first).to_be_visible()  # signed in still: the pages come from the gateway
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    gateway.stop()
    for path in ("", "billing", "account"):
        page.goto(portal + path)
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        assert CLIENT not in page.content() and "123.45" not in page.content()
    kept = cached_entries(page)
    assert kept and all(url.startswith((f"{gateway.url}/static/", portal + "icons/")) or url == portal + "offline"
                        for url, _ in kept)
    assert not [url for url, body in kept if CLIENT in body or "123.45" in body or client["email"] in body]
