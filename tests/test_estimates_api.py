"""Estimates through the gateway, against the running services: staff draft, edit, send and print an estimate; the
client lists, reads, downloads and approves or declines it; an approval is a job on the waiting list and alerts
the staff chosen for it; each Billing setting of estimates is refused by the API; another account's estimate is
not found."""
from datetime import date, timedelta

import pytest

from portico_testing import wait_for
from portico_testing.pdfs import pdf_content
from tests.portal_helpers import bearer, portal_api, registered_client

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
LINES = [{"description": "Core aeration", "quantity": 1, "unit_price": 12_000},
         {"description": "Overseeding (per 1,000 sq ft)", "quantity": 4, "unit_price": 2_500}]


class Business:
    """A business's owner on the staff API and two registered clients on the portal API."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.owner_id = self.tenant["owner"]["id"]
        self.staff_headers = bearer(system.staff_token(credentials))
        self.client, session = registered_client(system, self.tenant, name="Jordan Client")
        self.client_headers = bearer(session["token"])
        self.other, other_session = registered_client(system, self.tenant, name="Other Client")
        self.other_headers = bearer(other_session["token"])

    def staff(self, method, path, status=200, **kwargs):
        response = self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
        return response

    def portal(self, method, path, headers=None, **kwargs):
        return self.system.http.open(portal_api(self.tenant) + path, method=method,
                                     headers=headers or self.client_headers, **kwargs)

    def estimate(self, account_id=None, send=True, **fields):
        created = self.staff("POST", "/estimates", 201, json={
            "account_id": account_id or self.client["id"], "title": "Spring aeration and overseeding",
            "valid_until": (date.today() + timedelta(days=30)).isoformat(), "lines": LINES, **fields}).get_json()
        return self.staff("POST", f"/estimates/{created['id']}/send").get_json() if send else created

    def settings(self, **changes):
        self.staff("PATCH", "/settings/billing", json=changes)


@pytest.fixture
def business(system):
    return Business(system)


def test_staff_draft_edit_send_and_print_an_estimate(business):
    draft = business.estimate(send=False)
    assert (draft["status"], draft["total"], draft["number"]) == ("draft", 22_000, 1001)
    assert business.portal("GET", "/estimates").get_json()["items"] == []  # a draft is the business's own
    assert business.portal("GET", f"/estimates/{draft['id']}").status_code == 404

    edited = business.staff("PATCH", f"/estimates/{draft['id']}", json={"lines": LINES[:1]}).get_json()
    assert (edited["total"], edited["title"]) == (12_000, "Spring aeration and overseeding")
    sent = business.staff("POST", f"/estimates/{draft['id']}/send").get_json()
    assert sent["status"] == "sent"
    business.staff("PATCH", f"/estimates/{draft['id']}", 409, json={"title": "Late change"})
    business.staff("POST", f"/estimates/{draft['id']}/send", 409)
    listed = business.staff("GET", "/estimates", query_string={"account_id": business.client["id"],
                                                               "status": "sent"}).get_json()["items"]
    assert [item["id"] for item in listed] == [draft["id"]]
    pdf = business.staff("GET", f"/estimates/{draft['id']}/pdf")
    assert pdf.mimetype == "application/pdf"
    assert b"ESTIMATE #1001" in pdf_content(pdf.data) and b"Prepared for: Jordan Client" in pdf_content(pdf.data)


def test_bad_input_is_a_400_on_its_field_and_changes_nothing(business):
    for body, field in (({"lines": []}, "lines"), ({"title": ""}, "title"),
                        ({"valid_until": "2001-01-01"}, "valid_until"),
                        ({"lines": [{"description": "Mowing", "unit_price": 10 ** 12}] * 2}, "lines")):
        response = business.staff("POST", "/estimates", 400, json={
            "account_id": business.client["id"], "title": "Mowing", "lines": LINES, **body})
        assert field in response.get_json()["error"]["fields"], response.get_json()
    business.staff("POST", "/estimates", 404, json={"account_id": 999_999_999, "title": "Mowing", "lines": LINES})
    assert business.staff("GET", "/estimates").get_json()["items"] == []


def test_the_client_approves_and_the_job_waits_while_the_chosen_staff_are_alerted(system, business):
    business.staff("PATCH", "/settings/alerts", json={"estimate_decided": [business.owner_id]})
    estimate = business.estimate()
    shown = business.portal("GET", f"/estimates/{estimate['id']}").get_json()
    assert shown["can_decide"] is True and [line["amount"] for line in shown["lines"]] == [12_000, 10_000]
    assert business.portal("GET", f"/estimates/{estimate['id']}/pdf").mimetype == "application/pdf"

    decided = business.portal("POST", f"/estimates/{estimate['id']}/decision",
                              json={"decision": "approved", "note": "Please come in April."})
    assert decided.status_code == 200, decided.get_json()
    approved = decided.get_json()
    assert (approved["status"], approved["decision_note"], approved["can_decide"]) == (
        "approved", "Please come in April.", False)
    again = business.portal("POST", f"/estimates/{estimate['id']}/decision", json={"decision": "declined"})
    assert again.status_code == 409 and "already approved" in again.get_json()["error"]["message"]

    jobs = system.rpc.call("billing", "list_estimates", {"account_id": business.client["id"]},
                           context=system.context(business.tenant))["items"]
    assert jobs[0]["job_id"] == approved["job_id"] is not None
    alerts = wait_for(lambda: business.staff("GET", "/alerts").get_json()["items"], timeout=30,
                      message="the estimate's alert")
    assert [(alert["action"], alert["account_id"]) for alert in alerts] == [("estimate_decided",
                                                                             business.client["id"])]
    assert f"approved estimate #{estimate['number']}" in alerts[0]["text"]


def test_a_note_over_1000_characters_is_refused_and_a_decline_makes_no_job(business):
    estimate = business.estimate()
    long_note = business.portal("POST", f"/estimates/{estimate['id']}/decision",
                                json={"decision": "declined", "note": "x" * 1001})
    assert long_note.status_code == 400 and list(long_note.get_json()["error"]["fields"]) == ["note"]
    declined = business.portal("POST", f"/estimates/{estimate['id']}/decision", json={"decision": "declined"})
    assert declined.status_code == 200 and declined.get_json()["job_id"] is None


def test_another_accounts_estimate_is_not_found(business):
    estimate = business.estimate()
    for method, path, body in (("GET", "", None), ("GET", "/pdf", None),
                               ("POST", "/decision", {"decision": "approved"})):
        response = business.portal(method, f"/estimates/{estimate['id']}{path}", headers=business.other_headers,
                                   json=body)
        assert response.status_code == 404, (path, response.status_code)
    assert business.portal("GET", "/estimates", headers=business.other_headers).get_json()["items"] == []
    assert business.portal("GET", f"/estimates/{estimate['id']}").get_json()["status"] == "sent"


def test_decisions_turned_off_are_refused_and_estimates_hidden_are_refused_altogether(business):
    estimate = business.estimate()
    business.settings(allow_estimate_decisions=False)
    assert business.portal("GET", "/estimates").get_json()["can_decide"] is False
    refused = business.portal("POST", f"/estimates/{estimate['id']}/decision", json={"decision": "approved"})
    assert refused.status_code == 403
    assert business.portal("GET", f"/estimates/{estimate['id']}").get_json()["status"] == "sent"

    business.settings(show_estimates=False)
    for method, path in (("GET", "/estimates"), ("GET", f"/estimates/{estimate['id']}"),
                         ("GET", f"/estimates/{estimate['id']}/pdf")):
        assert business.portal(method, path).status_code == 403, path
    assert business.staff("GET", f"/estimates/{estimate['id']}").get_json()["status"] == "sent"


def test_the_demo_seed_leaves_one_estimate_to_decide_and_one_approved(system, business):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    client_context = system.client_context(business.tenant, 1, business.client["id"], "manage")
    seed_demo.part("seed_estimates").seed_estimates(system.rpc, system.context(business.tenant),
                                                    business.client["id"], client_context)
    listed = business.portal("GET", "/estimates").get_json()["items"]
    assert [(item["title"], item["status"], item["job_id"] is not None) for item in listed] == [
        ("Spring aeration and overseeding", "sent", False), ("Fall leaf removal", "approved", True)]
