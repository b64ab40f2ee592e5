"""Announcements: who they reach (every client or chosen accounts), when (start and end dates), what staff may
write (sanitised text, clear field errors), and the sign-in notice each portal user dismisses once."""
from datetime import timedelta

import pytest

from notifications.feed import announcement_key
from portico_testing import inprocess
from shared.clock import utcnow
from shared.errors import InvalidInput, NotFound, PermissionDenied

TODAY = utcnow().date()
DAY = timedelta(days=1)


def announcement(**fields):
    return {"title": "Closed on Friday", "html": "<p>We are <strong>closed</strong> on Friday.</p>",
            "audience": "everyone", "starts_on": TODAY.isoformat(), **fields}


def titles(answer):
    return [item["title"] for item in answer["items"]]


def test_an_announcement_to_every_client_reaches_every_account(notifications):
    made = notifications.staff().create_announcement(announcement())
    assert made["status"] == "live" and made["account_ids"] == [] and made["ends_on"] is None
    for account_id in (1, 2, 3):
        mine = notifications.client(account_id=account_id, portal_user_id=account_id).my_announcements()
        assert titles(mine) == ["Closed on Friday"] and mine["notice"]["id"] == made["id"]


def test_an_announcement_to_chosen_accounts_reaches_only_them(notifications):
    notifications.staff().create_announcement(announcement(title="Gate code changes", audience="accounts",
                                                           account_ids=[2, 3]))
    assert titles(notifications.client(account_id=2).my_announcements()) == ["Gate code changes"]
    assert titles(notifications.client(account_id=1).my_announcements()) == []


def test_only_announcements_live_today_are_shown(notifications):
    staff = notifications.staff()
    staff.create_announcement(announcement(title="Next week", starts_on=(TODAY + DAY).isoformat()))
    staff.create_announcement(announcement(title="Last week", starts_on=(TODAY - 7 * DAY).isoformat(),
                                           ends_on=(TODAY - DAY).isoformat()))
    staff.create_announcement(announcement(title="Ends today", starts_on=(TODAY - DAY).isoformat(),
                                           ends_on=TODAY.isoformat()))
    assert titles(notifications.client().my_announcements()) == ["Ends today"]
    assert {item["title"]: item["status"] for item in staff.list_announcements()} == {
        "Next week": "scheduled", "Last week": "ended", "Ends today": "live"}


@pytest.mark.parametrize("fields, field", [
    ({"ends_on": (TODAY - DAY).isoformat()}, "ends_on"),
    ({"audience": "accounts"}, "account_ids"),
    ({"audience": "accounts", "account_ids": []}, "account_ids"),
    ({"account_ids": [2]}, "account_ids"),
    ({"audience": "some"}, "audience"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 151}, "title"),
    ({"starts_on": "next friday"}, "starts_on"),
    ({"html": "<script>alert(1)</script>"}, "html"),
])
def test_a_bad_announcement_is_refused_on_its_field_and_stores_nothing(notifications, fields, field):
    staff = notifications.staff()
    with pytest.raises(InvalidInput) as refused:
        staff.create_announcement(announcement(**fields))
    assert field in refused.value.fields
    assert staff.list_announcements() == []


def test_the_text_is_sanitised(notifications):
    made = notifications.staff().create_announcement(announcement(
        html='<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><script>alert(1)</script></p>'))
    assert "script" not in made["html"] and "onclick" not in made["html"] and "javascript" not in made["html"]
    assert made["html"].startswith("<p>Hi")


def test_an_account_that_is_not_the_business_client_is_refused(notifications):
    with pytest.raises(NotFound):
        notifications.staff().create_announcement(announcement(audience="accounts", account_ids=[2, 1000]))
    assert notifications.staff().list_announcements() == []


def test_staff_edit_and_withdraw_and_the_feed_follows(notifications):
    staff = notifications.staff()
    made = staff.create_announcement(announcement())
    client = notifications.client()
    assert client.my_feed()["items"][0]["title"] == "Closed on Friday"
    edited = staff.update_announcement(made["id"], announcement(title="Closed on Saturday", audience="accounts",
                                                                account_ids=[1]))
    assert edited["title"] == "Closed on Saturday" and edited["account_ids"] == [1]
    assert [item["title"] for item in client.my_feed()["items"]] == ["Closed on Saturday"]
    staff.withdraw_announcement(made["id"])
    assert titles(client.my_announcements()) == [] and client.my_feed()["items"] == []
    with pytest.raises(NotFound):
        staff.get_announcement(made["id"])


def test_another_business_cannot_see_edit_or_withdraw_it(notifications):
    made = notifications.staff().create_announcement(announcement())
    other = notifications.staff(tenant_id=2)
    assert other.list_announcements() == []
    for call in (lambda: other.get_announcement(made["id"]), lambda: other.withdraw_announcement(made["id"]),
                 lambda: other.update_announcement(made["id"], announcement())):
        with pytest.raises(NotFound):
            call()
    assert titles(notifications.client(tenant_id=2).my_announcements()) == []


def test_the_notice_is_the_newest_not_dismissed_and_dismissed_per_portal_user(notifications):
    staff = notifications.staff()
    older = staff.create_announcement(announcement(title="Older"))
    newer = staff.create_announcement(announcement(title="Newer"))
    me, colleague = notifications.client(portal_user_id=1), notifications.client(portal_user_id=2)
    assert me.my_announcements()["notice"]["id"] == newer["id"]
    me.dismiss_announcement_notice(newer["id"])
    me.dismiss_announcement_notice(newer["id"])  # twice is once
    assert me.my_announcements()["notice"]["id"] == older["id"]
    me.dismiss_announcement_notice(older["id"])
    mine = me.my_announcements()
    assert mine["notice"] is None and titles(mine) == ["Newer", "Older"]  # the panel still shows them
    assert colleague.my_announcements()["notice"]["id"] == newer["id"]


def test_a_notice_not_live_for_the_account_cannot_be_dismissed(notifications):
    staff = notifications.staff()
    theirs = staff.create_announcement(announcement(audience="accounts", account_ids=[2]))
    later = staff.create_announcement(announcement(starts_on=(TODAY + DAY).isoformat()))
    for announcement_id in (theirs["id"], later["id"], 999_999, True, 2 ** 70, "1", None):
        with pytest.raises(NotFound):
            notifications.client(account_id=1).dismiss_announcement_notice(announcement_id)


def test_only_staff_write_and_only_clients_read(notifications):
    client = notifications.client()
    for call in (client.list_announcements, lambda: client.create_announcement(announcement()),
                 lambda: client.withdraw_announcement(1)):
        with pytest.raises(PermissionDenied):
            call()
    for caller in (notifications.staff(), notifications.called_by(inprocess.visitor(1))):
        with pytest.raises(PermissionDenied):
            caller.my_announcements()
        with pytest.raises(PermissionDenied):
            caller.dismiss_announcement_notice(1)


def test_an_announcement_reaches_a_feed_once(notifications):
    made = notifications.staff().create_announcement(announcement())
    client = notifications.client()
    client.my_feed_unread_count()
    client.my_feed()
    items = client.my_feed()["items"]
    assert [(item["kind"], item["link"]) for item in items] == [
        ("announcement", f"announcements#announcement-{made['id']}")]
    assert items[0]["body"] == "We are closed on Friday."
    assert announcement_key(made["id"]) == f"announcement-{made['id']}"


@pytest.mark.parametrize("announcement_id", [True, 2 ** 70, "1", None, 0, -1])
def test_an_id_that_names_nothing_is_not_found(notifications, announcement_id):
    staff = notifications.staff()
    staff.create_announcement(announcement())
    for call in (lambda: staff.get_announcement(announcement_id), lambda: staff.withdraw_announcement(announcement_id),
                 lambda: staff.update_announcement(announcement_id, announcement())):
        with pytest.raises(NotFound):
            call()
