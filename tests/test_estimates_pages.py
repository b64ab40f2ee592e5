"""The Estimates pages, served by the gateway against the running services: staff draft an estimate with lines for a
client and send it; the client finds it in the portal's Estimates tab, reads its lines, downloads the PDF and
approves it with a note (the job is then on the waiting list). The tab is hidden and its pages refused when the
business does not show estimates; the approve/decline form is hidden and refused when decisions are off."""
import re
from datetime import date, timedelta

import pytest

from tests.portal_helpers import new_address, registered_client

pytestmark = pytest.mark.backends("postgresql")
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


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

    def get(self, browser, path, status=200):
        response = browser.get(path, environ_base=new_address())
        assert response.status_code == status, (path, response.status_code)
        return response

    def post(self, browser, csrf, path, data):
        return browser.post(path, data={**data, "csrf_token": csrf}, environ_base=new_address(),
                            headers={**ORIGIN_HEADERS, "X-CSRF-Token": csrf})

    def portal_path(self, path=""):
        return f"/p/{self.tenant['slug']}/{path}"

    def settings(self, **changes):
        self.system.rpc.call("billing", "update_settings", "billing", changes,
                             context=self.system.context(self.tenant))

    def sent_estimate(self):
        created = self.post(self.staff, self.staff_csrf, f"/staff/clients/{self.client['id']}/estimates", {
            "title": "Spring aeration and overseeding", "message": "As we discussed on site.",
            "valid_until": (date.today() + timedelta(days=30)).isoformat(), "send": "1",
            "line-0-description": "Core aeration", "line-0-quantity": "1", "line-0-unit_price": "120.00",
            "line-1-description": "Overseeding", "line-1-quantity": "4", "line-1-unit_price": "25"})
        assert created.status_code == 303, created.get_data(as_text=True)[:2000]
        return int(re.search(r"/staff/estimates/(\d+)", created.headers["Location"])[1])


@pytest.fixture
def pages(system):
    return Pages(system)


def test_staff_send_an_estimate_and_the_client_approves_it_in_the_portal(pages):
    estimate_id = pages.sent_estimate()
    staff_page = pages.get(pages.staff, f"/staff/estimates/{estimate_id}").get_data(as_text=True)
    assert "<dd>Sent</dd>" in staff_page and "$220.00" in staff_page and "Send to the client" not in staff_page
    client_page = pages.get(pages.staff, f"/staff/clients/{pages.client['id']}").get_data(as_text=True)
    assert f"/staff/clients/{pages.client['id']}/estimates" in client_page

    listing = pages.get(pages.portal, pages.portal_path("estimates")).get_data(as_text=True)
    assert "Spring aeration and overseeding" in listing and 'aria-current="page">Estimates' in listing
    assert "awaiting your answer" in listing  # the nav's count
    detail = pages.get(pages.portal, pages.portal_path(f"estimates/{estimate_id}")).get_data(as_text=True)
    assert "Core aeration" in detail and "$220.00" in detail and "Approve estimate" in detail
    assert pages.get(pages.portal, pages.portal_path(f"estimates/{estimate_id}/pdf")).mimetype == "application/pdf"

    too_long = pages.post(pages.portal, pages.portal_csrf, pages.portal_path(f"estimates/{estimate_id}/decision"),
                          {"decision": "approved", "note": "x" * 1001})
    assert too_long.status_code == 400 and "at most 1000 characters" in too_long.get_data(as_text=True)
    approved = pages.post(pages.portal, pages.portal_csrf, pages.portal_path(f"estimates/{estimate_id}/decision"),
                          {"decision": "approved", "note": "April suits us."})
    assert approved.status_code == 303
    after = pages.get(pages.portal, approved.headers["Location"]).get_data(as_text=True)
    assert "waiting list" in after and "Your note: April suits us." in after and "Approve estimate" not in after
    again = pages.post(pages.portal, pages.portal_csrf, pages.portal_path(f"estimates/{estimate_id}/decision"),
                       {"decision": "declined"})
    assert again.status_code == 409 and "already approved" in again.get_data(as_text=True)


def test_a_draft_is_sent_from_its_page_and_a_form_error_is_shown_beside_its_line(pages):
    refused = pages.post(pages.staff, pages.staff_csrf, f"/staff/clients/{pages.client['id']}/estimates", {
        "title": "Gutters", "line-0-description": "Gutter cleaning", "line-0-unit_price": "a lot"})
    assert refused.status_code == 400 and "Error:" in refused.get_data(as_text=True)
    created = pages.post(pages.staff, pages.staff_csrf, f"/staff/clients/{pages.client['id']}/estimates", {
        "title": "Gutters", "line-0-description": "Gutter cleaning", "line-0-unit_price": "80"})
    assert created.status_code == 303
    estimate_id = int(re.search(r"/staff/estimates/(\d+)", created.headers["Location"])[1])
    assert pages.get(pages.portal, pages.portal_path(f"estimates/{estimate_id}"), status=404)
    sent = pages.post(pages.staff, pages.staff_csrf, f"/staff/estimates/{estimate_id}/send", {})
    assert sent.status_code == 303
    assert "Gutters" in pages.get(pages.portal, pages.portal_path("estimates")).get_data(as_text=True)


def test_decisions_off_hide_the_form_and_estimates_off_hide_the_tab(pages):
    estimate_id = pages.sent_estimate()
    pages.settings(allow_estimate_decisions=False)
    detail = pages.get(pages.portal, pages.portal_path(f"estimates/{estimate_id}")).get_data(as_text=True)
    assert "Approve estimate" not in detail and "please contact us" in detail
    refused = pages.post(pages.portal, pages.portal_csrf, pages.portal_path(f"estimates/{estimate_id}/decision"),
                         {"decision": "approved"})
    assert refused.status_code == 403

    pages.settings(show_estimates=False)
    home = pages.get(pages.portal, pages.portal_path("")).get_data(as_text=True)
    assert f'href="{pages.portal_path("estimates")}"' not in home  # the tab (What's new still tells of the estimate)
    for path in ("estimates", f"estimates/{estimate_id}", f"estimates/{estimate_id}/pdf"):
        pages.get(pages.portal, pages.portal_path(path), status=403)
