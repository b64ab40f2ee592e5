"""The client's Home page complete, against the running services: the tab bar shows only the tabs the business
enabled (and the pages and API behind a hidden tab refuse), and a panel whose service is down shows a short notice
while the rest of the page works."""
import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import axe_violations  # noqa: E402
from tests.portal_helpers import CLIENT_PASSWORD, bearer, new_address, portal_api, registered_client  # noqa: E402

pytest_plugins = ("tests.browser",)
pytestmark = pytest.mark.backends("postgresql")
TODAY = date.today()


class Home:
    """A business with one registered client whose browser holds its portal session."""

    def __init__(self, system):
        self.system = system
        self.tenant, _ = system.new_tenant()
        self.client, self.session = registered_client(system, self.tenant, name="Jordan Rivera")
        self.browser = system.app.test_client()
        self.browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", self.session["token"])

    def staff(self, service, method, *args):
        return self.system.rpc.call(service, method, *args, context=self.system.context(self.tenant))

    def get(self, path=""):
        return self.browser.get(f"/p/{self.tenant['slug']}/{path}", environ_base=new_address())

    def html(self, path=""):
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def api(self, path):
        return self.system.http.get(portal_api(self.tenant) + path, headers=bearer(self.session["token"]))

    def tabs(self, html):
        nav = re.search(r'<nav aria-label="Portal" class="tabs">(.*?)</nav>', html, re.S).group(1)
        return [re.sub(r"<[^>]+>|\s+\d+.*", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)]

    def past_due_invoice(self, cents=3_000):
        return self.staff("billing", "create_invoice", {
            "account_id": self.client["id"], "issue_date": (TODAY - timedelta(days=30)).isoformat(),
            "due_date": (TODAY - timedelta(days=2)).isoformat(),
            "lines": [{"description": "Lawn mowing", "unit_price": cents}]})


@pytest.fixture
def home(system):
    return Home(system)


def test_the_tab_bar_shows_the_tabs_the_business_enabled(home):
    assert home.tabs(home.html()) == ["Home", "Billing", "Services", "Tickets", "Messages", "Documents",
                                      "Estimates", "Notifications", "Account"]
    answer = home.api("/home").get_json()
    assert answer["tabs"] == ["home", "billing", "services", "tickets", "chat", "documents", "estimates",
                              "notifications", "account"]
    assert answer["open_tickets"] == [] and answer["documents"]["documents"] == [] and answer["unavailable"] == []
    assert answer["billing"]["total_due"] == 0 and answer["may_open_ticket"] is True
    home.staff("tickets", "update_settings", "tickets", {
        "tickets_enabled": False, "show_open_tickets": False, "show_closed_tickets": False,
        "documents_enabled": False})
    home.staff("billing", "update_settings", "billing", {"show_estimates": False, "allow_estimate_decisions": False})
    home.staff("billing", "update_settings", "services", {
        "show_scheduled_visits": False, "show_service_history": False, "show_unscheduled_jobs": False,
        "show_paused_services": False})
    html = home.html()
    assert home.tabs(html) == ["Home", "Billing", "Messages", "Notifications", "Account"]
    answer = home.api("/home").get_json()
    assert answer["tabs"] == ["home", "billing", "chat", "notifications", "account"]
    assert answer["open_tickets"] is None and answer["documents"] is None and answer["services"] is None
    assert answer["unavailable"] == [] and answer["may_open_ticket"] is False
    assert 'id="open-tickets-panel"' not in html and 'id="documents-panel"' not in html
    # Behind each hidden tab the page and the API refuse.
    for path in ("tickets", "documents", "services", "estimates"):
        assert home.get(path).status_code == 403, path
    for path in ("/tickets?status=open", "/documents", "/services", "/estimates"):
        assert home.api(path).status_code == 403, path

    home.staff("billing", "update_settings", "billing", {
        "show_invoices": False, "online_payments_enabled": False, "prepayments_enabled": False,
        "show_billing_history": False, "allow_card_changes": False, "allow_bank_account_changes": False,
        "autopay_enabled": False})
    assert home.tabs(home.html()) == ["Home", "Messages", "Notifications", "Account"]


def recorded(system, monkeypatch):
    """The list of ``(service, method)`` the gateway's client sends from now on, the session's resolution apart."""
    client, asked = system.app.extensions["rpc"], []
    real = client.call

    def recording(service, method, *args, **kwargs):
        if method != "resolve_client_session":
            asked.append((service, method))
        return real(service, method, *args, **kwargs)

    monkeypatch.setattr(client, "call", recording)
    return asked


def test_the_page_asks_each_service_once(system, home, monkeypatch):
    """Every panel and the tab bar, one request per service (accounts' answers are kept by the gateway's caches
    once a page asked them: it may not be asked at all)."""
    home.html()
    asked = recorded(system, monkeypatch)
    html = home.html()
    assert "Total due" in html and 'id="open-tickets-panel"' in html and "Notifications" in home.tabs(html)
    services = sorted(service for service, _ in asked)
    assert sorted(set(services)) == services and {"billing", "notifications", "tickets"} <= set(services), asked


def test_another_page_asks_its_tab_bar_with_its_own_calls(system, home, monkeypatch):
    asked = recorded(system, monkeypatch)
    html = home.html("billing")
    assert "Billing" in home.tabs(html) and "Notifications" in home.tabs(html)
    services = [service for service, _ in asked]
    assert sorted(set(services)) == sorted(services), asked


def test_a_call_a_service_will_not_batch_is_asked_on_its_own(system, home):
    """The gateway groups a page's calls by service; one the service refuses to batch is answered all the same."""
    from gateway.services import BoundClient
    late = home.past_due_invoice()
    staff = BoundClient(system.app.extensions["rpc"], system.context(home.tenant))
    found = staff.call_parallel({"invoice": ("billing", "get_invoice", (late["id"],)),  # not batchable
                                 "listed": ("billing", "list_services", ()),
                                 "missing": ("billing", "account_billing", (10 ** 9,))})
    assert found["invoice"]["number"] == late["number"] and not isinstance(found["listed"], Exception)
    assert type(found["missing"]).__name__ == "NotFound"


def test_open_tickets_panel_follows_view_open_tickets(home):
    assert 'id="open-tickets-panel"' in home.html()
    home.staff("tickets", "update_settings", "tickets", {"show_open_tickets": False})
    html = home.html()
    assert 'id="open-tickets-panel"' not in html and "Tickets" in home.tabs(html)  # closed tickets still shown
    assert home.api("/tickets?status=open").status_code == 403


def test_with_tickets_stopped_home_answers_with_the_billing_panels_and_a_notice(system, home):
    late = home.past_due_invoice()
    assert 'id="open-tickets-panel"' in home.html()
    system.services["tickets"].stop()
    try:
        started = time.monotonic()
        response = home.get()
        elapsed = time.monotonic() - started
        api = home.api("/home")
    finally:
        system.services["tickets"].start()
        system.wait_until_up("tickets")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert elapsed < 8, f"{elapsed:.1f} s: the page waited on tickets one call after the other"
    assert "Total due" in html and f"Invoice #{late['number']}: $30.00" in html and "Pay Now" in html
    assert "Tickets are unavailable right now." in html and "Documents are unavailable right now." in html
    assert 'id="open-tickets-panel"' not in html and "Open a ticket</a>" not in html
    # The tab bar keeps what tickets cannot vouch for out, and the rest in.
    assert home.tabs(html) == ["Home", "Billing", "Services", "Tickets", "Messages", "Estimates", "Notifications",
                               "Account"]
    # The API's home says the same: 200, the billing panel, null ticket panels with their notices.
    assert api.status_code == 200
    answer = api.get_json()
    assert [item["number"] for item in answer["billing"]["past_due"]] == [late["number"]]
    assert answer["open_tickets"] is None and answer["documents"] is None and answer["may_open_ticket"] is False
    assert answer["unavailable"] == [{"panel": "open_tickets", "message": "Tickets are unavailable right now."},
                                     {"panel": "documents", "message": "Documents are unavailable right now."}]
    assert answer["tabs"] == ["home", "billing", "services", "tickets", "chat", "estimates", "notifications",
                              "account"]
    # Back up, the panels are back.
    html = home.html()
    assert "unavailable right now" not in html and 'id="open-tickets-panel"' in html


def test_with_billing_stopped_home_answers_with_the_ticket_panels_and_a_notice(system, home):
    system.services["billing"].stop()
    try:
        response = home.get()
    finally:
        system.services["billing"].start()
        system.wait_until_up("billing")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Billing is unavailable right now." in html and "Services are unavailable right now." in html
    assert 'id="open-tickets-panel"' in html and "Total due" not in html


def test_in_the_browser_the_home_page_with_tickets_stopped_is_whole_and_accessible(system, page, site, home):
    home.past_due_invoice()
    page.goto(f"{site}/p/{home.tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(home.client["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open tickets")).to_be_visible()
    system.services["tickets"].stop()
    try:
        page.reload()
        expect(page.get_by_role("heading", name="Total due")).to_be_visible()
        expect(page.get_by_role("button", name="Pay Now")).to_be_visible()
        tickets_panel = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Open tickets"))
        expect(tickets_panel).to_contain_text("Tickets are unavailable right now.")
        expect(page.get_by_role("navigation", name="Portal").get_by_role("link", name="Documents")).to_have_count(0)
        assert axe_violations(page) == []
    finally:
        system.services["tickets"].start()
        system.wait_until_up("tickets")
