"""Staff pages for tickets beyond the inbox: the ticket categories (add, rename, hide, show, reorder without
JavaScript, errors beside the name) and opening a ticket on a client's behalf from the client's page; the Tickets
tab ticks the categories clients may choose. Another business's ids answer 404 (and tests/test_http_isolation.py)."""
import io
import re
from datetime import date, timedelta

import pytest

from tests.test_tickets_api import Business
from tests.test_tickets_pages import Pages, csrf_of, jpeg

pytestmark = pytest.mark.backends("sqlite")
OWNER = "Olive Owner"  # the name system.new_tenant gives the owner


class StaffPages(Pages):
    def categories(self):
        return self.system.rpc.call("tickets", "ticket_categories", context=self.system.context(self.tenant))

    def category_id(self, name):
        return next(row["id"] for row in self.categories() if row["name"] == name)

    def post(self, path, **form):
        token = csrf_of(self.staff_page("/staff/ticket-categories"))
        return self.staff.post(path, data={"csrf_token": token, **form})

    def offered_to_client(self):
        return re.findall(r'<option value="\d+">([^<]+)</option>', self.client_page("tickets/new"))


@pytest.fixture
def pages(system):
    return StaffPages(system)


def names(pages):
    return [row["name"] for row in pages.categories()]


def test_staff_add_reorder_rename_hide_and_show_categories(pages):
    html = pages.staff_page("/staff/ticket-categories")
    assert html.index(">General") < html.index(">Reschedule") < html.index(">Cancel")
    assert "/staff/ticket-categories" in pages.staff_page("/staff/tickets")

    added = pages.post("/staff/ticket-categories", name="  Gate access ")
    assert added.status_code == 303 and "not ticked on the Tickets tab" in pages.staff_page(added.headers["Location"])
    gate = pages.category_id("Gate access")
    assert pages.post(f"/staff/ticket-categories/{gate}/move", direction="up").status_code == 303
    assert names(pages) == ["General", "Reschedule", "Cancel", "Gate access", "Service request"]
    assert pages.post(f"/staff/ticket-categories/{gate}/move", direction="down").status_code == 303
    pages.post(f"/staff/ticket-categories/{gate}/move", direction="down")  # already last: stays
    assert names(pages) == ["General", "Reschedule", "Cancel", "Service request", "Gate access"]

    pages.settings(ticket_categories=["General", "Reschedule"])
    general = pages.category_id("General")
    assert pages.offered_to_client() == ["General", "Reschedule"]
    renamed = pages.post(f"/staff/ticket-categories/{general}", name="Questions")
    assert renamed.status_code == 303 and pages.offered_to_client() == ["Questions", "Reschedule"]
    assert pages.post(f"/staff/ticket-categories/{general}/visibility", hidden="true").status_code == 303
    assert "No: hidden" in pages.staff_page("/staff/ticket-categories")
    assert pages.offered_to_client() == ["Reschedule"]
    pages.post(f"/staff/ticket-categories/{general}/visibility", hidden="false")
    assert pages.offered_to_client() == ["Questions", "Reschedule"]


@pytest.mark.parametrize("name, message", [
    ("   ", "Enter a name for the category."),
    ("Reschedule", "There is already a category with this name."),
    ("x" * 101, "Keep the name to 100 characters (this has 101)."),
])
def test_a_wrong_name_is_shown_beside_its_input_and_changes_nothing(pages, name, message):
    before = pages.categories()
    general = pages.category_id("General")
    for path in ("/staff/ticket-categories", f"/staff/ticket-categories/{general}"):
        response = pages.post(path, name=name)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "There is a problem" in html and message in html, path
        assert 'aria-invalid="true"' in html and 'href="#field-name"' in html
    assert pages.categories() == before


def test_another_business_category_answers_404_and_changes_nothing(pages, system):
    other = StaffPages(system)
    theirs = other.category_id("General")
    before = other.categories()
    pages.staff_page(f"/staff/ticket-categories/{theirs}", status=404)
    for path, form in ((f"/staff/ticket-categories/{theirs}", {"name": "Mine now"}),
                       (f"/staff/ticket-categories/{theirs}/move", {"direction": "up"}),
                       (f"/staff/ticket-categories/{theirs}/visibility", {"hidden": "true"})):
        response = pages.post(path, **form)
        assert response.status_code == 404 and "No such category" in response.get_data(as_text=True), path
    assert other.categories() == before


def test_the_tickets_tab_ticks_the_categories_clients_may_choose(pages):
    pages.post(f"/staff/ticket-categories/{pages.category_id('Cancel')}/visibility", hidden="true")
    html = pages.staff_page("/staff/settings/tickets")
    assert re.search(r'type="checkbox"[^>]*name="ticket_categories" value="General"[^>]*checked', html)
    assert "Cancel (hidden: offered to no client)" in html and "/staff/ticket-categories" in html
    form = {"csrf_token": csrf_of(html), "ticket_categories": ["General", "Reschedule"], "tickets_enabled": "true",
            "show_open_tickets": "true", "show_closed_tickets": "true", "reschedule_category": "Reschedule",
            "cancel_category": "Cancel", "service_request_category": "Service request"}
    assert pages.staff.post("/staff/settings/tickets", data=form).status_code == 303
    assert pages.offered_to_client() == ["General", "Reschedule"]


def client_id(pages):
    return int(re.search(r"/staff/clients/(\d+)", pages.staff_page("/staff/clients")).group(1))


def test_staff_open_a_ticket_for_a_client_who_sees_it_opened_by_staff(pages, system):
    account = client_id(pages)
    invoice = system.rpc.call("billing", "create_invoice", {
        "account_id": account, "due_date": (date.today() + timedelta(days=14)).isoformat(),
        "lines": [{"description": "Lawn mowing", "quantity": 1, "unit_price": 4500}]},
        context=system.context(pages.tenant))
    client_html = pages.staff_page(f"/staff/clients/{account}")
    assert f"/staff/clients/{account}/tickets/new" in client_html
    cancel = pages.category_id("Cancel")  # hidden from clients: staff may still use it
    pages.post(f"/staff/ticket-categories/{cancel}/visibility", hidden="true")
    html = pages.staff_page(f"/staff/clients/{account}/tickets/new")
    assert "Cancel (hidden from clients)" in html
    opened = pages.staff.post(f"/staff/clients/{account}/tickets/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(html), "category_id": str(cancel), "body": "Called to cancel Friday's visit.",
        "reference_invoice": str(invoice["id"]), "attachments": [(io.BytesIO(jpeg()), "note.jpg")]})
    assert opened.status_code == 303, opened.get_data(as_text=True)[:2000]
    staff_html = pages.staff_page(opened.headers["Location"])
    assert f"{OWNER}, for the client" in staff_html and "note.jpg" in staff_html
    assert "The ticket is opened" in staff_html and f"Invoice {invoice['number']}" in staff_html

    tab = pages.client_page("tickets")
    ticket_path = re.search(r'href="(/p/[^"]+/tickets/\d+)"', tab).group(1)
    client_view = pages.client.get(ticket_path).get_data(as_text=True)
    assert "Called to cancel Friday&#39;s visit." in client_view and "Opened for you by" in client_view
    assert "note.jpg" in client_view


@pytest.mark.parametrize("form, message", [
    ({"body": "Hello"}, "Choose a category."),
    ({"body": "   "}, "Write a message."),
    ({"body": "x" * 500}, "under 500"),
])
def test_a_wrong_ticket_form_is_shown_beside_its_inputs_and_opens_nothing(pages, form, message):
    account = client_id(pages)
    html = pages.staff_page(f"/staff/clients/{account}/tickets/new")
    if form["body"] != "Hello":
        form = {**form, "category_id": str(pages.category_id("General"))}
    response = pages.staff.post(f"/staff/clients/{account}/tickets/new", content_type="multipart/form-data",
                                data={"csrf_token": csrf_of(html), **form})
    answer = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in answer and message in answer
    assert "No tickets match." in pages.staff_page("/staff/tickets?status=")


def test_another_business_client_has_no_open_ticket_page(pages, system):
    other = StaffPages(system)
    theirs = client_id(other)
    html = pages.staff_page(f"/staff/clients/{client_id(pages)}/tickets/new")
    pages.staff_page(f"/staff/clients/{theirs}/tickets/new", status=404)
    response = pages.staff.post(f"/staff/clients/{theirs}/tickets/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(html), "category_id": str(pages.category_id("General")), "body": "Intruder"})
    assert response.status_code == 404
    assert "No tickets match." in other.staff_page("/staff/tickets?status=")


def test_the_demo_seed_keeps_a_hidden_category_with_a_ticket_staff_opened(pages, system):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    seed_demo.staff_opened_ticket(system.rpc, system.context(pages.tenant), client_id(pages))
    hidden = [row for row in pages.categories() if row["hidden"]]
    assert [row["name"] for row in hidden] == ["Warranty claim"]
    inbox = pages.staff_page(f"/staff/tickets?category_id={hidden[0]['id']}")
    assert "Sprinkler head replaced under warranty" in inbox
    assert "Sprinkler head replaced under warranty" in pages.client_page("tickets")


def test_the_staff_api_opens_a_ticket_for_the_business_own_client_only(system):
    business, other = Business(system), Business(system)
    account = business.client_record["id"]
    cancel = next(row["id"] for row in business.staff("GET", "/ticket-categories")["items"] if row["name"] == "Cancel")
    opened = business.staff("POST", f"/clients/{account}/tickets", 201, content_type="multipart/form-data", data={
        "category_id": str(cancel), "body": "Called to cancel Friday.", "attachments": [(io.BytesIO(jpeg()), "a.jpg")]})
    ticket = business.staff("GET", f"/tickets/{opened['id']}")
    assert ticket["opened_by"] == "staff" and ticket["opened_by_name"] == OWNER
    assert ticket["account_id"] == account and ticket["messages"][0]["attachments"][0]["filename"] == "a.jpg"
    assert business.client("GET", f"/tickets/{opened['id']}")["opened_by"] == "staff"
    refused = business.staff("POST", f"/clients/{account}/tickets", 400, json={"category_id": cancel, "body": " "})
    assert refused["error"]["fields"] == {"body": ["Write a message."]}
    business.staff("POST", f"/clients/{other.client_record['id']}/tickets", 404,
                   json={"category_id": cancel, "body": "Intruder"})
    assert business.staff("GET", "/tickets?status=active")["total"] == 1
    assert other.staff("GET", "/tickets?status=active")["total"] == 0
