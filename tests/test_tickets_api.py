"""Tickets over HTTP: a client opens a ticket with a photo, staff reply, assign and close it, the client follows;
each setting of the Tickets tab refused by the API; files served as downloads."""
import io

import pytest
from PIL import Image

from portico_testing import wait_for
from tests.portal_helpers import bearer, portal_api, registered_client
from tests.ticket_mail import answer_by_email, staff_reply_mail

pytestmark = pytest.mark.backends("postgresql", both=("test_a_ticket_from_opening_to_closed",))
API = "/api/v1/staff"


def jpeg():
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 40)).save(output, format="JPEG")
    return output.getvalue()


class Business:
    """A business's owner (staff API, bearer token) and one signed-in client (portal API)."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.staff_headers = bearer(system.staff_token(credentials))
        self.client_record, session = registered_client(system, self.tenant)
        self.client_headers = bearer(session["token"])

    def staff(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    def client(self, method, path, status=200, **kwargs):
        response = self.system.http.open(portal_api(self.tenant) + path, method=method, headers=self.client_headers,
                                         **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json() if response.is_json else response

    def settings(self, **changes):
        self.staff("PATCH", "/settings/tickets", json=changes)

    def general(self):
        return self.client("GET", "/tickets/options")["categories"][0]["id"]


@pytest.fixture
def business(system):
    return Business(system)


def test_a_ticket_from_opening_to_closed(business):
    category = business.general()
    opened = business.client("POST", "/tickets", 201, content_type="multipart/form-data", data={
        "category_id": str(category), "body": "The side gate was left open 👍🏽",
        "attachments": [(io.BytesIO(jpeg()), "gate.jpeg")]})
    inbox = business.staff("GET", "/tickets?status=active")
    (item,) = inbox["items"]
    assert item["number"] == opened["number"] and item["unread"] is True
    assert item["client_name"] == business.client_record["name"]
    ticket = business.staff("GET", f"/tickets/{opened['id']}")
    (photo,) = ticket["messages"][0]["attachments"]
    download = business.system.http.get(f"{API}/tickets/{opened['id']}/attachments/{photo['id']}",
                                        headers=business.staff_headers)
    assert download.status_code == 200 and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment") and download.mimetype == "image/jpeg"
    business.staff("POST", f"/tickets/{opened['id']}/messages", 201, json={"body": "We closed it, sorry!"})
    assert business.staff("GET", "/tickets/counts") == {"open": 1, "unread": 0, "mine": 0}
    assert business.client("GET", "/tickets")["items"][0]["unread"] is True
    seen = business.client("GET", f"/tickets/{opened['id']}")
    assert [m["author_kind"] for m in seen["messages"]] == ["client", "staff"]
    business.staff("PUT", f"/tickets/{opened['id']}/status", json={"status": "on_hold"})
    assert business.client("GET", f"/tickets/{opened['id']}")["status"] == "open"
    business.staff("PUT", f"/tickets/{opened['id']}/status", json={"status": "closed"})
    assert business.client("GET", "/tickets")["items"] == []
    assert [t["id"] for t in business.client("GET", "/tickets?status=closed")["items"]] == [opened["id"]]


def test_a_staff_reply_is_emailed_and_the_client_s_emailed_answer_joins_the_ticket(business, system):
    opened = business.client("POST", "/tickets", 201, json={"category_id": business.general(),
                                                             "body": "The hose by the shed is leaking."})
    business.staff("POST", f"/tickets/{opened['id']}/messages", 201, json={"body": "We will fix it on Friday."})
    mail = staff_reply_mail(system, business.client_record["email"], "We will fix it on Friday.", opened["id"])
    answer_by_email(system, mail, business.client_record["email"], "Friday is fine, thank you.",
                    "<answer-1@client.example>")

    def answered():
        messages = business.staff("GET", f"/tickets/{opened['id']}")["messages"]
        return messages if len(messages) == 3 else None
    messages = wait_for(answered, timeout=20, message="the emailed answer in the ticket")
    assert (messages[-1]["author_kind"], messages[-1]["via"]) == ("client", "email")
    assert messages[-1]["body"] == "Friday is fine, thank you."


def test_bad_input_is_a_400_naming_the_field(business):
    category = business.general()
    error = business.client("POST", "/tickets", 400, json={"category_id": category, "body": "x" * 500})
    assert "body" in error["error"]["fields"]
    error = business.client("POST", "/tickets", 400, content_type="multipart/form-data", data={
        "category_id": str(category), "body": "hi", "attachments": [(io.BytesIO(b"MZ exe"), "a.jpg")]})
    assert "attachments.0" in error["error"]["fields"]
    assert business.staff("GET", "/tickets")["total"] == 0


@pytest.mark.parametrize("setting, call", [
    ("tickets_enabled", lambda b, t: b.client("POST", "/tickets", 403, json={"category_id": b.general(), "body": "x"})),
    ("show_open_tickets", lambda b, t: b.client("GET", "/tickets", 403)),
    ("show_open_tickets", lambda b, t: b.client("GET", f"/tickets/{t}", 403)),
    ("show_closed_tickets", lambda b, t: b.client("GET", "/tickets?status=closed", 403)),
])
def test_each_setting_off_is_refused_by_the_api(business, setting, call):
    ticket = business.client("POST", "/tickets", 201, json={"category_id": business.general(), "body": "hello"})
    business.settings(**{setting: False})
    call(business, ticket["id"])


def test_staff_manage_assign_and_filter(business, system):
    created = business.staff("POST", "/ticket-categories", 201, json={"name": "Pool"})
    business.staff("PATCH", f"/ticket-categories/{created['id']}", json={"name": "Pool care"})
    assert [c["name"] for c in business.staff("GET", "/ticket-categories")["items"]] == [
        "General", "Reschedule", "Cancel", "Service request", "Pool care"]
    ticket = business.client("POST", "/tickets", 201, json={"category_id": business.general(), "body": "hello"})
    staff_id = business.staff("GET", "/tickets/counts") and system.rpc.call(
        "accounts", "list_staff_users", context=system.context(business.tenant))[0]["id"]
    business.staff("PUT", f"/tickets/{ticket['id']}/assignee", json={"assignee_id": staff_id})
    assert business.staff("GET", f"/tickets?assignee_id={staff_id}")["total"] == 1
    assert business.staff("GET", "/tickets?unassigned=true")["total"] == 0
    business.staff("PUT", f"/tickets/{ticket['id']}/assignee", 400, json={"assignee_id": 10 ** 17})


def test_ticket_lists_page_with_a_cursor_and_alerts_name_the_client(business):
    owner = business.staff("GET", "/me")["user"]["id"]
    business.staff("PATCH", "/settings/alerts", json={"ticket_opened": [owner]})
    opened = [business.client("POST", "/tickets", 201, json={"category_id": business.general(), "body": f"Q {n}"})
              for n in range(3)]
    first = business.client("GET", "/tickets?limit=2")
    assert [t["id"] for t in first["items"]] == [opened[2]["id"], opened[1]["id"]] and first["next"]
    rest = business.client("GET", "/tickets", query_string={"limit": 2, "cursor": first["next"]})
    assert [t["id"] for t in rest["items"]] == [opened[0]["id"]] and rest["next"] is None
    inbox = business.staff("GET", "/tickets", query_string={"status": "active", "limit": 1, "cursor": first["next"]})
    assert [t["id"] for t in inbox["items"]] == [opened[0]["id"]] and inbox["total"] == 3 and inbox["next"] is None
    for query, field in (({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"), ({"limit": "0"}, "limit"),
                         ({"limit": "101"}, "limit"), ({"cursor": "x" * 121}, "cursor")):
        for call in (business.client, business.staff):
            assert field in call("GET", "/tickets", 400, query_string=query)["error"]["fields"]

    def named():
        texts = [alert["text"] for alert in business.staff("GET", "/alerts")["items"]]
        return texts if len(texts) == 3 else None
    texts = wait_for(named, timeout=20, message="three ticket alerts")
    assert all(text.startswith(f"{business.client_record['name']} opened ticket #") for text in texts)


def test_the_demos_visit_notes_make_the_closed_views_page(business, system):
    from scripts.seed_demo import visit_notes  # the demo of make up, so it keeps showing paging
    visit_notes(system.rpc, system.context(business.tenant), business.client_record["id"])
    inbox = business.staff("GET", "/tickets?status=closed")
    assert len(inbox["items"]) == 25 and inbox["total"] == 26 and inbox["next"]
    assert business.client("GET", "/tickets?status=closed&limit=20")["next"]
