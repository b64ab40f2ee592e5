"""A ticket in real browsers: a client on a phone opens one with a photo from Home's floating button, staff reply
from the inbox, the client reads the reply and gets it by email, answers that email and reads the answer in the
ticket; staff close the ticket and it moves to the client's closed tickets. Staff add and reorder a category and
open a ticket for a client."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from portico_testing import wait_for

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, checked_page, horizontal_overflow
from tests.portal_helpers import CLIENT_PASSWORD, registered_client
from tests.test_browser_staff import sign_in as staff_sign_in
from tests.test_browser_staff import submit
from tests.ticket_mail import answer_by_email, staff_reply_mail

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def reload_until_shown(page, text, timeout=20.0):
    """Reload ``page`` until ``text`` is on it (the ticket page shows what was there when it was loaded)."""
    wait_for(lambda: page.reload() and page.get_by_text(text).count(), timeout=timeout, interval=0.25,
             message=f"{text!r} on {page.url}")
    expect(page.get_by_text(text)).to_be_visible()


def photo():
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(output, format="JPEG")
    return output.getvalue()


@pytest.fixture
def staff_page(chromium):
    """The staff's browser, apart from the client's."""
    with checked_page(chromium) as page:
        yield page


def test_a_client_on_a_phone_opens_a_ticket_with_a_photo_and_follows_it_to_closed(system, page, site, staff_page):
    tenant, owner = system.new_tenant(display_name="Tidy Hedges")
    record, session = registered_client(system, tenant, name="Robin Client")
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/p/{tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(session["portal_user"]["email"])
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Sign in")

    page.locator("a.open-ticket-button").click()
    expect(page.get_by_role("heading", name="Open a ticket")).to_be_visible()
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0
    page.get_by_label("Category").select_option(label="General")
    page.get_by_label("What can we help with?").fill("The hedge by the gate was missed 🌿")
    page.get_by_label("Photos or PDFs (optional)").set_input_files(
        [{"name": "hedge.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    submit(page, "Send ticket")
    expect(page.get_by_text("Your ticket is sent.")).to_be_visible()
    expect(page.get_by_role("link", name="hedge.jpg")).to_be_visible()
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0
    ticket_url = page.url.split("?")[0]

    staff_sign_in(staff_page, site, owner)
    staff_page.goto(f"{site}/staff/tickets")
    expect(staff_page.locator(".staff-nav .nav-count").last).to_contain_text("1")
    staff_page.get_by_role("link", name="The hedge by the gate was missed 🌿").click()
    expect(staff_page.get_by_role("link", name="Robin Client")).to_be_visible()
    assert axe_violations(staff_page) == []
    staff_page.get_by_label("Reply to the client").fill("Sorry! We will trim it tomorrow.")
    submit(staff_page, "Send reply")
    expect(staff_page.get_by_text("Your reply is sent")).to_be_visible()

    page.goto(ticket_url)
    expect(page.get_by_text("Sorry! We will trim it tomorrow.")).to_be_visible()
    mail = staff_reply_mail(system, record["email"], "Sorry! We will trim it tomorrow.", ticket_url.rsplit("/", 1)[1])
    answer_by_email(system, mail, record["email"], "Tomorrow suits me, thanks.", "<hedge-answer@client.example>")
    reload_until_shown(page, "Tomorrow suits me, thanks.")
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0
    staff_page.reload()
    expect(staff_page.get_by_text("Tomorrow suits me, thanks.")).to_be_visible()

    submit(staff_page, "Close ticket")
    expect(staff_page.get_by_text("The status is changed.")).to_be_visible()
    page.goto(f"{site}/p/{tenant['slug']}/tickets")
    closed = page.locator("section", has=page.get_by_role("heading", name="Closed tickets"))
    expect(closed.get_by_role("link", name="The hedge by the gate was missed 🌿")).to_be_visible()
    expect(page.locator("section", has=page.get_by_role("heading", name="Open tickets"))).to_contain_text(
        "No open tickets.")
    assert axe_violations(page) == [] and horizontal_overflow(page) == 0


def test_staff_order_categories_and_open_a_ticket_for_a_client(system, site, staff_page):
    tenant, owner = system.new_tenant(display_name="Tidy Hedges")
    record, _ = registered_client(system, tenant, name="Robin Client")
    staff_sign_in(staff_page, site, owner)
    staff_page.goto(f"{site}/staff/tickets")
    staff_page.get_by_role("link", name="Ticket categories").click()
    expect(staff_page.get_by_role("heading", name="Ticket categories")).to_be_visible()
    assert axe_violations(staff_page) == []

    submit(staff_page, "Add category")  # no name
    expect(staff_page.get_by_role("alert")).to_contain_text("Enter a name for the category.")
    assert axe_violations(staff_page) == []
    staff_page.get_by_label("Name").fill("Gate access")
    submit(staff_page, "Add category")
    expect(staff_page.get_by_role("status")).to_contain_text("Category added.")
    submit(staff_page, "Move up Gate access")
    expect(staff_page.locator("table.categories tbody th")).to_have_text(
        ["General", "Reschedule", "Cancel", "Gate access", "Service request"])
    assert axe_violations(staff_page) == []

    staff_page.goto(f"{site}/staff/clients/{record['id']}")
    staff_page.get_by_role("link", name="Open a ticket for this client").click()
    expect(staff_page.get_by_role("heading", name="Open a ticket for Robin Client")).to_be_visible()
    assert axe_violations(staff_page) == []
    staff_page.get_by_label("Category").select_option(label="Gate access")
    staff_page.get_by_label("Opening message").fill("Robin called: the gate code changed to 4321.")
    staff_page.get_by_label("Photos or PDFs (optional)").set_input_files(
        [{"name": "gate.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    submit(staff_page, "Open ticket")
    expect(staff_page.get_by_role("status")).to_contain_text("The ticket is opened")
    expect(staff_page.locator(".ticket-facts")).to_contain_text("Olive Owner, for the client")
    expect(staff_page.get_by_role("link", name="gate.jpg")).to_be_visible()
