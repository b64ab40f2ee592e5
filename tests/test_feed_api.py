"""Announcements and the client's notification feed through the gateway's API, against the running services:
staff publish, edit and withdraw; clients read the live ones and dismiss the sign-in notice; what the business does
(a payment, a ticket reply, a shared document, a sent estimate, an announcement) reaches the account's feed once;
unread count and marking read; another account's or business's items are never seen or marked."""
import uuid
from datetime import date, timedelta

import pytest

from portico_testing import wait_for
from portico_testing.documents import PDF
from tests.portal_helpers import bearer, portal_api, registered_client, uploaded
from tests.test_deadlines import card_token

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
TODAY = date.today()


class Business:
    """A business's owner on the staff API and a registered client on the portal API."""

    def __init__(self, system, name="Casey Client"):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.staff_headers = bearer(system.staff_token(credentials))
        self.client, self.session = registered_client(system, self.tenant, name=name)
        self.account_id = self.client["id"]

    def staff(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)

    def portal(self, method, path, session=None, **kwargs):
        headers = bearer((session or self.session)["token"]) | kwargs.pop("headers", {})
        return self.system.http.open(portal_api(self.tenant) + path, method=method, headers=headers, **kwargs)

    def announce(self, **fields):
        response = self.staff("POST", "/announcements", json={
            "title": "Closed on Friday", "html": "<p>We are closed on <b>Friday</b>.</p>", "audience": "everyone",
            "starts_on": TODAY.isoformat(), **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def feed(self, session=None, **query):
        response = self.portal("GET", "/feed", session=session, query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def titles(self, session=None):
        return [item["title"] for item in self.feed(session)["items"]]

    def rpc(self, service, method, *args):
        return self.system.rpc.call(service, method, *args, context=self.system.context(self.tenant))


@pytest.fixture
def business(system):
    return Business(system)


def test_staff_publish_edit_list_and_withdraw(business):
    made = business.announce(ends_on=(TODAY + timedelta(days=7)).isoformat())
    assert made["status"] == "live" and made["html"] == "<p>We are closed on <b>Friday</b>.</p>"
    changed = business.staff("PUT", f"/announcements/{made['id']}", json={
        "title": "Closed on Saturday", "html": "<p>Saturday<script>x()</script></p>", "audience": "accounts",
        "account_ids": [business.account_id], "starts_on": TODAY.isoformat()})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["html"] == "<p>Saturday</p>" and changed.get_json()["account_ids"] == [
        business.account_id]
    assert [item["title"] for item in business.staff("GET", "/announcements").get_json()] == ["Closed on Saturday"]
    assert business.staff("DELETE", f"/announcements/{made['id']}").status_code == 204
    assert business.staff("GET", f"/announcements/{made['id']}").status_code == 404
    assert business.portal("GET", "/announcements").get_json() == {"items": [], "notice": None}


@pytest.mark.parametrize("fields, field", [
    ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
    ({"audience": "accounts"}, "account_ids"),
    ({"starts_on": "tomorrow"}, "starts_on"),
    ({"title": ""}, "title"),
    ({"audience": "nobody"}, "audience"),
])
def test_a_bad_announcement_is_400_on_its_field_and_changes_nothing(business, fields, field):
    response = business.staff("POST", "/announcements", json={
        "title": "Closed", "html": "<p>Closed.</p>", "audience": "everyone", "starts_on": TODAY.isoformat(),
        **fields})
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"], response.get_json()
    assert business.staff("GET", "/announcements").get_json() == []


def test_another_business_client_cannot_be_chosen(system, business):
    other = Business(system, name="Other Client")
    response = business.staff("POST", "/announcements", json={
        "title": "Hi", "html": "<p>Hi</p>", "audience": "accounts", "account_ids": [other.account_id],
        "starts_on": TODAY.isoformat()})
    assert response.status_code == 404 and "client" in response.get_json()["error"]["message"].lower()


def test_the_client_sees_live_announcements_and_dismisses_the_notice(business):
    everyone = business.announce()
    mine = business.announce(title="Your gate code", audience="accounts", account_ids=[business.account_id])
    business.announce(title="Next month", starts_on=(TODAY + timedelta(days=30)).isoformat())
    answer = business.portal("GET", "/announcements").get_json()
    assert [item["title"] for item in answer["items"]] == ["Your gate code", "Closed on Friday"]
    assert answer["notice"]["id"] == mine["id"]
    assert business.portal("POST", f"/announcements/{mine['id']}/dismiss").status_code == 204
    assert business.portal("GET", "/announcements").get_json()["notice"]["id"] == everyone["id"]
    assert business.staff("POST", f"/announcements/{mine['id']}/dismiss").status_code in (401, 404)


def test_each_thing_the_business_does_reaches_the_feed_once(system, business):
    invoice = business.rpc("billing", "create_invoice", {
        "account_id": business.account_id, "due_date": (TODAY + timedelta(days=9)).isoformat(),
        "lines": [{"description": "Mowing", "unit_price": 4_200}]})
    paid = business.portal("POST", "/payments", json={"invoice_ids": [invoice["id"]], "new_method": card_token(system)},
                           headers={"Idempotency-Key": uuid.uuid4().hex})
    assert paid.status_code in (200, 201), paid.get_json()
    business.rpc("tickets", "share_document", business.account_id, {"upload_id": uploaded(system, PDF),
                                                                      "title": "Engagement letter"})
    estimate = business.rpc("billing", "create_estimate", {"account_id": business.account_id, "title": "Aeration",
                                                           "lines": [{"description": "Aeration", "unit_price": 9_900}]})
    business.rpc("billing", "send_estimate", estimate["id"])
    expected = {"Payment received: $42.00", "New document: Engagement letter", f"Estimate #{estimate['number']}: "
                "Aeration"}
    wait_for(lambda: expected <= set(business.titles()), message="the feed's items")
    business.announce()
    page = business.feed()
    assert page["items"][0]["title"] == "Closed on Friday" and page["unread"] == 4
    links = {item["title"]: item["link"] for item in page["items"]}
    assert links["Payment received: $42.00"] == "billing"
    assert links[f"Estimate #{estimate['number']}: Aeration"] == f"estimates/{estimate['id']}"
    assert sorted(business.titles()) == sorted(expected | {"Closed on Friday"})  # nothing twice


def test_a_staff_reply_on_a_ticket_reaches_the_feed(system, business):
    options = business.portal("GET", "/tickets/options").get_json()
    opened = business.portal("POST", "/tickets", json={"category_id": options["categories"][0]["id"],
                                                       "body": "The gate is stuck."})
    assert opened.status_code == 201, opened.get_json()
    ticket = business.portal("GET", f"/tickets/{opened.get_json()['id']}").get_json()
    business.rpc("tickets", "reply_to_ticket", ticket["id"], {"body": "We will fix it on Tuesday."})
    title = f"New reply on ticket #{ticket['number']}: {ticket['subject']}"
    wait_for(lambda: title in business.titles(), message="the reply in the feed")
    item = business.feed()["items"][0]
    assert item["link"] == f"tickets/{ticket['id']}" and item["body"] == "We will fix it on Tuesday."


def test_unread_count_marking_read_and_paging(business):
    for number in range(3):
        business.announce(title=f"News {number}")
    assert business.portal("GET", "/feed/unread").get_json() == {"unread": 3}
    first = business.feed(limit=2)
    assert [item["title"] for item in first["items"]] == ["News 2", "News 1"] and first["next"]
    rest = business.feed(limit=2, before_id=first["next"])
    assert [item["title"] for item in rest["items"]] == ["News 0"] and rest["next"] is None
    marked = business.portal("POST", "/feed/read", json={"item_ids": [first["items"][0]["id"]]})
    assert marked.get_json() == {"marked": 1, "unread": 2}
    assert business.portal("POST", "/feed/read-all").get_json() == {"marked": 2, "unread": 0}
    assert business.portal("POST", "/feed/read", json={"item_ids": []}).status_code == 400
    assert business.portal("GET", "/feed", query_string={"limit": 0}).status_code == 400


def test_another_accounts_or_business_items_are_never_seen_nor_marked(system, business):
    neighbour, neighbour_session = registered_client(system, business.tenant, name="Nia Neighbour")
    business.announce(title="Only for Nia", audience="accounts", account_ids=[neighbour["id"]])
    theirs = business.feed(neighbour_session)["items"]
    assert [item["title"] for item in theirs] == ["Only for Nia"]
    assert business.feed()["items"] == []
    refused = business.portal("POST", "/feed/read", json={"item_ids": [theirs[0]["id"]]})
    assert refused.status_code == 404 and "notification" in refused.get_json()["error"]["message"]
    other = Business(system, name="Other Business Client")
    assert other.portal("POST", "/feed/read", json={"item_ids": [theirs[0]["id"]]}).status_code == 404
    assert business.feed(neighbour_session)["unread"] == 1


def test_the_demo_announces_to_everyone_and_to_jordan(system, business):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    client_context = system.client_context(business.tenant, business.session["portal_user"]["id"],
                                           business.account_id)
    seed_feed = seed_demo.part("seed_feed")
    seed_feed.WAIT_SECONDS = 0
    seed_feed.seed_feed(system.rpc, system.context(business.tenant), business.account_id, client_context)
    answer = business.portal("GET", "/announcements").get_json()
    assert [item["title"] for item in answer["items"]] == ["New gate code for the crew", "Holiday hours"]
    neighbour, session = registered_client(system, business.tenant, name="Sam Neighbour")
    assert [item["title"] for item in business.feed(session)["items"]] == ["Holiday hours"]
