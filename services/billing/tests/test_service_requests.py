"""Service requests, through billing's entrypoints: a client asks to move or cancel a visit of their account, or for
a new service; each needs its setting, a visit request its cut-off, one pending at a time; staff accept (the visit
moves or is cancelled, a job waits on the list) or decline with a reason; each step is an event for tickets."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from billing import service_requests
from billing.field_models import Visit
from billing.models import platform
from portico_testing.inprocess import outbox_writer
from shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied

ACCOUNT, OTHER_ACCOUNT = 42, 43
TODAY = date.today()  # the business's time zone is UTC (the default)


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def visit(business):
    job = business.staff().create_job({"account_id": ACCOUNT, "title": "Weekly mowing", "price": 4_500,
                                       "recurrence": "weekly", "schedule": {
                                           "start_on": day(3), "window_start": "09:00", "window_end": "11:00"}})
    return job["visits"][0]


def services_tab(business, **changes):
    return business.staff().update_settings("services", changes)


def reschedule(*offsets, note="Any time after 10 is fine."):
    return {"kind": "reschedule", "preferred_dates": [day(offset) for offset in offsets], "note": note}


def test_a_reschedule_request_is_pending_and_tells_tickets_what_was_asked(business, visit):
    asked = business.client().request_visit_change(visit["id"], reschedule(5, 6))

    assert (asked["kind"], asked["status"], asked["preferred_dates"]) == ("reschedule", "pending", [day(5), day(6)])
    [(_, made)] = business.events("service_request_made")
    assert made["subject"] == f"Reschedule: {visit['label']}" and made["visit_id"] == visit["id"]
    assert made["body"].splitlines() == [
        "Preferred dates: " + ", ".join(service_requests.day_text(TODAY + timedelta(days=n)) for n in (5, 6)),
        "Note: Any time after 10 is fine."]
    assert (made["account_id"], made["kind"], made["status"], made["actor"]) == (
        ACCOUNT, "reschedule", "pending", {"kind": "client", "id": 1})


def test_a_second_pending_request_of_a_kind_is_refused_but_another_kind_is_taken(business, visit):
    client = business.client()
    client.request_visit_change(visit["id"], reschedule(5))
    with pytest.raises(Conflict) as refused:
        client.request_visit_change(visit["id"], reschedule(6))
    assert "already asked to move this visit" in refused.value.message
    assert client.request_visit_change(visit["id"], {"kind": "cancel"})["kind"] == "cancel"
    assert len(business.events("service_request_made")) == 2


def test_a_visit_of_another_account_is_not_found_and_nothing_is_asked(business, visit):
    other = business.client(account_id=OTHER_ACCOUNT)
    for call in (lambda: other.request_visit_change(visit["id"], reschedule(5)),
                 lambda: other.request_visit_change(visit["id"], {"kind": "cancel"}),
                 lambda: other.my_visit_reference(visit["id"])):
        with pytest.raises(NotFound):
            call()
    assert business.events("service_request_made") == []
    assert business.client().my_visit_reference(visit["id"]) == {"kind": "visit", "id": visit["id"],
                                                                  "label": visit["label"]}


@pytest.mark.parametrize("setting, asked", [("allow_reschedule_requests", reschedule(5)),
                                              ("allow_cancel_requests", {"kind": "cancel"})])
def test_each_visit_request_is_refused_when_its_setting_is_off(business, visit, setting, asked):
    services_tab(business, **{setting: False})
    with pytest.raises(PermissionDenied):
        business.client().request_visit_change(visit["id"], asked)
    assert business.events("service_request_made") == []


def test_service_requests_are_refused_when_the_setting_is_off(business):
    service = business.staff().create_service({"name": "Hedge trimming", "price": 9_000})
    services_tab(business, allow_service_requests=False)
    client = business.client()
    for call in (client.my_offered_services,
                 lambda: client.request_service({"service_id": service["id"], "preferred_dates": [day(4)]})):
        with pytest.raises(PermissionDenied):
            call()


def test_bad_dates_are_refused_by_field(business, visit):
    client = business.client()
    for request in (reschedule(), reschedule(-1), reschedule(4, 5, 6, 7), reschedule(4, 4),
                    {"kind": "cancel", "preferred_dates": [day(4)]}, {"kind": "move"}):
        with pytest.raises(InvalidInput) as refused:
            client.request_visit_change(visit["id"], request)
        assert set(refused.value.fields) <= {"preferred_dates", "kind"}, request
    assert business.events("service_request_made") == []


def _visit_starting_at(business, moment):
    """A visit whose window starts at ``moment`` (UTC, whole minutes)."""
    start = moment.time().replace(second=0, microsecond=0)
    job = business.staff().create_job({"account_id": ACCOUNT, "title": "Gutter cleaning", "price": 12_000,
                                       "schedule": {"start_on": moment.date().isoformat(),
                                                    "window_start": start.strftime("%H:%M"),
                                                    "window_end": "23:59" if start < time(23, 59) else None}})
    return business.session.get(Visit, job["visits"][0]["id"])


def test_the_cut_off_takes_a_request_a_second_before_it_and_refuses_one_at_it_saying_until_when(business):
    settings = {"request_cutoff_hours": 24, "time_zone": "UTC", "allow_reschedule_requests": True,
                "allow_cancel_requests": True}
    start = (datetime.now(timezone.utc) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    visit = _visit_starting_at(business, start)
    deadline = start - timedelta(hours=24)
    outbox = outbox_writer(platform)

    def ask(now, kind="cancel"):
        return service_requests.ask_about_visit(business.session, outbox, 1, ACCOUNT, visit.id, {"kind": kind},
                                                settings, {"kind": "client", "id": 1}, now=now)

    with pytest.raises(Conflict) as refused:
        ask(deadline)
    assert refused.value.message == (
        "It is too late to ask for this online: requests about this visit were possible until "
        f"{deadline:%a} {deadline.day} {deadline:%b %Y}, 09:00 (UTC).")
    assert ask(deadline - timedelta(seconds=1)).status == "pending"


def test_the_entrypoint_applies_the_cut_off_set_on_the_services_tab(business):
    soon = _visit_starting_at(business, datetime.now(timezone.utc) + timedelta(hours=30))
    services_tab(business, request_cutoff_hours=36)
    with pytest.raises(Conflict) as refused:
        business.client().request_visit_change(soon.id, {"kind": "cancel"})
    assert "were possible until" in refused.value.message
    services_tab(business, request_cutoff_hours=24)
    assert business.client().request_visit_change(soon.id, {"kind": "cancel"})["status"] == "pending"


def test_staff_accept_a_reschedule_on_the_first_preferred_date_keeping_the_window(business, visit):
    asked = business.client().request_visit_change(visit["id"], reschedule(5, 6))

    decided = business.staff().decide_service_request(asked["id"], {"outcome": "accept"})

    moved = business.session.get(Visit, visit["id"])
    assert decided["status"] == "accepted" and moved.scheduled_on.isoformat() == day(5)
    assert (moved.window_start, moved.window_end) == (time(9, 0), time(11, 0))
    [(_, outcome)] = business.events("service_request_decided")
    assert outcome["body"] == f"We moved your visit to {service_requests.day_text(moved.scheduled_on)}, 09:00-11:00."
    assert outcome["status"] == "accepted" and outcome["actor"] == {"kind": "staff", "id": 7}
    with pytest.raises(Conflict):
        business.staff().decide_service_request(asked["id"], {"outcome": "decline", "reason": "Too late"})


def test_staff_move_a_visit_to_a_date_and_window_of_their_own(business, visit):
    asked = business.client().request_visit_change(visit["id"], reschedule(5))
    business.staff().decide_service_request(asked["id"], {"outcome": "accept", "scheduled_on": day(8),
                                                          "window_start": "13:00", "window_end": "15:00"})
    moved = business.session.get(Visit, visit["id"])
    assert (moved.scheduled_on.isoformat(), moved.window_start) == (day(8), time(13, 0))


def test_staff_accept_a_cancellation_and_decline_with_a_reason(business, visit):
    client = business.client()
    cancel = client.request_visit_change(visit["id"], {"kind": "cancel", "note": "Away that week"})
    with pytest.raises(InvalidInput) as refused:
        business.staff().decide_service_request(cancel["id"], {"outcome": "decline"})
    assert list(refused.value.fields) == ["reason"]
    business.staff().decide_service_request(cancel["id"], {"outcome": "accept"})
    assert business.session.get(Visit, visit["id"]).status == "cancelled"

    second = business.staff().create_job({"account_id": ACCOUNT, "title": "Leaf pick-up", "price": 3_000,
                                          "schedule": {"start_on": day(4)}})["visits"][0]
    asked = client.request_visit_change(second["id"], reschedule(9))
    declined = business.staff().decide_service_request(asked["id"], {"outcome": "decline", "reason": "Fully booked"})
    assert (declined["status"], declined["decision_note"]) == ("declined", "Fully booked")
    assert business.session.get(Visit, second["id"]).scheduled_on.isoformat() == day(4)
    assert [data["body"] for _, data in business.events("service_request_decided")][-1] == "Declined: Fully booked"


def test_a_new_service_request_becomes_a_job_on_the_waiting_list_when_accepted(business):
    staff = business.staff()
    hedge = staff.create_service({"name": "Hedge trimming", "price": 9_000})
    hidden = staff.create_service({"name": "Tree felling", "price": 90_000, "requestable": False})
    client = business.client()
    assert [item["name"] for item in client.my_offered_services()] == ["Hedge trimming"]
    with pytest.raises(InvalidInput):
        client.request_service({"service_id": hidden["id"], "preferred_dates": [day(4)]})

    asked = client.request_service({"service_id": hedge["id"], "preferred_dates": [day(4)], "note": "Front only"})
    with pytest.raises(Conflict):
        client.request_service({"service_id": hedge["id"], "preferred_dates": [day(5)]})
    [(_, made)] = business.events("service_request_made")
    assert made["subject"] == "Service request: Hedge trimming" and made["visit_id"] is None

    decided = staff.decide_service_request(asked["id"], {"outcome": "accept"})
    job = staff.get_job(decided["job_id"])
    assert (job["title"], job["status"], job["origin"], job["account_id"]) == (
        "Hedge trimming", "unscheduled", "request", ACCOUNT)
    assert [item["id"] for item in staff.list_service_requests()["items"]] == []
    assert [item["id"] for item in staff.list_service_requests({"status": "accepted"})["items"]] == [asked["id"]]


def test_only_staff_of_the_business_decide_and_list(business, other_business, visit):
    asked = business.client().request_visit_change(visit["id"], reschedule(5))
    with pytest.raises(PermissionDenied):
        business.client().decide_service_request(asked["id"], {"outcome": "accept"})
    with pytest.raises(NotFound):
        other_business.staff().decide_service_request(asked["id"], {"outcome": "accept"})
    assert other_business.staff().list_service_requests()["items"] == []


def test_the_request_pages_learn_what_may_be_asked_and_until_when(business, visit):
    client = business.client()
    options = client.my_visit_request_options(visit["id"])
    assert (options["can_reschedule"], options["can_cancel"], options["too_late"], options["pending"]) == (
        True, True, False, [])
    assert options["until_text"].endswith("09:00 (UTC)") and options["visit"]["label"] == visit["label"]
    client.request_visit_change(visit["id"], {"kind": "cancel"})
    services_tab(business, allow_reschedule_requests=False, request_cutoff_hours=24 * 7)
    options = client.my_visit_request_options(visit["id"])
    assert (options["can_reschedule"], options["too_late"], options["pending"]) == (False, True, ["cancel"])
    with pytest.raises(NotFound):
        business.client(account_id=OTHER_ACCOUNT).my_visit_request_options(visit["id"])
