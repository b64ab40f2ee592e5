"""Chat in a real browser: a message the business sends appears on the client's open thread without a reload;
the pages pass axe and fit a phone."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from tests.portal_helpers import CLIENT_PASSWORD, registered_client
from tests.test_browser_staff import sign_in as staff_sign_in

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def test_a_staff_message_appears_on_the_clients_open_thread_without_a_reload(system, page, site):
    tenant, _ = system.new_tenant(display_name="Brookside Pool Care")
    client, _ = registered_client(system, tenant, name="Robin Reader")
    staff = system.context(tenant)
    thread = system.rpc.call("tickets", "start_chat_thread", {
        "account_id": client["id"], "subject": "Pump noise", "body": "Is the pump still loud?"}, context=staff)
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(client["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Messages")).to_contain_text("1")
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("link", name="Pump noise").click()
    expect(page.get_by_role("heading", name="Pump noise")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    system.rpc.call("tickets", "reply_chat_thread", thread["thread"]["id"],
                    {"body": "We can come on Friday <b>morning</b>."}, context=staff)
    messages = page.get_by_role("list", name="Messages")
    expect(messages.get_by_text("We can come on Friday <b>morning</b>.")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True  # added by the script, not by a reload
    expect(page.locator("#chat-announce")).to_have_text("New message from Brookside Pool Care")
    assert axe_violations(page) == []

    page.get_by_label("Your reply").fill("Friday is fine.\nThe gate is open.")
    page.get_by_role("button", name="Send reply").click()
    expect(messages.get_by_text("The gate is open.")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="All messages").click()
    assert axe_violations(page) == []
    assert horizontal_overflow(page) == 0


def test_staff_start_a_chat_from_the_inbox_and_see_the_clients_answer_arrive(system, page, site):
    tenant, owner = system.new_tenant(display_name="Brookside Pool Care")
    client, session = registered_client(system, tenant, name="Robin Reader")
    staff_sign_in(page, site, owner)
    staff_nav = page.get_by_role("navigation", name="Staff")
    staff_nav.get_by_role("link", name="Chat").click()
    expect(page.get_by_role("heading", name="Chat", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    start = page.get_by_role("region", name="Start a conversation with a client")
    start.get_by_label("Client").select_option(label="Robin Reader")
    start.get_by_label("Subject").fill("Filter change")
    start.get_by_label("Message").fill("We will change the filter on Monday.")
    start.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Filter change")).to_be_visible()
    thread_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])

    me = system.client_context(tenant, session["portal_user"]["id"], client["id"])
    system.rpc.call("tickets", "reply_my_chat_thread", thread_id, {"body": "Monday is great, thanks."}, context=me)
    expect(page.get_by_role("list", name="Messages").get_by_text("Monday is great, thanks.")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
