"""Announcements and notifications in the pages, served by the gateway against the running services: staff publish,
edit and withdraw from /staff/announcements (mistakes shown beside their inputs); a client who signs in sees the
newest announcement they have not dismissed once, on the first page, with a Dismiss button; Home shows the
Announcements panel and What's new; the Notifications page lists the feed with its unread count in the navigation,
and marks read one item or all."""
import re
from datetime import date, timedelta

import pytest

from tests.portal_helpers import CLIENT_PASSWORD, new_address, registered_client

pytestmark = pytest.mark.backends("postgresql")
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
TODAY = date.today()


class Pages:
    """A business's owner on the staff pages and a registered client on the portal pages."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.client, session = registered_client(system, self.tenant, name="Jordan Client")
        self.portal = system.app.test_client()
        self.portal.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", session["token"])
        self.portal_csrf = session["csrf_token"]
        staff = system.staff_session(credentials)
        self.staff = system.app.test_client()
        self.staff.set_cookie("__Host-portico_staff", staff["token"])
        self.staff_csrf = staff["csrf_token"]

    def html(self, browser, path, status=200):
        response = browser.get(path, environ_base=new_address())
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, browser, csrf, path, data):
        return browser.post(path, data={**data, "csrf_token": csrf}, environ_base=new_address(),
                            headers={**ORIGIN_HEADERS, "X-CSRF-Token": csrf})

    def staff_post(self, path, data):
        return self.post(self.staff, self.staff_csrf, path, data)

    def portal_path(self, path=""):
        return f"/p/{self.tenant['slug']}/{path}"

    def publish(self, title="Closed on Friday", **fields):
        response = self.staff_post("/staff/announcements", {
            "title": title, "html": "<p>We are closed on Friday.</p>", "audience": "everyone",
            "starts_on": TODAY.isoformat(), "ends_on": "", **fields})
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]

    def announcements(self):
        return self.system.rpc.call("notifications", "list_announcements", context=self.system.context(self.tenant))

    def signed_in_browser(self):
        """A new browser that signs in with the sign-in form, as the client does each time."""
        browser = self.system.app.test_client()
        form = browser.get(self.portal_path("sign-in"), environ_base=new_address()).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        data = {"login": self.client["email"], "password": CLIENT_PASSWORD}
        if csrf:
            data["csrf_token"] = csrf[1]
        response = browser.post(self.portal_path("sign-in"), data=data, environ_base=new_address(),
                                headers=ORIGIN_HEADERS)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return browser


@pytest.fixture
def pages(system):
    return Pages(system)


def test_staff_publish_from_the_page_linked_in_the_navigation(pages):
    page = pages.html(pages.staff, "/staff/announcements")
    assert 'href="/staff/announcements"' in page and "New announcement" in page
    pages.publish(audience="accounts", account_ids=str(pages.client["id"]),
                  ends_on=(TODAY + timedelta(days=3)).isoformat())
    page = pages.html(pages.staff, "/staff/announcements?done=published")
    assert "Announcement published." in page and "Closed on Friday" in page and "Jordan Client" in page


@pytest.mark.parametrize("fields, message", [
    ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "The end date must be on or after the start date."),
    ({"audience": "accounts"}, "Choose at least one client, or announce to every client."),
    ({"title": ""}, "Enter the title."),
    ({"starts_on": ""}, "Enter the first day shown."),
])
def test_a_mistake_is_shown_beside_its_input_and_nothing_is_published(pages, fields, message):
    response = pages.staff_post("/staff/announcements", {
        "title": "Closed", "html": "<p>Closed.</p>", "audience": "everyone", "starts_on": TODAY.isoformat(),
        "ends_on": "", **fields})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert pages.announcements() == []


def test_staff_edit_and_withdraw(pages):
    pages.publish()
    announcement_id = pages.announcements()[0]["id"]
    page = pages.html(pages.staff, f"/staff/announcements/{announcement_id}")
    assert "Closed on Friday" in page and "Withdraw this announcement" in page
    saved = pages.staff_post(f"/staff/announcements/{announcement_id}", {
        "title": "Closed on Saturday", "html": "<p>Saturday.</p>", "audience": "everyone",
        "starts_on": TODAY.isoformat(), "ends_on": ""})
    assert saved.status_code == 303
    assert pages.announcements()[0]["title"] == "Closed on Saturday"
    assert pages.staff_post(f"/staff/announcements/{announcement_id}/withdraw", {}).status_code == 303
    assert pages.announcements() == []
    pages.html(pages.staff, f"/staff/announcements/{announcement_id}", status=404)


def test_the_notice_is_shown_once_after_signing_in_until_dismissed(pages):
    pages.publish()
    browser = pages.signed_in_browser()
    first = pages.html(browser, pages.portal_path())
    assert 'id="announcement-notice-title"' in first and ">Dismiss<" in first
    assert 'id="announcement-notice-title"' not in pages.html(browser, pages.portal_path())  # once
    assert 'id="announcements-heading"' in pages.html(browser, pages.portal_path())  # the panel stays
    again = pages.signed_in_browser()  # not dismissed: shown again at the next sign-in
    page = pages.html(again, pages.portal_path("billing"))
    assert 'id="announcement-notice-title"' in page
    announcement_id = pages.announcements()[0]["id"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    dismissed = pages.post(again, csrf, pages.portal_path(f"announcements/{announcement_id}/dismiss"),
                           {"next": pages.portal_path("billing")})
    assert dismissed.status_code == 303 and dismissed.headers["Location"].endswith("/billing")
    later = pages.signed_in_browser()
    assert 'id="announcement-notice-title"' not in pages.html(later, pages.portal_path())


def test_home_and_the_notifications_page_list_the_feed_and_mark_it_read(pages):
    pages.publish(title="Spring schedule")
    pages.publish(title="Holiday hours")
    home = pages.html(pages.portal, pages.portal_path())
    assert "What's new" in home and "Holiday hours" in home and "Spring schedule" in home
    assert re.search(r'Notifications <span class="nav-count">2<', home)
    page = pages.html(pages.portal, pages.portal_path("notifications"))
    ids = re.findall(r'name="item_ids" value="(\d+)"', page)
    assert len(ids) == 2 and "2 unread" in page
    assert f'href="/p/{pages.tenant["slug"]}/announcements#announcement-' in page
    marked = pages.post(pages.portal, pages.portal_csrf, pages.portal_path("notifications/read"),
                        {"item_ids": ids[0], "next": pages.portal_path()})
    assert marked.status_code == 303
    assert re.search(r'Notifications <span class="nav-count">1<', pages.html(pages.portal, pages.portal_path()))
    pages.post(pages.portal, pages.portal_csrf, pages.portal_path("notifications/read-all"), {})
    page = pages.html(pages.portal, pages.portal_path("notifications?done=all_read"))
    assert "All notifications are marked as read." in page and 'class="nav-count"' not in page
    refused = pages.post(pages.portal, pages.portal_csrf, pages.portal_path("notifications/read"),
                         {"item_ids": "999999999"})
    assert refused.status_code == 404 and "No such notification." in refused.get_data(as_text=True)
    announcements = pages.html(pages.portal, pages.portal_path("announcements"))
    assert "Holiday hours" in announcements and "We are closed on Friday." in announcements


def test_what_staff_write_reaches_the_portal_sanitised(pages):
    pages.publish(title="<b>Bold</b> news", html='<p>Hi<script>alert("x")</script>'
                                                 '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">me</a></p>')
    for path in ("", "announcements"):
        page = pages.html(pages.portal, pages.portal_path(path))
        assert "alert(" not in page and "onerror" not in page and "javascript:" not in page
        assert "<b>Bold</b> news" not in page and "&lt;b&gt;Bold&lt;/b&gt; news" in page
