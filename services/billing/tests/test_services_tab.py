"""The client's Services tab through billing's entrypoints: each part shown only when its setting is on (left out of
the answer when off, refused when every part is), the job status and service notes, the reschedule and cancel flags
with the cut-off, and only the caller's own account."""
from datetime import date, timedelta

import pytest

from shared.errors import NotFound, PermissionDenied

ACCOUNT, NEIGHBOUR = 42, 43
TODAY = date.today()  # the business's time zone is UTC (the default)
PARTS = ("upcoming", "history", "waiting_list", "paused")


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


def services(business, **changes):
    return business.staff().update_settings("services", changes)


@pytest.fixture
def yard(business):
    """ACCOUNT's weekly mowing (a visit done, one skipped, the next ones to come), an aeration on the waiting list,
    a paused hedge job with its reason; NEIGHBOUR's own weekly job."""
    staff = business.staff()
    mowing = staff.create_job({"account_id": ACCOUNT, "title": "Weekly mowing", "price": 4_500,
                               "recurrence": "weekly", "schedule": {"start_on": day(-14), "window_start": "09:00",
                                                                    "window_end": "11:00"}})
    done, skipped = mowing["visits"][0], mowing["visits"][1]
    staff.complete_visit(done["id"], {"notes": "Mowed and edged; the back gate sticks."})
    staff.skip_visit(skipped["id"])
    hedge = staff.create_job({"account_id": ACCOUNT, "title": "Hedge trimming", "recurrence": "monthly",
                              "schedule": {"start_on": day(3)}})
    staff.pause_job(hedge["id"], {"reason": "Owner away until <March> & back \"soon\"."})
    waiting = staff.create_job({"account_id": ACCOUNT, "title": "Aeration", "price": 8_000})
    neighbour = staff.create_job({"account_id": NEIGHBOUR, "title": "Pool cleaning", "recurrence": "weekly",
                                  "schedule": {"start_on": day(1)}})
    return {"mowing": mowing, "done": done, "skipped": skipped, "hedge": hedge, "waiting": waiting,
            "neighbour": neighbour}


def test_by_default_upcoming_history_and_the_waiting_list_are_shown_without_status_or_notes(business, yard):
    tab = business.client().my_services()

    assert [part for part in PARTS if part in tab] == ["upcoming", "history", "waiting_list"]
    assert tab["upcoming"][0]["scheduled_on"] == day(0) and tab["upcoming"][0]["window_start"] == "09:00"
    assert {card["title"] for card in tab["upcoming"]} == {"Weekly mowing"}  # the paused hedge has none to come
    assert [(card["id"], card["status"]) for card in tab["history"]] == [
        (yard["skipped"]["id"], "skipped"), (yard["done"]["id"], "completed")]  # newest first
    assert [card["title"] for card in tab["waiting_list"]] == ["Aeration"]
    cards = tab["upcoming"] + tab["history"] + tab["waiting_list"]
    assert not any("notes" in card or "job_status" in card for card in cards)
    assert (tab["time_zone"], tab["allow_service_requests"], tab["calendar"]) == (
        "UTC", True, {"active": False, "created_at": None})


@pytest.mark.parametrize("setting, part", [("show_scheduled_visits", "upcoming"),
                                           ("show_service_history", "history"),
                                           ("show_unscheduled_jobs", "waiting_list")])
def test_each_part_switched_off_is_left_out_of_the_answer(business, yard, setting, part):
    services(business, **{setting: False})

    tab = business.client().my_services()

    assert part not in tab and tab["shown"][part] is False
    assert [other for other in PARTS if other in tab] == [
        other for other in ("upcoming", "history", "waiting_list") if other != part]


def test_paused_services_show_the_staffs_reason_verbatim_only_when_on(business, yard):
    assert "paused" not in business.client().my_services()
    services(business, show_paused_services=True)

    [paused] = business.client().my_services()["paused"]

    assert (paused["title"], paused["pause_reason"]) == ("Hedge trimming", "Owner away until <March> & back \"soon\".")


def test_a_job_on_the_waiting_list_moves_to_upcoming_once_dispatched(business, yard):
    business.staff().schedule_job(yard["waiting"]["id"], {"start_on": day(5)})

    tab = business.client().my_services()

    assert tab["waiting_list"] == []
    assert [card["scheduled_on"] for card in tab["upcoming"] if card["title"] == "Aeration"] == [day(5)]


def test_job_status_and_service_notes_only_when_shown(business, yard):
    business.staff().set_job_client_status(yard["mowing"]["id"], {"client_status": "Work in progress"})
    services(business, show_job_status=True, show_service_notes=True, show_paused_services=True)

    tab = business.client().my_services()

    assert {card["job_status"] for card in tab["upcoming"] + tab["history"]} == {"Work in progress"}
    assert tab["waiting_list"][0]["job_status"] == "Waiting to be scheduled"
    assert tab["paused"][0]["job_status"] == "Paused"
    assert tab["history"][-1]["notes"] == "Mowed and edged; the back gate sticks."
    services(business, show_job_status=False, show_service_notes=False)
    again = business.client().my_services()
    assert not any("notes" in card or "job_status" in card for part in PARTS if part in again for card in again[part])
    assert "notes" not in business.client().my_visit(yard["done"]["id"])


def test_with_every_part_off_the_tab_is_refused_and_the_home_panel_empty(business, yard):
    services(business, show_scheduled_visits=False, show_service_history=False, show_unscheduled_jobs=False,
             show_job_status=True, show_service_notes=True)  # details alone show nothing
    client = business.client()

    for call in (client.my_services, lambda: client.my_visit(yard["done"]["id"])):
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert refused.value.message == "The Services tab is not shown in this portal."
    assert client.my_next_visit() == {"tab_shown": False, "upcoming_shown": False, "visit": None,
                                      "time_zone": "UTC"}


def test_a_visit_card_is_refused_when_its_part_is_hidden(business, yard):
    upcoming = business.client().my_services()["upcoming"][0]
    services(business, show_scheduled_visits=False)
    with pytest.raises(PermissionDenied) as refused:
        business.client().my_visit(upcoming["id"])
    assert refused.value.message == "Upcoming visits are not shown in this portal."
    assert business.client().my_next_visit()["visit"] is None
    services(business, show_scheduled_visits=True, show_service_history=False)
    with pytest.raises(PermissionDenied):
        business.client().my_visit(yard["done"]["id"])
    assert business.client().my_visit(upcoming["id"])["part"] == "upcoming"


def test_reschedule_and_cancel_flags_follow_the_settings_and_the_cut_off(business, yard):
    first = business.client().my_services()["upcoming"][0]
    assert (first["can_reschedule"], first["can_cancel"], first["can_ask"], first["requests_until"]) == (
        True, True, True, None)
    services(business, allow_reschedule_requests=False)
    card = business.client().my_visit(first["id"])
    assert (card["can_reschedule"], card["can_cancel"]) == (False, True)

    services(business, allow_reschedule_requests=True, request_cutoff_hours=48)
    tab = business.client().my_services()["upcoming"]
    today_card = next(card for card in tab if card["scheduled_on"] == day(0))
    later = next(card for card in tab if card["scheduled_on"] == day(7))
    assert (today_card["can_reschedule"], today_card["can_cancel"], today_card["can_ask"]) == (False, False, True)
    assert today_card["requests_until"] == f"{TODAY - timedelta(days=2)}T09:00:00+00:00"
    assert (later["can_reschedule"], later["can_cancel"]) == (True, True)
    assert later["requests_until"] == f"{TODAY + timedelta(days=5)}T09:00:00+00:00"


def test_only_the_callers_own_account_is_read(business, other_business, yard):
    neighbour_visit = yard["neighbour"]["visits"][0]["id"]
    mine = business.client().my_services()
    assert "Pool cleaning" not in repr(mine)
    with pytest.raises(NotFound):
        business.client().my_visit(neighbour_visit)
    assert business.client(NEIGHBOUR, rights="view").my_visit(neighbour_visit)["title"] == "Pool cleaning"
    elsewhere = other_business.client()  # the same account number at another business
    assert elsewhere.my_services()["upcoming"] == [] and elsewhere.my_next_visit()["visit"] is None
    with pytest.raises(NotFound):
        elsewhere.my_visit(yard["done"]["id"])
    for staff_call in (business.staff().my_services, business.staff().my_next_visit):
        with pytest.raises(PermissionDenied):
            staff_call()


def test_the_home_panel_gets_the_next_visit(business, yard):
    found = business.client().my_next_visit()
    assert (found["tab_shown"], found["upcoming_shown"]) == (True, True)
    assert (found["visit"]["scheduled_on"], found["visit"]["title"]) == (day(0), "Weekly mowing")


# --- the calendar address -----------------------------------------------------------------------------------

def test_a_calendar_token_opens_that_accounts_upcoming_visits_only(business, yard):
    made = business.client().make_my_calendar("Green Acres Lawn Care")
    public = business.worker(None)

    feed = public.calendar_feed(made["token"])

    assert made["calendar"]["active"] and business.client().my_services()["calendar"]["active"]
    assert feed["business_name"] == "Green Acres Lawn Care" and feed["time_zone"] == "UTC"
    assert {event["title"] for event in feed["events"]} == {"Weekly mowing"}
    assert feed["events"][0]["scheduled_on"] == day(0) and feed["events"][0]["uid"].startswith("visit-")
    assert len({event["uid"] for event in feed["events"]}) == len(feed["events"])
    assert "Pool cleaning" not in repr(feed)


def test_a_new_address_revokes_the_old_and_revoking_ends_it(business, yard):
    client, public = business.client(), business.worker(None)
    old = client.make_my_calendar("Green Acres")["token"]
    new = client.make_my_calendar("Green Acres")["token"]
    with pytest.raises(NotFound):
        public.calendar_feed(old)
    assert public.calendar_feed(new)["events"]

    client.revoke_my_calendar()

    with pytest.raises(NotFound):
        public.calendar_feed(new)
    assert client.my_services()["calendar"] == {"active": False, "created_at": None}


@pytest.mark.parametrize("token", ["", "short", "x" * 43 + "/", "A" * 43, None, 12, "é" * 43])
def test_an_unknown_or_malformed_token_is_not_found(business, yard, token):
    business.client().make_my_calendar("Green Acres")
    with pytest.raises(NotFound) as refused:
        business.worker(None).calendar_feed(token)
    assert refused.value.message == "No such calendar."


def test_the_calendar_follows_the_upcoming_visits_setting(business, yard):
    token = business.client().make_my_calendar("Green Acres")["token"]
    services(business, show_scheduled_visits=False)
    with pytest.raises(PermissionDenied):
        business.client().make_my_calendar("Green Acres")
    with pytest.raises(NotFound):
        business.worker(None).calendar_feed(token)
    assert "calendar" not in business.client().my_services()


def test_the_whole_tab_and_the_feed_at_their_caps_stay_under_three_quarters_of_a_message(business):
    from billing.calendar_feeds import FEED_LIMIT
    from billing.services_tab import HISTORY_LIMIT, JOBS_LIMIT, NOTES_IN_LISTS, UPCOMING_LIMIT
    from shared.message_size import MAX_MESSAGE_BYTES, encoded_size

    staff, long_notes = business.staff(), "n" * 4_000
    services(business, show_paused_services=True, show_job_status=True, show_service_notes=True)
    for index in range(HISTORY_LIMIT + 2 + max(UPCOMING_LIMIT, FEED_LIMIT) + 2):
        job = staff.create_job({"account_id": ACCOUNT, "title": f"{index:03d}" + "t" * 197, "schedule": {
            "start_on": day(index - HISTORY_LIMIT - 2), "window_start": "09:00", "window_end": "11:00"}})
        staff.set_job_client_status(job["id"], {"client_status": "s" * 100})
        visit = job["visits"][0]["id"]
        if index < HISTORY_LIMIT + 2:
            staff.complete_visit(visit, {"notes": long_notes})
        else:
            staff.set_visit_notes(visit, {"notes": long_notes})
    for index in range(JOBS_LIMIT + 2):
        staff.create_job({"account_id": ACCOUNT, "title": "w" * 200})
        paused = staff.create_job({"account_id": ACCOUNT, "title": "p" * 200, "recurrence": "weekly",
                                   "schedule": {"start_on": day(1)}})
        staff.pause_job(paused["id"], {"reason": "r" * 500})

    tab = business.client().my_services()
    feed = business.worker(None).calendar_feed(business.client().make_my_calendar("b" * 200)["token"])

    assert [len(tab[part]) for part in ("upcoming", "history", "waiting_list", "paused")] == [
        UPCOMING_LIMIT, HISTORY_LIMIT, JOBS_LIMIT, JOBS_LIMIT]
    assert len(tab["upcoming"][0]["notes"]) == NOTES_IN_LISTS and tab["upcoming"][0]["notes_truncated"]
    assert len(business.client().my_visit(tab["upcoming"][0]["id"])["notes"]) == 4_000
    assert len(feed["events"]) == FEED_LIMIT
    assert encoded_size(tab) < MAX_MESSAGE_BYTES * 3 // 4, encoded_size(tab)
    assert encoded_size(feed) < MAX_MESSAGE_BYTES * 3 // 4, encoded_size(feed)


def test_the_tab_bar_says_in_one_call_whether_services_show_and_how_many_estimates_await(business):
    """One call per portal page: the Services tab (any of its parts on) and the estimates still to decide."""
    staff = business.staff()
    staff.send_estimate(staff.create_estimate({"account_id": 42, "title": "Aeration",
                                               "lines": [{"description": "Aeration", "unit_price": 9_900}]})["id"])
    staff.create_estimate({"account_id": 42, "title": "Draft", "lines": [{"description": "x", "unit_price": 1}]})

    assert business.client().my_tab_bar() == {"billing": True, "services": True, "estimates_awaiting": 1}
    business.settings(show_estimates=False, allow_estimate_decisions=False)
    staff.update_settings("services", {"show_scheduled_visits": False, "show_service_history": False,
                                       "show_unscheduled_jobs": False, "show_paused_services": False})
    assert business.client().my_tab_bar() == {"billing": True, "services": False, "estimates_awaiting": None}
    business.settings(show_invoices=False, online_payments_enabled=False, prepayments_enabled=False,
                      show_billing_history=False, allow_card_changes=False, allow_bank_account_changes=False,
                      autopay_enabled=False)
    assert business.client().my_tab_bar()["billing"] is False
