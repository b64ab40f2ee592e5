"""Despite the gateway's caches (docs/caching.md), a session revoked and a feature turned off take effect within a
second, on the pages and in the API, on both backends. Each change is made behind the gateway's back (straight to
the service, as another gateway process or a staff member elsewhere would), so only the event can end what it kept.
"""
import time

import pytest
from kombu import Connection

from gateway.cache_listener import start_listener
from gateway.cached import caches
from gateway.caches import Caches
from portico_testing import ServiceProcess, TcpLink
from tests.portal_helpers import bearer, new_address, portal_api, registered_client

WITHIN_SECONDS = 1.0  # the bound the caches promise (not a speed target: a correctness bound)


def within_a_second(check, what):
    """Ask ``check()`` until it holds; fail when it still does not a second after the change."""
    deadline = time.monotonic() + WITHIN_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"{what} still not so a second after the change"
        time.sleep(0.01)


def listening(system):
    """The gateway's caches are in use (its listener is connected): otherwise this tests nothing."""
    kept = caches(system.app)
    kept.get("sessions", None)  # starts the listener on first use
    deadline = time.monotonic() + 10
    while not kept.connected:
        assert time.monotonic() < deadline, "the gateway's cache listener did not connect"
        time.sleep(0.02)
    return kept


class Portal:
    """A business with a registered client, whose browser (cookie) and app (bearer token) are signed in."""

    def __init__(self, system):
        self.system = system
        self.tenant, _ = system.new_tenant()
        self.client, self.session = registered_client(system, self.tenant)
        self.token = self.session["token"]
        self.browser = system.app.test_client()
        self.browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", self.token)

    def page(self, path=""):
        return self.browser.get(f"/p/{self.tenant['slug']}/{path}", environ_base=new_address())

    def api(self, path, token=None):
        return self.system.http.get(portal_api(self.tenant) + path, headers=bearer(token or self.token))

    def as_staff(self, service, method, *args):
        return self.system.rpc.call(service, method, *args, context=self.system.context(self.tenant))

    def warm(self, kept, *paths):
        """Use the session on pages and API until the gateway keeps it (so the change must end a kept entry)."""
        for _ in range(2):
            assert self.page().status_code == 200
            for path in paths:
                assert self.api(path).status_code == 200, path
        assert any(entry.owner == ("client", self.session["portal_user"]["id"])
                   for entry in kept.stores["sessions"].values())


@pytest.fixture
def portal(system):
    return Portal(system)


def test_a_client_session_revoked_elsewhere_ends_within_a_second(system, portal):
    portal.warm(listening(system), "/home", "/account")
    system.rpc.call("accounts", "sign_out_client", portal.token, context=system.visitor_context(portal.tenant))
    within_a_second(lambda: portal.api("/account").status_code == 401, "the API still accepts the token")
    within_a_second(lambda: portal.page().status_code in (302, 303), "the page still shows the client")
    assert "/sign-in" in portal.page().headers["Location"]


def test_a_staff_session_revoked_elsewhere_ends_within_a_second(system):
    listening(system)
    tenant, credentials = system.new_tenant()
    token = system.staff_token(credentials)
    staff_browser = system.app.test_client()
    staff_browser.set_cookie("__Host-portico_staff", token)
    for _ in range(2):
        assert system.http.get("/api/v1/staff/clients", headers=bearer(token)).status_code == 200
        assert staff_browser.get("/staff/clients").status_code == 200
    system.rpc.call("accounts", "sign_out_staff", token)
    within_a_second(lambda: system.http.get("/api/v1/staff/clients", headers=bearer(token)).status_code == 401,
                    "the staff API still accepts the token")
    within_a_second(lambda: staff_browser.get("/staff/clients").status_code in (302, 303),
                    "the staff page still shows the staff member")


def test_rights_taken_away_are_refused_within_a_second(system, portal):
    """billing decides from the passport the kept session carries: lowered rights must reach it within a second."""
    quote = lambda: system.http.post(f"{portal_api(portal.tenant)}/payments/quote", headers=bearer(portal.token),
                                     json={"invoice_ids": [999_999], "payment_method_id": 999_999})
    portal.warm(listening(system), "/account")
    assert quote().status_code == 404, quote().get_json()  # may pay: the invoice and method are just not theirs
    portal.as_staff("accounts", "link_portal_user", portal.session["portal_user"]["id"], portal.client["id"], "view")
    within_a_second(lambda: quote().status_code == 403, "billing still takes the client's payments")


def test_a_sign_in_method_turned_off_is_gone_within_a_second(system, portal):
    listening(system)
    sign_in_page = f"/p/{portal.tenant['slug']}/sign-in"
    for _ in range(2):  # the business's portal configuration is now kept
        assert "Email me a code instead" in system.http.get(sign_in_page).get_data(as_text=True)
        assert "one_time_code" in system.http.get(portal_api(portal.tenant)).get_json()["login_methods"]
    portal.as_staff("accounts", "update_settings", "general", {"login_methods": ["password"]})
    within_a_second(lambda: "Email me a code instead" not in system.http.get(sign_in_page).get_data(as_text=True),
                    "the sign-in page still offers a code")
    within_a_second(lambda: system.http.get(portal_api(portal.tenant)).get_json()["login_methods"] == ["password"],
                    "the API still lists code sign-in")
    refused = system.http.post(f"{portal_api(portal.tenant)}/login-codes", json={"login": portal.client["email"]},
                               environ_base=new_address())
    assert refused.status_code == 403, refused.get_json()


def test_a_client_feature_turned_off_is_hidden_and_refused_within_a_second(system, portal):
    portal.warm(listening(system), "/home", "/tickets?status=open")
    portal.as_staff("tickets", "update_settings", "tickets", {"tickets_enabled": False, "show_open_tickets": False,
                                                              "show_closed_tickets": False})
    within_a_second(lambda: portal.api("/tickets?status=open").status_code == 403, "the tickets API still answers")
    within_a_second(lambda: portal.page("tickets").status_code == 403, "the Tickets page still shows")
    within_a_second(lambda: "tickets" not in portal.api("/home").get_json()["tabs"], "Home still shows Tickets")


@pytest.fixture
def cut_off_caches(system):
    """The gateway's caches with a listener whose link to the broker the test can cut."""
    link = TcpLink(system.vhost.host, system.vhost.port)
    kept = Caches(start_listener=start_listener(system.vhost.uri(port=link.port, process="gateway")))
    original, system.app.extensions["caches"] = system.app.extensions["caches"], kept
    yield kept, link
    system.app.extensions["caches"] = original
    kept.close()
    link.close()


def wait_until(check, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_while_its_listener_is_cut_off_the_gateway_keeps_nothing(system, portal, cut_off_caches):
    """An event missed while the link was down leaves nothing stale: nothing is kept then, all is dropped after."""
    kept, link = cut_off_caches
    portal.warm(listening(system), "/account")
    link.cut()
    wait_until(lambda: not kept.connected, "the listener did not notice its link was cut")
    assert not any(kept.stores.values())
    for _ in range(2):  # asked every time, kept never
        assert portal.api("/account").status_code == 200
    assert not any(kept.stores.values())
    # The event of this sign-out never reaches the gateway, and need not: the session is asked for each time.
    system.rpc.call("accounts", "sign_out_client", portal.token, context=system.visitor_context(portal.tenant))
    assert portal.api("/account").status_code == 401
    link.restore()
    wait_until(lambda: kept.connected, "the listener did not reconnect")
    assert portal.api("/account").status_code == 401


def billing_consumers(system):
    """How many billing instances take calls now."""
    with Connection(system.amqp_uri) as connection:
        return connection.default_channel.queue_declare("rpc-billing", passive=True).consumer_count


def test_a_tab_saved_through_one_billing_instance_reaches_another_within_a_second(system):
    """Each service instance keeps the settings it read (shared.kept_settings): a tab saved through one instance
    reaches the others' clients by its event, within a second; staff, who save tabs, see a save at once."""
    tenant, _ = system.new_tenant()
    staff_context, client_context = system.context(tenant), system.client_context(tenant, 1, 1)
    second = ServiceProcess("billing", system.env_of("billing"), system.tmp_path)
    second.start()
    try:
        wait_until(lambda: billing_consumers(system) == 2, "the second billing instance did not start")

        def shown(method, context, answer):  # consecutive calls: the broker hands them to both instances in turn
            return {answer(system.rpc.call("billing", *method, context=context)) for _ in range(6)}

        def shown_to_clients():
            return shown(("my_summary",), client_context, lambda summary: summary["features"]["show_invoices"])

        assert shown_to_clients() == {True}  # both instances keep the tab
        system.rpc.call("billing", "update_settings", "billing", {"show_invoices": False}, context=staff_context)
        assert shown(("get_settings", "billing"), staff_context, lambda tab: tab["show_invoices"]) == {False}
        within_a_second(lambda: shown_to_clients() == {False}, "an instance still shows clients their invoices")
    finally:
        second.stop()
