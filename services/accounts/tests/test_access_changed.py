"""``access_changed``: every change that alters a resolved session is announced in its own transaction; the idle
timer moving is not. The gateway's caches end with these events (docs/caching.md)."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from accounts import client_sessions
from accounts.access_changes import WRITER
from accounts.models import ClientSession, platform
from accounts.sessions import LAST_SEEN_STEP
from portico_testing.inprocess import outbox_writer
from shared.clock import utcnow


@pytest.fixture(autouse=True)
def watched(db):
    """The worker's session watched as AccessChanges watches it in the running service."""
    db.info[WRITER] = outbox_writer(platform)
    yield
    db.info.pop(WRITER, None)


def changes(accounts):
    return accounts.published("access_changed")


def test_signing_out_announces_the_client_whose_session_ended(accounts, tenant, signed_in):
    before = len(changes(accounts))
    accounts.anonymous(tenant).sign_out_client(signed_in["token"])
    assert changes(accounts)[before:] == [{"staff_user_ids": [], "portal_user_ids": [signed_in["portal_user"]["id"]],
                                           "whole_business": False}]


def test_resolving_a_session_announces_nothing_even_when_its_idle_timer_moves(accounts, db, tenant, signed_in):
    before = len(changes(accounts))
    db.execute(update(ClientSession).values(last_seen_at=utcnow() - LAST_SEEN_STEP - timedelta(seconds=5)))
    db.commit()
    answer = accounts.anonymous(tenant).resolve_client_session(signed_in["token"])
    assert changes(accounts)[before:] == []
    assert 0 < answer["keep_for"] <= LAST_SEEN_STEP.total_seconds()


def test_a_changed_link_announces_its_portal_user(accounts, staff, tenant, signed_in):
    before = len(changes(accounts))
    staff.link_portal_user(signed_in["portal_user"]["id"], signed_in["account"]["id"], "view")
    assert changes(accounts)[before:][-1]["portal_user_ids"] == [signed_in["portal_user"]["id"]]


def test_a_renamed_client_account_announces_the_whole_business(accounts, staff, tenant, signed_in):
    before = len(changes(accounts))
    staff.update_client(signed_in["account"]["id"], {"name": "Ann Lee-Smith"})
    assert changes(accounts)[before:][-1]["whole_business"] is True


def test_staff_signing_out_announces_the_staff_member(accounts, tenant):
    session = accounts.operator().sign_in_staff({"email": "boss@acme.example", "password": "a fine long passphrase"})
    who = accounts.operator().resolve_staff_session(session["token"])
    before = len(changes(accounts))
    accounts.operator().sign_out_staff(session["token"])
    assert changes(accounts)[before:] == [{"staff_user_ids": [who["user"]["id"]], "portal_user_ids": [],
                                           "whole_business": False}]


def test_a_rolled_back_change_announces_nothing(accounts, db, tenant, signed_in):
    before = len(changes(accounts))
    client_sessions.sign_out(db, tenant, signed_in["token"])  # noted...
    db.rollback()  # ...and undone
    db.commit()
    assert changes(accounts)[before:] == []
    assert accounts.anonymous(tenant).resolve_client_session(signed_in["token"])["portal_user"]


def test_settings_saved_are_announced(accounts, staff, tenant):
    staff.update_settings("general", {"use_usernames": True})
    assert accounts.published("settings_updated")[-1] == {"tab": "general"}
