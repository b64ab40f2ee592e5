"""Staff API of the field-service half over HTTP: the service list, jobs (from the list or by hand, the waiting
list, dispatching, pausing with a reason, resuming, cancelling, the status clients read) and visits (complete with
notes, which raises the invoice, skip, cancel, move, service notes). Bad input is a 400 on its field with nothing
changed, another business's ids are 404, an action in the wrong state is 409."""
from datetime import date, timedelta

import pytest
import requests

from tests.test_staff_billing_api import Staff, field_errors

pytestmark = pytest.mark.backends("postgresql")

TODAY = date.today()  # the business's zone is UTC unless set: the same date here


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def staff(system):
    return Staff(system)


def mowing(staff):
    return staff.ok("POST", "/services", 201, json={"name": "Weekly mowing", "price": 4500, "recurrence": "weekly",
                                                    "description": "Mow, edge and blow the paths clear."})


def weekly_job(staff, client_id, start=0, **extra):
    service = mowing(staff)
    return staff.ok("POST", "/jobs", 201, json={
        "account_id": client_id, "service_id": service["id"],
        "schedule": {"start_on": day(start), "window_start": "09:00", "window_end": "11:00"}, **extra})


def test_the_service_list_add_change_and_retire(staff):
    service = mowing(staff)
    assert (service["price"], service["recurrence"], service["active"], service["requestable"]) == (
        4500, "weekly", True, True)
    fertilising = staff.ok("POST", "/services", 201, json={"name": "Fertilisation", "price": 6000,
                                                           "recurrence": "every_n_weeks", "interval_weeks": 6})
    changed = staff.ok("PATCH", f"/services/{service['id']}", json={"price": 5000, "description": "Mow and edge."})
    assert (changed["price"], changed["description"]) == (5000, "Mow and edge.")
    retired = staff.ok("PATCH", f"/services/{fertilising['id']}", json={"active": False})
    assert retired["active"] is False
    listed = staff.ok("GET", "/services")["items"]
    assert [(row["name"], row["active"]) for row in listed] == [("Fertilisation", False), ("Weekly mowing", True)]

    assert "name" in field_errors(staff.call("POST", "/services", json={"name": "Weekly mowing", "price": 1}))
    assert "price" in field_errors(staff.call("POST", "/services", json={"name": "Edging", "price": -1}))
    assert "price" in field_errors(staff.call("POST", "/services", json={"name": "Edging", "price": "12.50"}))
    assert "interval_weeks" in field_errors(staff.call("POST", "/services", json={
        "name": "Edging", "price": 100, "recurrence": "every_n_weeks"}))
    assert "recurrence" in field_errors(staff.call("PATCH", f"/services/{service['id']}", json={
        "recurrence": "daily"}))
    assert staff.ok("GET", "/services")["items"] == listed


def test_a_job_from_the_list_waits_then_is_dispatched_with_visits_in_its_window(staff):
    client = staff.new_client("Jordan Rivera")
    service = mowing(staff)
    job = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "service_id": service["id"],
                                               "notes": "Gate code 1234"})
    assert (job["title"], job["price"], job["recurrence"], job["status"], job["client_name"]) == (
        "Weekly mowing", 4500, "weekly", "unscheduled", "Jordan Rivera")
    assert [row["id"] for row in staff.ok("GET", "/jobs", query_string={"status": "unscheduled"})["items"]] == [
        job["id"]]

    scheduled = staff.ok("POST", f"/jobs/{job['id']}/schedule", json={
        "start_on": day(2), "window_start": "09:00", "window_end": "11:00"})
    assert scheduled["status"] == "scheduled" and len(scheduled["visits"]) >= 12
    first = scheduled["visits"][0]
    assert (first["scheduled_on"], first["window_start"], first["window_end"]) == (day(2), "09:00", "11:00")
    assert scheduled["next_visit"]["id"] == first["id"]
    assert staff.ok("GET", "/jobs", query_string={"status": "unscheduled"})["items"] == []
    listed = staff.ok("GET", "/jobs", query_string={"account_id": client["id"]})["items"]
    assert [(row["id"], row["client_name"]) for row in listed] == [(job["id"], "Jordan Rivera")]
    assert staff.call("POST", f"/jobs/{job['id']}/schedule", json={"start_on": day(3)}).status_code == 409


def test_a_job_by_hand_one_off_every_n_weeks_and_monthly(staff):
    client = staff.new_client()
    aeration = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "title": "Core aeration",
                                                    "price": 12000, "bills_per_visit": False})
    assert (aeration["recurrence"], aeration["price"], aeration["bills_per_visit"]) == ("once", 12000, False)
    every_six = staff.ok("POST", "/jobs", 201, json={
        "account_id": client["id"], "title": "Fertilisation", "price": 6000, "recurrence": "every_n_weeks",
        "interval_weeks": 6, "schedule": {"start_on": day(0)}})
    dates = [visit["scheduled_on"] for visit in every_six["visits"]]
    assert dates[:2] == [day(0), day(42)] and every_six["visits"][0]["window_start"] is None
    monthly = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "title": "Pest control",
                                                   "price": 5500, "recurrence": "monthly"})
    assert monthly["recurrence"] == "monthly"


@pytest.mark.parametrize("body, field", [
    ({"price": 100}, "title"),  # neither a service nor a title
    ({"title": " "}, "title"),
    ({"title": "Mowing", "price": -5}, "price"),
    ({"title": "Mowing", "recurrence": "fortnightly"}, "recurrence"),
    ({"title": "Mowing", "recurrence": "every_n_weeks"}, "interval_weeks"),
    ({"title": "Mowing", "recurrence": "weekly", "interval_weeks": 3}, "interval_weeks"),
    ({"title": "Mowing", "interval_weeks": 1, "recurrence": "every_n_weeks"}, "interval_weeks"),
    ({"title": "Mowing", "schedule": {"start_on": "next week"}}, "schedule.start_on"),
    ({"title": "Mowing", "schedule": {"start_on": day(0), "window_start": "11:00", "window_end": "09:00"}},
     "schedule.window_end"),
    ({"title": "Mowing", "schedule": {"start_on": day(0), "window_start": "9am", "window_end": "11:00"}},
     "schedule.window_start"),
    ({"title": "Mowing", "schedule": {"start_on": day(0), "window_start": "09:00"}}, "schedule.window_end"),
    ({"title": "Mowing", "schedule": {"start_on": day(5000)}}, "schedule.start_on"),
    ({"title": "Mowing", "colour": "green"}, "colour"),
])
def test_a_wrong_new_job_is_refused_on_its_field_and_nothing_is_made(staff, body, field):
    client = staff.new_client()
    assert field in field_errors(staff.call("POST", "/jobs", json={"account_id": client["id"], **body}))
    assert staff.ok("GET", "/jobs")["items"] == []


def test_pause_with_a_reason_resume_and_cancel(staff):
    client = staff.new_client()
    job = weekly_job(staff, client["id"])
    assert "reason" in field_errors(staff.call("POST", f"/jobs/{job['id']}/pause", json={"reason": ""}))
    paused = staff.ok("POST", f"/jobs/{job['id']}/pause", json={"reason": "Away until spring; gate locked"})
    assert (paused["status"], paused["pause_reason"], paused["next_visit"]) == (
        "paused", "Away until spring; gate locked", None)
    assert {visit["status"] for visit in paused["visits"]} == {"cancelled"}
    assert staff.call("POST", f"/jobs/{job['id']}/pause", json={"reason": "Again"}).status_code == 409
    assert "resume_on" in field_errors(staff.call("POST", f"/jobs/{job['id']}/resume", json={"resume_on": day(-3)}))

    resumed = staff.ok("POST", f"/jobs/{job['id']}/resume", json={"resume_on": day(7)})
    assert (resumed["status"], resumed["pause_reason"], resumed["next_visit"]["scheduled_on"]) == (
        "scheduled", None, day(7))
    assert resumed["next_visit"]["window_start"] == "09:00"
    assert staff.call("POST", f"/jobs/{job['id']}/resume").status_code == 409

    cancelled = staff.ok("POST", f"/jobs/{job['id']}/cancel")
    assert cancelled["status"] == "cancelled" and cancelled["next_visit"] is None
    assert staff.call("POST", f"/jobs/{job['id']}/cancel").status_code == 409
    one_off = staff.ok("POST", "/jobs", 201, json={"account_id": client["id"], "title": "Aeration", "price": 1,
                                                   "schedule": {"start_on": day(1)}})
    assert staff.call("POST", f"/jobs/{one_off['id']}/pause", json={"reason": "No"}).status_code == 409


def test_the_status_clients_read(staff):
    job = weekly_job(staff, staff.new_client()["id"])
    assert staff.ok("PUT", f"/jobs/{job['id']}/client-status", json={
        "client_status": "Work in progress"})["client_status"] == "Work in progress"
    assert staff.ok("PUT", f"/jobs/{job['id']}/client-status", json={
        "client_status": "Waiting for the new mower"})["client_status"] == "Waiting for the new mower"
    assert "client_status" in field_errors(staff.call("PUT", f"/jobs/{job['id']}/client-status", json={
        "client_status": "x" * 101}))
    assert "client_status" in field_errors(staff.call("PUT", f"/jobs/{job['id']}/client-status", json={}))
    assert staff.ok("PUT", f"/jobs/{job['id']}/client-status", json={"client_status": None})["client_status"] is None


def test_completing_a_visit_raises_its_invoice_seen_in_invoices(staff):
    client = staff.new_client()
    job = weekly_job(staff, client["id"], start=-7)
    last_week = job["visits"][0]

    done = staff.ok("POST", f"/visits/{last_week['id']}/complete", json={"notes": "Mowed and edged; reseed soon."})

    assert (done["status"], done["notes"]) == ("completed", "Mowed and edged; reseed soon.")
    invoice = staff.ok("GET", f"/invoices/{done['invoice_id']}")
    assert (invoice["total"], invoice["job_id"], invoice["account_id"]) == (4500, job["id"], client["id"])
    assert [row["id"] for row in staff.ok("GET", "/invoices", query_string={"account_id": client["id"]})[
        "items"]] == [invoice["id"]]
    assert staff.call("POST", f"/visits/{last_week['id']}/complete").status_code == 409
    assert staff.call("POST", f"/visits/{last_week['id']}/skip").status_code == 409
    detail = staff.ok("GET", f"/jobs/{job['id']}")
    assert detail["visits"][0]["status"] == "completed" and detail["next_visit"]["scheduled_on"] == day(0)
    without_notes = staff.ok("POST", f"/visits/{detail['visits'][1]['id']}/complete")
    assert without_notes["status"] == "completed" and without_notes["notes"] is None


def test_skip_cancel_move_and_write_notes(staff):
    job = weekly_job(staff, staff.new_client()["id"], start=1)
    first, second, third = job["visits"][:3]
    assert staff.ok("POST", f"/visits/{first['id']}/skip")["status"] == "skipped"
    assert staff.ok("POST", f"/visits/{second['id']}/cancel")["status"] == "cancelled"
    assert staff.call("POST", f"/visits/{second['id']}/cancel").status_code == 409
    moved = staff.ok("PUT", f"/visits/{third['id']}/date", json={
        "scheduled_on": day(16), "window_start": "13:00", "window_end": "15:00"})
    assert (moved["scheduled_on"], moved["window_start"], moved["window_end"]) == (day(16), "13:00", "15:00")
    assert "window_end" in field_errors(staff.call("PUT", f"/visits/{third['id']}/date", json={
        "scheduled_on": day(16), "window_start": "13:00", "window_end": "12:00"}))
    assert "scheduled_on" in field_errors(staff.call("PUT", f"/visits/{third['id']}/date", json={
        "scheduled_on": "9999-12-31"}))
    assert "scheduled_on" in field_errors(staff.call("PUT", f"/visits/{third['id']}/date", json={}))
    assert staff.call("PUT", f"/visits/{first['id']}/date", json={"scheduled_on": day(20)}).status_code == 409
    noted = staff.ok("PUT", f"/visits/{third['id']}/notes", json={"notes": "Bring the hedge trimmer."})
    assert noted["notes"] == "Bring the hedge trimmer."
    assert "notes" in field_errors(staff.call("PUT", f"/visits/{third['id']}/notes", json={"notes": "x" * 4001}))
    assert staff.ok("PUT", f"/visits/{third['id']}/notes", json={"notes": ""})["notes"] is None
    visits = {visit["id"]: visit for visit in staff.ok("GET", f"/jobs/{job['id']}")["visits"]}
    assert (visits[third["id"]]["scheduled_on"], visits[third["id"]]["notes"]) == (day(16), None)


def test_another_businesses_services_jobs_and_visits_are_not_found(system, staff):
    other = Staff(system, display_name="Blue Pools")
    other_client = other.new_client("Someone Else")
    job = weekly_job(other, other_client["id"])
    [service] = other.ok("GET", "/services")["items"]
    visit = job["visits"][0]
    mine = staff.new_client()
    before = other.ok("GET", f"/jobs/{job['id']}")

    calls = [("PATCH", f"/services/{service['id']}", {"price": 1}),
             ("GET", "/jobs?account_id=%d" % other_client["id"], None),
             ("POST", "/jobs", {"account_id": other_client["id"], "title": "Takeover"}),
             ("POST", "/jobs", {"account_id": mine["id"], "service_id": service["id"]}),
             ("GET", f"/jobs/{job['id']}", None),
             ("POST", f"/jobs/{job['id']}/schedule", {"start_on": day(1)}),
             ("POST", f"/jobs/{job['id']}/pause", {"reason": "Intruder"}),
             ("POST", f"/jobs/{job['id']}/resume", {}), ("POST", f"/jobs/{job['id']}/cancel", None),
             ("PUT", f"/jobs/{job['id']}/client-status", {"client_status": "Intruder"}),
             ("POST", f"/visits/{visit['id']}/complete", {"notes": "Intruder"}),
             ("POST", f"/visits/{visit['id']}/skip", None), ("POST", f"/visits/{visit['id']}/cancel", None),
             ("PUT", f"/visits/{visit['id']}/date", {"scheduled_on": day(3)}),
             ("PUT", f"/visits/{visit['id']}/notes", {"notes": "Intruder"})]
    for method, path, body in calls:
        response = staff.call(method, path, **({"json": body} if body is not None else {}))
        assert response.status_code == 404, (method, path, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
    assert other.ok("GET", f"/jobs/{job['id']}") == before
    assert other.ok("GET", "/services")["items"] == [service]
    assert staff.ok("GET", "/jobs")["items"] == [] and staff.ok("GET", "/invoices")["items"] == []


def test_a_client_cannot_call_the_staff_job_routes(system, staff):
    job = weekly_job(staff, staff.new_client()["id"])
    response = system.http.post(f"/api/v1/staff/visits/{job['visits'][0]['id']}/complete")
    assert response.status_code == 401


def test_the_demo_seed_of_services_and_jobs(system, staff):
    """make up's demo (scripts/seed_jobs.py) on a business of its own: what the demo shows is there."""
    from scripts.seed_jobs import seed_jobs

    names = ("Jordan", "Lake House", "Sam", "HOA")
    accounts = dict(zip(("jordan", "lake", "sam", "hoa"), (staff.new_client(name)["id"] for name in names)))
    staff.billing_settings(autopay_enabled=True)
    staff.enrol_in_autopay(accounts["sam"])

    def card_token():
        answer = requests.post(f"{system.processor_url}/v1/tokens", timeout=10, json={
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}).json()
        return {key: answer[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}

    seed_jobs(system.rpc, system.context(staff.tenant), system.client_context(staff.tenant, 1, accounts["jordan"]),
              accounts, card_token)

    jordan = {job["title"]: job for job in staff.ok("GET", "/jobs", query_string={"account_id": accounts["jordan"]})[
        "items"]}
    assert jordan["Core aeration"]["status"] == "unscheduled"
    assert (jordan["Pest control"]["status"], jordan["Pest control"]["pause_reason"]) == (
        "paused", "Away until spring; gate locked")
    assert jordan["Fertilisation"]["client_status"] == "Work in progress"
    mowing = staff.ok("GET", f"/jobs/{jordan['Weekly mowing']['id']}")
    done = [visit for visit in mowing["visits"] if visit["status"] == "completed"]
    assert len(done) == 6 and all(visit["notes"] and visit["invoice_id"] for visit in done)
    assert mowing["next_visit"]["window_start"] == "09:00"
    invoices = staff.ok("GET", "/invoices", query_string={"account_id": accounts["jordan"], "status": "all"})["items"]
    statuses = [invoice["status"] for invoice in invoices if invoice["job_id"] == mowing["id"]]
    assert len(statuses) == 6 and statuses.count("paid") == 5  # Jordan paid all but the latest
    assert {row["name"] for row in staff.ok("GET", "/services")["items"]} >= {"Weekly mowing", "Gutter cleaning"}
    assert staff.ok("GET", "/jobs", query_string={"account_id": accounts["hoa"], "status": "unscheduled"})["items"]
