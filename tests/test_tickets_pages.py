"""The ticket pages through the gateway: the client's Tickets tab, Home's button and panel, opening a ticket with a
photo and replying by form; the staff inbox, a ticket's forms and the navigation's count. Each setting that is off
is hidden in the pages (and refused: tests/test_tickets_api.py)."""
import io
import itertools
import re

import pytest
from PIL import Image

from tests.portal_helpers import CLIENT_PASSWORD, new_address, registered_client

pytestmark = pytest.mark.backends("sqlite")
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count(start=201))


def jpeg():
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 40)).save(output, format="JPEG")
    return output.getvalue()


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Pages:
    """A business's owner and one client, each signed in to the pages with a test client of their own."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.staff = system.app.test_client()
        assert self.staff.post("/staff/sign-in", data=credentials,
                               environ_base={"REMOTE_ADDR": next(_addresses)}).status_code == 303
        record, session = registered_client(system, self.tenant)
        self.client = system.app.test_client()
        assert self.client.post(self.path("sign-in"), data={"login": session["portal_user"]["email"],
                                                            "password": CLIENT_PASSWORD},
                                environ_base=new_address()).status_code == 303
        self.client_name = record["name"]

    def path(self, rest=""):
        return f"/p/{self.tenant['slug']}/{rest}"

    def client_page(self, rest, status=200):
        response = self.client.get(self.path(rest))
        assert response.status_code == status, response.status_code
        return response.get_data(as_text=True)

    def staff_page(self, path, status=200):
        response = self.staff.get(path)
        assert response.status_code == status, response.status_code
        return response.get_data(as_text=True)

    def settings(self, **changes):
        self.system.rpc.call("tickets", "update_settings", "tickets", changes, context=self.system.context(self.tenant))

    def open_ticket(self, body="The side gate was left open.", files=()):
        html = self.client_page("tickets/new")
        category = re.search(r'<option value="(\d+)">General</option>', html).group(1)
        return self.client.post(self.path("tickets/new"), content_type="multipart/form-data", data={
            "csrf_token": csrf_of(html), "category_id": category, "body": body,
            "attachments": [(io.BytesIO(data), name) for name, data in files]})


@pytest.fixture
def pages(system):
    return Pages(system)


def test_a_ticket_by_the_pages_from_opening_to_closed(pages):
    home = pages.client_page("")
    assert "open-ticket-button" in home and "Open tickets" in home
    opened = pages.open_ticket(files=[("gate.jpg", jpeg())])
    assert opened.status_code == 303
    ticket_path = opened.headers["Location"].split("?")[0]
    html = pages.client.get(ticket_path).get_data(as_text=True)
    assert "The side gate was left open." in html and "gate.jpg" in html
    inbox = pages.staff_page("/staff/tickets")
    assert "Unread" in inbox and pages.client_name in inbox
    assert re.search(r'Tickets <span class="nav-count">1', inbox)
    ticket_id = re.search(r"/staff/tickets/(\d+)", inbox).group(1)
    staff_html = pages.staff_page(f"/staff/tickets/{ticket_id}")
    assert "/staff/clients/" in staff_html and "gate.jpg" in staff_html
    token = csrf_of(staff_html)
    replied = pages.staff.post(f"/staff/tickets/{ticket_id}/reply", content_type="multipart/form-data",
                               data={"csrf_token": token, "body": "We latched it."})
    assert replied.status_code == 303
    assert "We latched it." in pages.client.get(ticket_path).get_data(as_text=True)
    closed = pages.staff.post(f"/staff/tickets/{ticket_id}/status", data={"csrf_token": token, "status": "closed"})
    assert closed.status_code == 303
    tab = pages.client_page("tickets")
    closed_part = tab.split('id="closed-tickets"')[1]
    assert "The side gate was left open." in closed_part


def test_a_message_over_the_limit_is_shown_beside_its_input(pages):
    response = pages.open_ticket(body="x" * 500)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html and "under 500" in html


def test_tickets_enabled_off_hides_the_button_and_the_form(pages):
    pages.settings(tickets_enabled=False)
    assert "open-ticket-button" not in pages.client_page("")
    assert "Open a ticket" not in pages.client_page("tickets")
    pages.client_page("tickets/new", status=403)


def test_show_open_tickets_off_hides_the_open_list_and_the_home_panel(pages):
    opened = pages.open_ticket()
    pages.settings(show_open_tickets=False)
    assert "Open tickets" not in pages.client_page("")
    assert 'id="open-tickets"' not in pages.client_page("tickets")
    assert pages.client.get(opened.headers["Location"]).status_code == 403


def test_show_closed_tickets_off_hides_the_closed_list(pages):
    assert 'id="closed-tickets"' in pages.client_page("tickets")
    pages.settings(show_closed_tickets=False)
    assert 'id="closed-tickets"' not in pages.client_page("tickets")


def test_long_lists_page_with_older_links_that_keep_the_filters(pages, monkeypatch):
    from gateway.web.portal import tickets as portal_tickets
    from gateway.web.staff import tickets as staff_tickets
    monkeypatch.setattr(staff_tickets, "PAGE_SIZE", 2)
    monkeypatch.setattr(portal_tickets, "PAGE_SIZE", 2)
    for n in range(3):
        assert pages.open_ticket(f"Hedge question {n}").status_code == 303
    inbox = pages.staff_page("/staff/tickets?status=active&text=hedge")
    assert "Hedge question 2" in inbox and "Hedge question 0" not in inbox and "Newest" not in inbox
    older = re.search(r'<a href="([^"]+)" rel="next">Older tickets</a>', inbox).group(1).replace("&amp;", "&")
    assert "status=active" in older and "text=hedge" in older and "cursor=" in older
    last = pages.staff_page(older)
    assert "Hedge question 0" in last and "Hedge question 2" not in last
    assert "Older tickets" not in last and ">Newest</a>" in last
    tab = pages.client_page("tickets")
    link = re.search(r'<a href="([^"]+)" rel="next">Older open tickets</a>', tab).group(1).replace("&amp;", "&")
    assert "Hedge question 0" not in tab and "Hedge question 0" in pages.client.get(link).get_data(as_text=True)
    pages.staff_page("/staff/tickets?cursor=not-a-cursor", status=400)
    pages.client_page("tickets?open_cursor=not-a-cursor", status=400)
