"""Jobs and visits, through billing's staff entrypoints: the service list, planning recurring visits, the waiting
list, completing a visit (its invoice), skipping, cancelling, moving, pausing with a reason and resuming."""
from datetime import date, timedelta

import pytest

from billing.visits import HORIZON_DAYS, add_months
from shared.errors import Conflict, InvalidInput, NotFound

ACCOUNT = 42
VISA = {"token": "tok_visa_4242", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
        "exp_year": 2031}
TODAY = date.today()  # the business's time zone is UTC (the default)


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def mowing(business):
    return business.staff().create_service({"name": "Weekly mowing", "price": 4_500, "recurrence": "weekly"})


def new_job(business, **values):
    return business.staff().create_job({"account_id": ACCOUNT, **values})


def test_a_weekly_job_from_the_service_list_fills_the_next_twelve_weeks(business, mowing):
    job = new_job(business, service_id=mowing["id"],
                  schedule={"start_on": day(1), "window_start": "09:00", "window_end": "11:00"})

    assert (job["title"], job["price"], job["recurrence"], job["status"]) == ("Weekly mowing", 4_500, "weekly",
                                                                              "scheduled")
    dates = [visit["scheduled_on"] for visit in job["visits"]]
    assert dates[0] == day(1) and dates[1] == day(8) and dates[-1] <= day(1 + HORIZON_DAYS)
    assert len(dates) == HORIZON_DAYS // 7 + 1
    assert job["next_visit"]["label"].startswith("Weekly mowing on ") and job["next_visit"]["label"].endswith(
        ", 09:00-11:00")


def test_monthly_visits_keep_their_day_and_every_n_weeks_its_interval(business):
    assert add_months(date(2031, 1, 31), 1, 31) == date(2031, 2, 28)
    assert add_months(date(2031, 2, 28), 1, 31) == date(2031, 3, 31)
    fortnightly = new_job(business, title="Hedge trimming", price=9_000, recurrence="every_n_weeks",
                          interval_weeks=2, schedule={"start_on": day(0)})
    assert [visit["scheduled_on"] for visit in fortnightly["visits"][:3]] == [day(0), day(14), day(28)]
    with pytest.raises(InvalidInput) as refused:
        new_job(business, title="Hedge trimming", recurrence="every_n_weeks")
    assert list(refused.value.fields) == ["interval_weeks"]


def test_a_job_waits_on_the_list_until_it_is_dispatched(business):
    job = new_job(business, title="Gutter cleaning", price=12_000)
    assert (job["status"], job["visits"], job["next_visit"]) == ("unscheduled", [], None)
    assert [row["id"] for row in business.staff().list_jobs({"status": "unscheduled"})["items"]] == [job["id"]]

    scheduled = business.staff().schedule_job(job["id"], {"start_on": day(3)})

    assert scheduled["status"] == "scheduled" and [v["scheduled_on"] for v in scheduled["visits"]] == [day(3)]
    with pytest.raises(Conflict):
        business.staff().schedule_job(job["id"], {"start_on": day(4)})


def test_completing_a_visit_raises_its_invoice_on_autopay_when_the_job_is(business, mowing):
    business.settings(autopay_enabled=True)
    client = business.client()
    client.enroll_autopay(client.add_payment_method(VISA)["id"], True)
    job = new_job(business, service_id=mowing["id"], schedule={"start_on": day(0)})
    visit = job["visits"][0]

    done = business.staff().complete_visit(visit["id"], {"notes": "Mowed and edged; next week we trim."})

    invoice = business.staff().get_invoice(done["invoice_id"])
    assert (done["status"], done["notes"]) == ("completed", "Mowed and edged; next week we trim.")
    assert (invoice["total"], invoice["job_id"], invoice["autopay"], invoice["due_date"]) == (
        4_500, job["id"], True, day(0))
    with pytest.raises(Conflict):
        business.staff().complete_visit(visit["id"])
    free = new_job(business, title="Free inspection", price=0, schedule={"start_on": day(0)})
    finished = business.staff().complete_visit(free["visits"][0]["id"])
    assert finished["invoice_id"] is None
    assert business.staff().get_job(free["id"])["status"] == "completed"


def test_a_skipped_one_off_goes_back_to_the_list_and_a_cancelled_one_is_cancelled(business):
    staff = business.staff()
    skipped = new_job(business, title="Aeration", price=8_000, schedule={"start_on": day(2)})
    cancelled = new_job(business, title="Seeding", price=6_000, schedule={"start_on": day(2)})

    staff.skip_visit(skipped["visits"][0]["id"])
    staff.cancel_visit(cancelled["visits"][0]["id"])

    assert staff.get_job(skipped["id"])["status"] == "unscheduled"
    assert staff.get_job(cancelled["id"])["status"] == "cancelled"


def test_pausing_drops_the_visits_to_come_and_resuming_plans_them_again(business, mowing):
    staff = business.staff()
    job = new_job(business, service_id=mowing["id"],
                  schedule={"start_on": day(0), "window_start": "08:00", "window_end": "10:00"})
    with pytest.raises(InvalidInput):
        staff.pause_job(job["id"], {"reason": "  "})

    paused = staff.pause_job(job["id"], {"reason": "Away for the winter; back in March."})

    assert (paused["status"], paused["pause_reason"]) == ("paused", "Away for the winter; back in March.")
    assert {visit["status"] for visit in paused["visits"]} == {"cancelled"} and paused["next_visit"] is None
    resumed = staff.resume_job(job["id"], {"resume_on": day(10)})
    upcoming = [visit for visit in resumed["visits"] if visit["status"] == "scheduled"]
    assert resumed["status"] == "scheduled" and resumed["pause_reason"] is None
    assert upcoming[0]["scheduled_on"] == day(10) and upcoming[0]["window_start"] == "08:00"
    one_off = new_job(business, title="Aeration", schedule={"start_on": day(1)})
    with pytest.raises(Conflict):
        staff.pause_job(one_off["id"], {"reason": "Not now"})


def test_staff_move_a_visit_write_its_notes_and_set_the_status_clients_read(business, mowing):
    staff = business.staff()
    job = new_job(business, service_id=mowing["id"], schedule={"start_on": day(1)})
    visit = job["visits"][0]

    moved = staff.move_visit(visit["id"], {"scheduled_on": day(2), "window_start": "13:00", "window_end": "15:00"})
    noted = staff.set_visit_notes(visit["id"], {"notes": "Gate code 4411."})
    status = staff.set_job_client_status(job["id"], {"client_status": "Work in progress"})

    assert (moved["scheduled_on"], moved["window_start"], noted["notes"]) == (day(2), "13:00", "Gate code 4411.")
    assert status["client_status"] == "Work in progress"
    with pytest.raises(InvalidInput) as refused:
        staff.move_visit(visit["id"], {"scheduled_on": day(2), "window_start": "15:00", "window_end": "13:00"})
    assert list(refused.value.fields) == ["window_end"]


def test_service_names_are_unique_and_another_business_sees_nothing(business, other_business, mowing):
    with pytest.raises(InvalidInput) as refused:
        business.staff().create_service({"name": "Weekly mowing", "price": 100})
    assert list(refused.value.fields) == ["name"]
    job = new_job(business, service_id=mowing["id"], schedule={"start_on": day(1)})

    other = other_business.staff()
    for call in (lambda: other.get_job(job["id"]), lambda: other.complete_visit(job["visits"][0]["id"]),
                 lambda: other.update_service(mowing["id"], {"price": 1}),
                 lambda: other.create_job({"account_id": ACCOUNT, "service_id": mowing["id"]})):
        with pytest.raises(NotFound):
            call()
    assert other.list_jobs()["items"] == [] and other.list_services() == []


@pytest.mark.parametrize("offset", [-367, 732, 2_900_000])
def test_a_visit_date_far_from_today_is_refused_on_its_field(business, mowing, offset):
    """Further than a year back or two years ahead is a typing mistake (and 9999-12-31 would overflow the
    recurrence's arithmetic)."""
    far = "9999-12-31" if offset > 1_000_000 else day(offset)
    staff = business.staff()
    job = new_job(business, service_id=mowing["id"], schedule={"start_on": day(1)})
    waiting = new_job(business, service_id=mowing["id"])
    calls = [(lambda: new_job(business, title="Far", schedule={"start_on": far}), "schedule.start_on"),
             (lambda: staff.schedule_job(waiting["id"], {"start_on": far}), "start_on"),
             (lambda: staff.move_visit(job["visits"][0]["id"], {"scheduled_on": far}), "scheduled_on")]
    for call, field in calls:
        with pytest.raises(InvalidInput) as refused:
            call()
        assert list(refused.value.fields) == [field]
    staff.pause_job(job["id"], {"reason": "Away"})
    if offset > 0:
        with pytest.raises(InvalidInput) as refused:
            staff.resume_job(job["id"], {"resume_on": far})
        assert list(refused.value.fields) == ["resume_on"]
    assert staff.get_job(waiting["id"])["status"] == "unscheduled"
