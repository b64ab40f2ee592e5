"""The client's Services tab through the gateway, against the running services: each Services-tab setting hides its
part in the page AND leaves it out of (or has it refused by) the API; another account's visit is not found; the
calendar address gives an iCalendar file that a standard parser reads, holding only that client's visits, and a
revoked or replaced address answers 404."""
import re
from datetime import date, timedelta

import icalendar
import pytest

from tests.portal_helpers import bearer, new_address, portal_api, registered_client

pytestmark = pytest.mark.backends("postgresql")
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
TODAY = date.today()  # the business's time zone is UTC until a test sets one


def day(offset):
    return (TODAY + timedelta(days=offset)).isoformat()


class Client:
    """A registered client of the business: the portal API with their token, and the pages with their cookie."""

    def __init__(self, business, name):
        self.system, self.tenant = business.system, business.tenant
        self.record, session = registered_client(self.system, self.tenant, name=name)
        self.account_id = self.record["id"]
        self.headers = bearer(session["token"])
        self.browser = self.system.app.test_client()
        self.browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", session["token"])
        self.csrf = session["csrf_token"]

    def api(self, method, path, **kwargs):
        return self.system.http.open(portal_api(self.tenant) + path, method=method, headers=self.headers,
                                     environ_base=new_address(), **kwargs)

    def page(self, path=""):
        response = self.browser.get(f"/p/{self.tenant['slug']}/{path}", environ_base=new_address())
        return response.status_code, response.get_data(as_text=True)

    def post_page(self, path):
        return self.browser.post(f"/p/{self.tenant['slug']}/{path}", data={"csrf_token": self.csrf},
                                 headers=ORIGIN_HEADERS, environ_base=new_address())


class Business:
    def __init__(self, system):
        self.system = system
        self.tenant, _ = system.new_tenant(display_name="Green Acres Lawn Care")
        self.one, self.two = Client(self, "Casey Client"), Client(self, "Robin Neighbour")

    def billing(self, method, *args):
        return self.system.rpc.call("billing", method, *args, context=self.system.context(self.tenant))

    def services(self, **changes):
        return self.billing("update_settings", "services", changes)

    def job(self, client, **values):
        return self.billing("create_job", {"account_id": client.account_id, **values})


@pytest.fixture
def yard(system):
    """Client one: weekly mowing in a morning window (one visit done with notes, one skipped), a one-off
    aeration without a window, a job on the waiting list, a paused hedge job; client two: pool cleaning."""
    business = Business(system)
    mowing = business.job(business.one, title="Weekly mowing", price=4_500, recurrence="weekly", schedule={
        "start_on": day(-14), "window_start": "09:00", "window_end": "11:00"})
    business.billing("complete_visit", mowing["visits"][0]["id"], {"notes": "Mowed; the back gate sticks."})
    business.billing("skip_visit", mowing["visits"][1]["id"])
    business.billing("set_job_client_status", mowing["id"], {"client_status": "Work in progress"})
    aeration = business.job(business.one, title="Core aeration", schedule={"start_on": day(4)})
    waiting = business.job(business.one, title="Gutter cleaning")
    hedge = business.job(business.one, title="Hedge trimming", recurrence="monthly", schedule={"start_on": day(2)})
    business.billing("pause_job", hedge["id"], {"reason": "Away until March, see you then!"})
    pool = business.job(business.two, title="Pool cleaning", recurrence="weekly", schedule={"start_on": day(1)})
    business.ids = {"mowing": mowing, "done": mowing["visits"][0]["id"], "aeration": aeration,
                    "waiting": waiting, "hedge": hedge, "pool": pool}
    return business


def test_the_tab_answers_each_shown_part_and_the_page_draws_them(yard):
    answer = yard.one.api("GET", "/services")
    status, html = yard.one.page("services")

    assert answer.status_code == 200 and status == 200
    tab = answer.get_json()
    assert [part for part in ("upcoming", "history", "waiting_list", "paused") if part in tab] == [
        "upcoming", "history", "waiting_list"]
    assert tab["upcoming"][0]["title"] == "Weekly mowing" and tab["upcoming"][0]["can_reschedule"] is True
    assert "Pool cleaning" not in answer.get_data(as_text=True) and "Pool cleaning" not in html
    for text in ("Upcoming visits", "Weekly mowing", "09:00–11:00", "Core aeration", "Any time that day",
                 "Waiting to be scheduled", "Gutter cleaning", "Service history", "Skipped",
                 "Subscribe to your calendar"):
        assert text in html, text
    visit = tab["upcoming"][0]["id"]
    for action in ("reschedule", "cancel", "ticket"):
        assert f'href="/p/{yard.tenant["slug"]}/services/visits/{visit}/{action}"' in html
    assert f'href="/p/{yard.tenant["slug"]}/services/request"' in html
    assert ">Services</a>" in yard.one.page()[1]  # the nav item
    assert 'id="services-panel"' in yard.one.page()[1]  # the home page's panel


SETTINGS = [  # setting, the API's key, words only that part puts on the page
    ("show_scheduled_visits", "upcoming", "Upcoming visits"),
    ("show_service_history", "history", "Service history"),
    ("show_unscheduled_jobs", "waiting_list", "Gutter cleaning"),
]


@pytest.mark.parametrize("setting, key, words", SETTINGS)
def test_each_part_switched_off_is_hidden_in_the_page_and_absent_from_the_api(yard, setting, key, words):
    assert key in yard.one.api("GET", "/services").get_json() and words in yard.one.page("services")[1]
    yard.services(**{setting: False})

    assert key not in yard.one.api("GET", "/services").get_json()
    assert words not in yard.one.page("services")[1]


def test_paused_services_with_the_reason_verbatim_only_when_on(yard):
    assert "paused" not in yard.one.api("GET", "/services").get_json()
    assert "Away until March" not in yard.one.page("services")[1]
    yard.services(show_paused_services=True)

    [paused] = yard.one.api("GET", "/services").get_json()["paused"]

    assert paused["pause_reason"] == "Away until March, see you then!"
    assert "Away until March, see you then!" in yard.one.page("services")[1]


@pytest.mark.parametrize("setting, key, words", [("show_job_status", "job_status", "Work in progress"),
                                                 ("show_service_notes", "notes", "the back gate sticks")])
def test_job_status_and_service_notes_only_when_on(yard, setting, key, words):
    def cards():
        tab = yard.one.api("GET", "/services").get_json()
        return tab["upcoming"] + tab["history"]

    assert not any(key in card for card in cards()) and words not in yard.one.page("services")[1]
    yard.services(**{setting: True})
    assert any(card.get(key) and words in card[key] for card in cards())
    assert words in yard.one.page("services")[1]


def test_with_every_part_off_the_tab_is_gone_from_the_nav_and_refused(yard):
    yard.services(show_scheduled_visits=False, show_service_history=False, show_unscheduled_jobs=False)

    refused = yard.one.api("GET", "/services")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "The Services tab is not shown in this portal."
    assert yard.one.api("GET", f"/services/visits/{yard.ids['done']}").status_code == 403
    assert yard.one.page("services")[0] == 403
    home = yard.one.page()[1]
    assert ">Services</a>" not in home and 'id="services-panel"' not in home
    assert ">Services</a>" not in yard.one.page("account")[1]


def test_without_upcoming_visits_the_home_panel_and_the_calendar_are_gone(yard):
    yard.services(show_scheduled_visits=False)
    home = yard.one.page()[1]
    assert ">Services</a>" in home and 'id="services-panel"' not in home
    assert "Subscribe to your calendar" not in yard.one.page("services")[1]
    assert yard.one.api("POST", "/services/calendar").status_code == 403


def test_the_reschedule_and_cancel_links_follow_their_settings_and_the_cut_off(yard):
    yard.services(allow_reschedule_requests=False, allow_service_requests=False)
    tab = yard.one.api("GET", "/services").get_json()
    first = tab["upcoming"][0]
    assert (first["can_reschedule"], first["can_cancel"], tab["allow_service_requests"]) == (False, True, False)
    html = yard.one.page("services")[1]
    assert f"/visits/{first['id']}/reschedule" not in html and f"/visits/{first['id']}/cancel" in html
    assert "/services/request" not in html

    yard.services(allow_reschedule_requests=True, request_cutoff_hours=24 * 30)
    card = yard.one.api("GET", f"/services/visits/{first['id']}").get_json()
    assert (card["can_reschedule"], card["can_cancel"], card["can_ask"]) == (False, False, True)
    assert card["requests_until"] is not None
    assert "could be asked for until" in yard.one.page("services")[1]


def test_a_visit_of_another_account_is_not_found(yard):
    pool_visit = yard.ids["pool"]["visits"][0]["id"]
    mine = yard.one.api("GET", f"/services/visits/{yard.ids['done']}")
    theirs = yard.one.api("GET", f"/services/visits/{pool_visit}")
    assert mine.status_code == 200 and mine.get_json()["part"] == "history"
    assert theirs.status_code == 404 and "Pool cleaning" not in theirs.get_data(as_text=True)
    assert yard.two.api("GET", f"/services/visits/{pool_visit}").get_json()["title"] == "Pool cleaning"


# --- the calendar ----------------------------------------------------------------------------------------------

def calendar_path(url):
    path = re.fullmatch(r"http://localhost(/calendar/[A-Za-z0-9_-]{43}\.ics)", url)
    assert path, url
    return path[1]


def test_the_calendar_file_parses_and_holds_only_that_clients_visits(system, yard):
    yard.services(time_zone="America/Chicago")
    two = calendar_path(yard.two.api("POST", "/services/calendar").get_json()["url"])  # client two's own feed
    made = yard.one.api("POST", "/services/calendar")
    assert made.status_code == 201 and made.get_json()["calendar"]["active"] is True

    answer = system.http.get(calendar_path(made.get_json()["url"]))  # no session at all

    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Cache-Control"].startswith("private")
    calendar = icalendar.Calendar.from_ical(answer.data)
    events = list(calendar.walk("VEVENT"))
    summaries = {str(event["SUMMARY"]) for event in events}
    assert summaries == {"Weekly mowing (Green Acres Lawn Care)", "Core aeration (Green Acres Lawn Care)"}
    assert len({str(event["UID"]) for event in events}) == len(events)
    mowing = next(event for event in events if str(event["SUMMARY"]).startswith("Weekly"))
    start = mowing.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo), mowing.decoded("DTEND").hour) == (9, "America/Chicago", 11)
    assert any(component.name == "VTIMEZONE" for component in calendar.walk("VTIMEZONE"))
    aeration = next(event for event in events if str(event["SUMMARY"]).startswith("Core"))
    assert aeration.decoded("DTSTART") == TODAY + timedelta(days=4)  # a whole day: no window
    assert b"Pool cleaning" not in answer.data and b"Pool cleaning" in system.http.get(two).data


def test_a_new_address_revokes_the_old_and_a_revoked_one_answers_404(system, yard):
    old = calendar_path(yard.one.api("POST", "/services/calendar").get_json()["url"])
    new = calendar_path(yard.one.api("POST", "/services/calendar").get_json()["url"])
    assert system.http.get(old).status_code == 404
    assert system.http.get(new).status_code == 200

    revoked = yard.one.api("DELETE", "/services/calendar")

    assert revoked.status_code == 200 and revoked.get_json() == {"calendar": {"active": False, "created_at": None}}
    assert system.http.get(new).status_code == 404
    assert yard.one.api("GET", "/services").get_json()["calendar"]["active"] is False


@pytest.mark.parametrize("path", ["/calendar/short.ics", "/calendar/" + "A" * 43 + ".ics",
                                  "/calendar/" + "A" * 44 + ".ics", "/calendar/" + "%2E" * 43 + ".ics"])
def test_a_token_of_the_wrong_shape_or_unknown_answers_404(system, yard, path):
    assert system.http.get(path).status_code == 404


def test_the_pages_calendar_box_makes_shows_once_and_revokes(system, yard):
    made = yard.one.post_page("services/calendar")
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and "Your calendar address" in html
    path = calendar_path(re.search(r'id="calendar-address" type="text" readonly value="([^"]+)"', html)[1])
    assert system.http.get(path).status_code == 200
    again = yard.one.page("services")[1]
    assert "calendar-address" not in again and "You have a calendar address" in again

    revoked = yard.one.post_page("services/calendar/revoke")

    assert revoked.status_code == 303 and "notice=revoked" in revoked.headers["Location"]
    assert system.http.get(path).status_code == 404
