"""The gateway's caches on their own (gateway/caches.py): what is kept, what ends it, and nothing kept unsafely."""
import time

import jwt

from gateway.caches import PASSPORT_MARGIN_SECONDS, Caches, passport_seconds_left


def connected():
    caches = Caches()
    caches.set_connected(True)
    return caches


def counting(answer):
    calls = []

    def fetch():
        calls.append(1)
        return answer

    return fetch, calls


def whose(tenant_id=1, owner=("client", 7), seconds=None):
    return lambda answer: (tenant_id, owner, seconds)


def test_an_answer_is_kept_until_an_event_names_its_owner():
    caches = connected()
    fetch, calls = counting({"who": "ann"})
    for _ in range(3):
        assert caches.lookup("sessions", "token-a", fetch, whose()) == {"who": "ann"}
    assert len(calls) == 1
    caches.access_changed(1, portal_ids=[8])  # someone else
    caches.access_changed(2, portal_ids=[7])  # the same id at another business
    caches.lookup("sessions", "token-a", fetch, whose())
    assert len(calls) == 1
    caches.access_changed(1, portal_ids=[7])
    caches.lookup("sessions", "token-a", fetch, whose())
    assert len(calls) == 2


def test_a_whole_business_change_ends_every_kind_of_entry_of_that_business():
    caches = connected()
    for kind in Caches.KINDS:
        caches.lookup(kind, "key", lambda: "old", whose())
    caches.access_changed(1, whole_business=True)
    assert all(caches.get(kind, "key")[0] is None for kind in Caches.KINDS)


def test_settings_end_the_portal_configuration_only():
    caches = connected()
    caches.lookup("configs", 1, lambda: "config", whose(owner=None))
    caches.lookup("sessions", "token", lambda: "session", whose())
    caches.settings_updated(1)
    assert caches.get("configs", 1)[0] is None and caches.get("sessions", "token")[0] == "session"


def test_nothing_is_kept_while_the_listener_is_not_connected():
    caches = Caches()
    fetch, calls = counting("answer")
    caches.lookup("sessions", "token", fetch, whose())
    caches.lookup("sessions", "token", fetch, whose())
    assert len(calls) == 2


def test_losing_the_listener_clears_everything_and_bypasses_until_it_is_back():
    caches = connected()
    caches.lookup("sessions", "token", lambda: "old", whose())
    caches.set_connected(False)  # an event may be missed from now on
    assert caches.lookup("sessions", "token", lambda: "fresh", whose()) == "fresh"
    caches.set_connected(True)
    assert caches.get("sessions", "token")[0] is None


def test_an_answer_asked_for_while_an_event_arrived_is_not_kept():
    caches = connected()

    def fetch_during_a_change():
        caches.access_changed(1, portal_ids=[99])  # any event: the answer may predate it
        return "maybe stale"

    caches.lookup("sessions", "token", fetch_during_a_change, whose())
    assert caches.get("sessions", "token")[0] is None


def test_an_entry_ends_at_the_bound_its_data_gives():
    caches = connected()
    caches.lookup("sessions", "token", lambda: "short", whose(seconds=0.05))
    assert caches.get("sessions", "token")[0] == "short"
    time.sleep(0.06)
    assert caches.get("sessions", "token")[0] is None
    caches.lookup("sessions", "other", lambda: "no time left", whose(seconds=0))
    assert caches.get("sessions", "other")[0] is None


def test_a_passport_is_handed_out_only_while_it_outlives_a_request():
    now = time.time()
    passport = jwt.encode({"exp": now + 120}, "k" * 32, algorithm="HS256")
    assert abs(passport_seconds_left(passport, now) - (120 - PASSPORT_MARGIN_SECONDS)) < 1
    assert passport_seconds_left(jwt.encode({"exp": now + 10}, "k" * 32, algorithm="HS256"), now) < 0
    assert passport_seconds_left("not a passport", now) == 0
