"""Chat threads over HTTP: a client and the business's staff talk in threads; the new-chats setting.

Also the server-drawn chat pages of both audiences, through the test client with a session cookie.
"""
import re

import pytest

from portico_testing import wait_for

from tests.portal_helpers import bearer, portal_api, registered_client

pytestmark = pytest.mark.backends("postgresql", both=(
    "test_a_client_and_staff_talk_in_a_thread_with_unread_counts_and_polling",
    "test_a_clients_chat_message_alerts_the_staff_chosen_on_the_alerts_tab",  # the event between two services
))

API = "/api/v1/staff"


class Business:
    """One business's signed-in owner (staff API) and one of its clients signed in to the portal API."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant(display_name="Chatty Lawn Care")
        staff_session = system.staff_session(credentials)
        self.staff_headers = bearer(staff_session["token"])
        self.client, session = registered_client(system, self.tenant, name="Chris Chatter")
        self.client_headers = bearer(session["token"])
        self.staff_session, self.client_session = staff_session, session

    def staff_browser(self):
        """A test client with the staff member's cookie, as a browser; and the CSRF token of their session."""
        browser = self.system.app.test_client()
        browser.set_cookie("__Host-portico_staff", self.staff_session["token"])
        return browser, self.staff_session["csrf_token"]

    def client_browser(self):
        browser = self.system.app.test_client()
        browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", self.client_session["token"])
        return browser, self.client_session["csrf_token"]

    def staff(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def portal(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{portal_api(self.tenant)}{path}", method=method,
                                         headers=self.client_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()


@pytest.fixture
def business(system):
    return Business(system)


def test_a_client_and_staff_talk_in_a_thread_with_unread_counts_and_polling(business):
    started = business.portal("POST", "/chat/threads", 201, json={"subject": "Gate", "body": "New code: 4411"})
    thread_id, first = started["thread"]["id"], started["messages"][0]["id"]
    assert business.staff("GET", "/chat/threads?unread_only=true")["unread"] == 1
    listing = business.staff("GET", f"/chat/threads?account_id={business.client['id']}")
    assert [(t["id"], t["unread"]) for t in listing["threads"]] == [(thread_id, 1)]
    assert business.staff("GET", f"/chat/threads/{thread_id}")["messages"][0]["body"] == "New code: 4411"
    assert business.staff("GET", "/chat/threads")["unread"] == 0
    reply = business.staff("POST", f"/chat/threads/{thread_id}/messages", 201, json={"body": "Thanks!\nNoted."})
    assert reply["author_kind"] == "staff"
    assert business.portal("GET", "/chat/threads")["unread"] == 1
    since = business.portal("GET", f"/chat/threads/{thread_id}/messages?after={first}")
    assert [m["body"] for m in since["messages"]] == ["Thanks!\nNoted."]
    assert business.portal("GET", "/chat/threads")["unread"] == 0


def test_a_clients_chat_message_alerts_the_staff_chosen_on_the_alerts_tab(business):
    owner = business.tenant["owner"]["id"]
    business.staff("PATCH", "/settings/alerts", json={"chat_thread_started": [owner]})
    business.portal("POST", "/chat/threads", 201, json={"subject": "Hedge", "body": "Please trim the hedge."})
    alerts = wait_for(lambda: business.staff("GET", "/alerts")["items"], message="the chat alert")
    assert [(alert["action"], alert["account_id"]) for alert in alerts] == [("chat_thread_started",
                                                                             business.client["id"])]
    assert "Please trim the hedge." in alerts[0]["text"]


def test_staff_start_threads_only_with_their_own_clients(business, system):
    other_tenant, _ = system.new_tenant(display_name="Elsewhere Pools")
    stranger, _ = registered_client(system, other_tenant, name="Sam Stranger")
    error = business.staff("POST", "/chat/threads", 404, json={"account_id": stranger["id"], "subject": "Hi",
                                                               "body": "Hello"})
    assert error["error"]["code"] == "not_found"
    started = business.staff("POST", "/chat/threads", 201, json={"account_id": business.client["id"],
                                                                 "subject": "Spring", "body": "May 3?"})
    assert business.portal("GET", "/chat/threads")["threads"][0]["id"] == started["thread"]["id"]


def test_bad_input_is_a_400_naming_the_field(business):
    thread_id = business.portal("POST", "/chat/threads", 201, json={"subject": "Hi", "body": "One"})["thread"]["id"]
    for body, field in (({"body": ""}, "body"), ({"body": "x" * 4001}, "body"), ({"body": "a\x07"}, "body"),
                        ({"body": "Hi", "blob_id": "b_1"}, "blob_id")):
        error = business.portal("POST", f"/chat/threads/{thread_id}/messages", 400, json=body)
        assert field in error["error"]["fields"]
    error = business.portal("POST", "/chat/threads", 400, json={"subject": "two\nlines", "body": "Hi"})
    assert "subject" in error["error"]["fields"]
    assert len(business.staff("GET", f"/chat/threads/{thread_id}")["messages"]) == 1


def test_with_new_chats_off_clients_cannot_start_one_but_still_reply(business):
    business.staff("PATCH", "/settings/tickets", json={"allow_new_chat_threads": False})
    assert business.portal("GET", "/chat/threads")["can_start"] is False
    error = business.portal("POST", "/chat/threads", 403, json={"subject": "Hi", "body": "Hello"})
    assert error["error"]["code"] == "permission_denied"
    assert business.staff("GET", "/chat/threads")["threads"] == []
    thread_id = business.staff("POST", "/chat/threads", 201, json={
        "account_id": business.client["id"], "subject": "Visit", "body": "May 3?"})["thread"]["id"]
    business.portal("POST", f"/chat/threads/{thread_id}/messages", 201, json={"body": "Yes please"})


# --- the server-drawn pages ------------------------------------------------------------------------------------

def test_the_pages_start_a_thread_reply_and_count_unread_in_both_navigations(business):
    browser, csrf = business.client_browser()
    slug = business.tenant["slug"]
    page = browser.get(f"/p/{slug}/chat").get_data(as_text=True)
    assert "Start a conversation" in page and 'action="/p/%s/chat"' % slug in page
    started = browser.post(f"/p/{slug}/chat", data={"csrf_token": csrf, "subject": "Gate", "body": "Code <4411>"})
    assert started.status_code == 303
    thread_path = started.headers["Location"]
    html = browser.get(thread_path).get_data(as_text=True)
    assert "Code &lt;4411&gt;" in html and "data-chat-poll" in html and "chat.js" in html
    staff, staff_csrf = business.staff_browser()
    inbox = staff.get("/staff/chat").get_data(as_text=True)
    assert "Gate" in inbox and "Chris Chatter" in inbox
    assert re.search(r'Chat <span class="nav-count">1<span class="visually-hidden"> unread', inbox)
    thread_id = int(thread_path.rstrip("/").rsplit("/", 1)[-1])
    assert "Code &lt;4411&gt;" in staff.get(f"/staff/chat/{thread_id}").get_data(as_text=True)
    assert staff.post(f"/staff/chat/{thread_id}", data={"csrf_token": staff_csrf, "body": "Thanks"}).status_code == 303
    home = browser.get(f"/p/{slug}/").get_data(as_text=True)
    assert re.search(r'Messages <span class="nav-count">1<span class="visually-hidden"> unread', home)
    polled = browser.get(f"{thread_path}/messages?after=0").get_json()
    assert [(m["body"], m["own"]) for m in polled["messages"]] == [("Code <4411>", True), ("Thanks", False)]
    blank = browser.post(thread_path, data={"csrf_token": csrf, "body": "  "})
    assert blank.status_code == 400 and "There is a problem" in blank.get_data(as_text=True)


def test_with_new_chats_off_the_start_form_is_hidden_and_refused_but_replies_go_through(business):
    business.staff("PATCH", "/settings/tickets", json={"allow_new_chat_threads": False})
    browser, csrf = business.client_browser()
    slug = business.tenant["slug"]
    page = browser.get(f"/p/{slug}/chat").get_data(as_text=True)
    assert "Start a conversation" not in page and 'name="subject"' not in page
    refused = browser.post(f"/p/{slug}/chat", data={"csrf_token": csrf, "subject": "Hi", "body": "Hello"})
    assert refused.status_code == 403
    assert business.staff("GET", "/chat/threads")["threads"] == []
    thread_id = business.staff("POST", "/chat/threads", 201, json={
        "account_id": business.client["id"], "subject": "Visit", "body": "May 3?"})["thread"]["id"]
    replied = browser.post(f"/p/{slug}/chat/{thread_id}", data={"csrf_token": csrf, "body": "Yes"})
    assert replied.status_code == 303
    assert [m["body"] for m in business.staff("GET", f"/chat/threads/{thread_id}")["messages"]] == ["May 3?", "Yes"]


def test_the_demo_chat_seeds_a_thread_with_messages_both_ways(business, system):
    from scripts.seed_demo import seed_chat  # the demo of make up, so it keeps working
    jordan = system.client_context(business.tenant, 1, business.client["id"])
    seed_chat(system.rpc, system.context(business.tenant), jordan, business.client["id"])
    mine = business.portal("GET", "/chat/threads")
    assert [(t["subject"], t["unread"]) for t in mine["threads"]] == [("Lake House dock", 0),
                                                                       ("Spring aeration visit", 1)]
    staff = business.staff("GET", "/chat/threads")
    assert staff["unread"] == 1
    thread = business.staff("GET", f"/chat/threads/{mine['threads'][1]['id']}")
    assert [m["author_kind"] for m in thread["messages"]] == ["staff", "client", "staff"]
