"""Demo service requests (called by seed_demo.seed once the demo's jobs exist): the business refuses visit requests
within 24 hours of a visit, its owner is alerted of requests, and Jordan has asked to move an upcoming visit, a
pending request staff can accept from its ticket (Reschedule category)."""
from datetime import date, timedelta

CUTOFF_HOURS = 24


def _upcoming_visit(client, staff, account_id):
    """A scheduled visit of the account's at least three days ahead, from a job of the demo's or a small one made
    here when there is none yet."""
    soon = (date.today() + timedelta(days=3)).isoformat()
    scheduled = client.call("billing", "list_jobs", {"account_id": account_id, "status": "scheduled"}, context=staff)
    for job in scheduled["items"]:
        detail = client.call("billing", "get_job", job["id"], context=staff)
        for visit in detail["visits"]:
            if visit["status"] == "scheduled" and visit["scheduled_on"] >= soon:
                return visit
    job = client.call("billing", "create_job", {
        "account_id": account_id, "title": "Hedge trimming", "price": 9_000,
        "schedule": {"start_on": (date.today() + timedelta(days=6)).isoformat(), "window_start": "13:00",
                     "window_end": "15:00"}}, context=staff)
    return job["visits"][0]


def seed_requests(client, staff, jordan_client, jordan_id, owner_id):
    client.call("billing", "update_settings", "services", {"request_cutoff_hours": CUTOFF_HOURS}, context=staff)
    client.call("notifications", "update_settings", "alerts", {
        "reschedule_requested": [owner_id], "cancel_requested": [owner_id], "service_requested": [owner_id]},
        context=staff)
    visit = _upcoming_visit(client, staff, jordan_id)
    day = date.fromisoformat(visit["scheduled_on"])
    client.call("billing", "request_visit_change", visit["id"], {
        "kind": "reschedule", "preferred_dates": [(day + timedelta(days=1)).isoformat(),
                                                  (day + timedelta(days=2)).isoformat()],
        "note": "We have a garden party that day; any time the day after works."}, context=jordan_client)
