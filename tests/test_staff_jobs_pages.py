"""Staff pages of jobs and visits, through the test client with the staff cookie: the service list (add, edit, retire),
a job from the client's page, dispatching it from the waiting list, completing a visit with service notes (its invoice
raised), moving and skipping visits, pausing with a reason and resuming, the status clients read; a wrong value is
shown beside its input and changes nothing; another business's job is not found."""
import itertools
import re
from datetime import date, timedelta

import pytest

from tests.test_tickets_pages import csrf_of

pytestmark = pytest.mark.backends("sqlite")
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count(120))


def day(offset):
    return (date.today() + timedelta(days=offset)).isoformat()


class StaffPages:
    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.browser = system.app.test_client()
        assert self.browser.post("/staff/sign-in", data=credentials,
                                 environ_base={"REMOTE_ADDR": next(_addresses)}).status_code == 303
        self.client = system.rpc.call("accounts", "create_client", {"name": "Jordan Rivera"},
                                      context=system.context(self.tenant))
        self.token = csrf_of(self.page("/staff/services"))

    def page(self, path, status=200):
        response = self.browser.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path, **form):
        return self.browser.post(path, data={"csrf_token": self.token, **form})

    def followed(self, response):
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return self.page(response.headers["Location"])

    def billing(self, method, *args):
        return self.system.rpc.call("billing", method, *args, context=self.system.context(self.tenant))


@pytest.fixture
def pages(system):
    return StaffPages(system)


def test_the_service_list_add_edit_and_retire(pages):
    assert 'href="/staff/services"' in pages.page("/staff/jobs")
    html = pages.followed(pages.post("/staff/services", name="Weekly mowing", description="Mow and edge.",
                                     price="45.00", recurrence="weekly", requestable="true"))
    assert "Service added." in html and "Weekly mowing" in html and "$45.00" in html
    [service] = pages.billing("list_services")
    assert (service["price"], service["recurrence"], service["requestable"]) == (4500, "weekly", True)

    edit = pages.page(f"/staff/services/{service['id']}")
    assert 'value="45.00"' in edit
    pages.followed(pages.post(f"/staff/services/{service['id']}", name="Weekly mowing", description="Mow, edge.",
                              price="50", recurrence="weekly"))
    assert pages.billing("list_services")[0]["price"] == 5000
    retired = pages.followed(pages.post(f"/staff/services/{service['id']}/active", active="false"))
    assert "Retired" in retired and pages.billing("list_services")[0]["active"] is False


@pytest.mark.parametrize("form, field, message", [
    ({"name": "", "price": "45"}, "name", "Enter a name for the service."),
    ({"name": "Mowing", "price": "forty"}, "price", "Enter an amount"),
    ({"name": "Mowing", "price": "45", "recurrence": "every_n_weeks"}, "interval_weeks", "every how many weeks"),
])
def test_a_wrong_service_is_shown_beside_its_input(pages, form, field, message):
    response = pages.post("/staff/services", **{"recurrence": "once", **form})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html and message in html
    assert f'href="#new-service-{field}"' in html and 'aria-invalid="true"' in html
    assert pages.billing("list_services") == []


def test_a_job_from_the_client_page_dispatched_completed_paused_and_resumed(pages):
    service = pages.billing("create_service", {"name": "Weekly mowing", "price": 4500, "recurrence": "weekly"})
    client_page = pages.page(f"/staff/clients/{pages.client['id']}")
    assert "No jobs yet." in client_page and "Weekly mowing ($45.00, Weekly)" in client_page

    created = pages.post(f"/staff/clients/{pages.client['id']}/jobs", service_id=str(service["id"]),
                         bills_per_visit="true", notes="Gate code 4821")
    job_id = int(re.search(r"/staff/jobs/(\d+)", created.headers["Location"]).group(1))
    html = pages.followed(created)
    assert "Job added." in html and "Waiting list" in html and "Dispatch" in html
    waiting = pages.page("/staff/jobs")
    assert waiting.index("Waiting list") < waiting.index("Weekly mowing") < waiting.index("All jobs")

    refused = pages.post(f"/staff/jobs/{job_id}/schedule", back="list", start_on=day(-1),
                         window_start="11:00", window_end="09:00")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The time window must end after it starts." in text
    assert f'href="#dispatch-{job_id}-window_end"' in text
    listed = pages.followed(pages.post(f"/staff/jobs/{job_id}/schedule", back="list", start_on=day(-1),
                                       window_start="09:00", window_end="11:00"))
    assert "Job dispatched" in listed and "No job is waiting." in listed

    job = pages.billing("get_job", job_id)
    first, second = job["visits"][:2]
    job_page = pages.page(f"/staff/jobs/{job_id}")
    assert "Later visits (" in job_page and job_page.index(f"visit-{second['id']}") < job_page.index("Later visits")
    done = pages.followed(pages.post(f"/staff/jobs/{job_id}/visits/{first['id']}/complete",
                                     notes="Mowed and edged; reseed the side gate."))
    assert "Visit completed." in done and "Mowed and edged; reseed the side gate." in done and "View invoice" in done
    invoice_id = pages.billing("get_job", job_id)["visits"][0]["invoice_id"]
    assert pages.billing("get_invoice", invoice_id)["total"] == 4500
    again = pages.post(f"/staff/jobs/{job_id}/visits/{first['id']}/complete")
    assert again.status_code == 409 and "only a scheduled visit" in again.get_data(as_text=True)

    moved = pages.post(f"/staff/jobs/{job_id}/visits/{second['id']}/move", scheduled_on=day(8),
                       window_start="13:00", window_end="15:00")
    assert "Visit moved." in pages.followed(moved)
    assert pages.post(f"/staff/jobs/{job_id}/visits/{second['id']}/notes", notes="Bring seed.").status_code == 303
    assert pages.billing("get_job", job_id)["visits"][1]["notes"] == "Bring seed."

    blank = pages.post(f"/staff/jobs/{job_id}/pause", reason="  ")
    assert blank.status_code == 400 and 'href="#pause-reason"' in blank.get_data(as_text=True)
    paused = pages.followed(pages.post(f"/staff/jobs/{job_id}/pause", reason="Away until spring; gate locked"))
    assert "Job paused." in paused and "Away until spring; gate locked" in paused and "Resume" in paused
    assert pages.billing("get_job", job_id)["status"] == "paused"
    resumed = pages.followed(pages.post(f"/staff/jobs/{job_id}/resume", resume_on=day(14)))
    assert "Job resumed" in resumed and pages.billing("get_job", job_id)["next_visit"]["scheduled_on"] == day(14)


def test_the_status_clients_read_a_preset_or_words_of_ones_own(pages):
    job = pages.billing("create_job", {"account_id": pages.client["id"], "title": "Patio", "price": 90000})
    pages.followed(pages.post(f"/staff/jobs/{job['id']}/client-status", status_choice="Work in progress"))
    assert pages.billing("get_job", job["id"])["client_status"] == "Work in progress"
    missing = pages.post(f"/staff/jobs/{job['id']}/client-status", status_choice="other", status_text="")
    assert missing.status_code == 400 and 'href="#status-status_text"' in missing.get_data(as_text=True)
    html = pages.followed(pages.post(f"/staff/jobs/{job['id']}/client-status", status_choice="other",
                                     status_text="Waiting for the pavers"))
    assert "Waiting for the pavers" in html
    pages.followed(pages.post(f"/staff/jobs/{job['id']}/client-status", status_choice=""))
    assert pages.billing("get_job", job["id"])["client_status"] is None


def test_a_wrong_new_job_is_shown_beside_its_input_and_nothing_is_made(pages):
    path = f"/staff/clients/{pages.client['id']}/jobs"
    for form, target, message in (
            ({"title": ""}, "job-title", "Choose a service from the list or give the job a title."),
            ({"title": "Aeration", "price": "12,50,0"}, "job-price", "Enter an amount"),
            ({"title": "Aeration", "window_start": "09:00", "window_end": "10:00"}, "job-start_on",
             "Give the date of the first visit"),
            ({"title": "Aeration", "recurrence": "every_n_weeks"}, "job-interval_weeks", "every how many weeks")):
        response = pages.post(path, **form)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html and f'href="#{target}"' in html, form
    assert pages.billing("list_jobs")["items"] == []


def test_another_businesses_job_and_service_are_not_found(system, pages):
    other = StaffPages(system)
    service = other.billing("create_service", {"name": "Pool cleaning", "price": 9000})
    job = other.billing("create_job", {"account_id": other.client["id"], "service_id": service["id"],
                                       "schedule": {"start_on": day(1)}})
    visit = job["visits"][0]["id"]
    for path in (f"/staff/jobs/{job['id']}", f"/staff/services/{service['id']}",
                 f"/staff/jobs?account_id={other.client['id']}"):
        assert "Pool cleaning" not in pages.page(path, status=404)
    assert pages.post(f"/staff/jobs/{job['id']}/pause", reason="Intruder").status_code == 404
    own = pages.billing("create_job", {"account_id": pages.client["id"], "title": "Mine", "price": 1,
                                       "schedule": {"start_on": day(1)}})
    assert pages.post(f"/staff/jobs/{own['id']}/visits/{visit}/complete").status_code == 404
    assert pages.post(f"/staff/clients/{pages.client['id']}/jobs", service_id=str(service["id"])).status_code == 404
    assert other.billing("get_job", job["id"]) == job | {"visits": job["visits"]}
