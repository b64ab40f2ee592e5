"""Staff billing pages in a real browser: a new invoice, bulk charging with live progress, accessibility, phones."""
import contextlib
import re

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from tests.test_browser_staff import sign_in, submit
from tests.test_staff_billing_api import DECLINED_CARD, Staff

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


@pytest.fixture
def staff(system, page, site):
    """A new business whose owner is signed in in the browser."""
    staff = Staff(system, display_name="Sparkling Windows & Gutters of the Greater Metro Area")
    sign_in(page, site, staff.credentials)
    return staff


@contextlib.contextmanager
def slow_processor(system, milliseconds):
    """Make every charge take a while, so a charge run can be watched while it runs."""
    config = system.processor_app.config
    before, config["LATENCY_MS"] = config["LATENCY_MS"], milliseconds
    try:
        yield
    finally:
        config["LATENCY_MS"] = before


def test_staff_create_an_invoice_with_the_form(system, page, site, staff):
    customer = staff.new_client("Dora Dollars")
    staff.new_client("Ernest Elsewhere")
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    form = page.get_by_role("region", name="New invoice")

    form.get_by_label("Client").select_option(label="Dora Dollars")
    form.get_by_label("Due date").fill("2031-01-31")
    first = form.get_by_role("group", name="Line 1")
    first.get_by_label("Description").fill("Window cleaning")
    first.get_by_label("Quantity").fill("3")
    first.get_by_label("Unit price ($)").fill("19.99")
    form.get_by_role("button", name="Add a line").click()  # drawn in place by the script: no round trip
    second = form.get_by_role("group", name="Line 2")
    expect(second.get_by_label("Description")).to_be_focused()
    second.get_by_label("Description").fill("Gutter flush")
    second.get_by_label("Unit price ($)").fill("12.345")
    response = submit(page, "Create invoice")

    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Unit price ($): Use at most 2 decimal places")
    price = page.get_by_role("region", name="New invoice").get_by_role("group", name="Line 2").get_by_label(
        "Unit price ($)")
    expect(price).to_have_value("12.345")
    expect(price).to_have_attribute("aria-invalid", "true")
    assert staff.ok("GET", "/invoices")["items"] == []

    price.fill("12.35")
    response = submit(page, "Create invoice")

    assert response.status == 303
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoice #1001")
    expect(page.get_by_role("status")).to_contain_text("Invoice created.")
    expect(page.locator(".facts")).to_contain_text("$72.32")
    [invoice] = staff.ok("GET", "/invoices")["items"]
    assert (invoice["account_id"], invoice["total"]) == (customer["id"], 3 * 1999 + 1235)
    pdf_link = page.get_by_role("button", name="Download PDF of invoice #1001").get_attribute("href")
    pdf = page.request.get(f"{site}{pdf_link}")  # with the page's session cookie
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")


def test_staff_bulk_charge_autopay_invoices_and_watch_the_progress_bar_reach_100(system, page, site, staff):
    staff.billing_settings(autopay_enabled=True)
    names = ("Ada Autopay", "Bob Autopay", "Cy Declined")
    clients = [staff.new_client(name) for name in names]
    for client in clients[:2]:
        staff.enrol_in_autopay(client["id"])
    staff.enrol_in_autopay(clients[2]["id"], DECLINED_CARD)
    invoices = [staff.invoice(clients[0]["id"], 4500), staff.invoice(clients[0]["id"], 2000),
                staff.invoice(clients[1]["id"], 9900), staff.invoice(clients[2]["id"], 1234)]

    page.goto(f"{site}/staff/invoices")
    page.get_by_role("link", name="Invoices to charge").click()
    boxes = page.locator("input[name=invoice_ids]")
    expect(boxes).to_have_count(4)
    select_all = page.get_by_label("Select all")
    expect(select_all).to_be_checked()  # every invoice starts ticked
    select_all.uncheck()
    assert not any(boxes.nth(index).is_checked() for index in range(4))
    boxes.first.check()
    assert select_all.evaluate("box => box.indeterminate")
    select_all.check()
    assert all(boxes.nth(index).is_checked() for index in range(4))

    with slow_processor(system, 1000):
        submit(page, "Charge selected")
        progress = page.locator("progress")
        expect(page).to_have_url(re.compile(r"/staff/charge-runs/\d+$"))
        assert int(progress.get_attribute("aria-valuenow")) < 4  # drawn while the run is still going
        expect(progress).to_have_attribute("aria-valuenow", "4", timeout=20_000)
        assert progress.evaluate("bar => bar.value === bar.max && bar.max === 4")

    results = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Result"))
    expect(results).to_be_visible(timeout=10_000)  # the finished page, with a result per invoice
    expect(page.get_by_role("status")).to_have_text("Finished: 3 charged, 1 failed.")
    rows = results.locator("tbody tr")
    expect(rows).to_have_count(4)
    for invoice in invoices[:3]:
        expect(rows.filter(has_text=f"#{invoice['number']}")).to_contain_text("Charged")
    expect(rows.filter(has_text=f"#{invoices[3]['number']}")).to_contain_text("Failed")
    expect(rows.filter(has_text=f"#{invoices[3]['number']}")).to_contain_text("declined")
    assert [item["id"] for item in staff.ok("GET", "/invoices-to-charge")["items"]] == [invoices[3]["id"]]
    assert axe_violations(page) == [], "finished charge run"
    page.screenshot(path="/tmp/staff-charge-run.png", full_page=True)


def test_billing_pages_have_no_wcag_violations_and_fit_a_phone(system, page, site, staff):
    staff.billing_settings(autopay_enabled=True, prepayments_enabled=True)
    client = staff.new_client("Harriet Longname-Featherstonehaugh")
    card = staff.card_on_file(client["id"])
    staff.as_client(client["id"], "enroll_autopay", card["id"], True)
    staff.as_client(client["id"], "make_prepayment", "prepay-for-the-axe-check",
                    {"amount": 1000, "payment_method_id": card["id"]})
    invoice = staff.invoice(client["id"], 4500, 1999)

    paths = ["/staff/invoices", "/staff/invoices?status=unpaid&total_min=10", f"/staff/invoices/{invoice['id']}",
             "/staff/invoices-to-charge", f"/staff/clients/{client['id']}/billing", "/staff/portal-users"]
    with slow_processor(system, 3000):
        page.goto(f"{site}/staff/invoices-to-charge")
        submit(page, "Charge selected")
        running = page.url
        expect(page.locator("progress")).to_have_attribute("aria-valuenow", "0")
        assert axe_violations(page) == [], "charge run in progress"
    paths.append(running)
    staff.invoice(client["id"], 700)  # unpaid, so the client's page offers to apply the prepayment

    for path in paths:
        page.goto(path if path.startswith("http") else f"{site}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{site}/staff/invoices?total_min=12.345")
    expect(page.get_by_role("alert")).to_contain_text("2 decimal places")
    assert axe_violations(page) == [], "invoice filter with an error"
    page.goto(f"{site}/staff/invoices")
    form = page.get_by_role("region", name="New invoice")
    form.get_by_role("button", name="Add a line").click()
    submit(page, "Create invoice")
    assert axe_violations(page) == [], "new invoice with errors"

    page.set_viewport_size(PHONE)
    for path in paths:
        page.goto(path if path.startswith("http") else f"{site}{path}")
        assert horizontal_overflow(page) == 0, path
    page.goto(f"{site}/staff/invoices")
    page.screenshot(path="/tmp/staff-invoices-phone.png", full_page=True)
    page.goto(f"{site}/staff/clients/{client['id']}/billing")
    page.screenshot(path="/tmp/staff-client-billing-phone.png", full_page=True)


def test_staff_void_a_partly_paid_invoice_after_confirming(system, page, site, staff):
    staff.billing_settings(allow_partial_payments=True)
    client = staff.new_client("Harriet Longname-Featherstonehaugh")
    card = staff.card_on_file(client["id"])
    invoice = staff.invoice(client["id"], 10_000)
    staff.as_client(client["id"], "pay_invoices", "pay-part-before-the-void", {
        "invoice_ids": [invoice["id"]], "payment_method_id": card["id"], "amount": 4_000})
    page.goto(f"{site}/staff/invoices/{invoice['id']}")
    form = page.get_by_role("region", name="Void invoice")
    expect(form).to_contain_text("$40.00 already paid on it becomes credit")
    assert axe_violations(page) == [], "invoice with the void form"

    form.get_by_label("Reason (optional)").fill("x" * 201)
    response = submit(page, "Void invoice")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Reason (optional): Use at most 200 characters")
    expect(page.get_by_label("Reason (optional)")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == [], "void form with an error"
    page.screenshot(path="/tmp/staff-void-error.png", full_page=True)

    page.get_by_label("Reason (optional)").fill("The client moved away")
    response = submit(page, "Void invoice")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Void invoice #{invoice['number']}?")
    expect(page.locator("main")).to_contain_text("$40.00 already paid on it becomes credit")
    assert axe_violations(page) == [], "confirm the void"
    page.screenshot(path="/tmp/staff-void-confirm.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0, "confirm the void on a phone"
    assert staff.ok("GET", f"/invoices/{invoice['id']}")["status"] == "open"

    response = submit(page, f"Void invoice #{invoice['number']}")

    assert response.status == 303
    expect(page.get_by_role("status")).to_contain_text("Invoice voided.")
    expect(page.locator(".facts")).to_contain_text("The client moved away")
    expect(page.get_by_role("region", name="Void invoice")).to_have_count(0)
    assert axe_violations(page) == [], "void invoice"
    assert horizontal_overflow(page) == 0, "void invoice on a phone"
    page.screenshot(path="/tmp/staff-void-invoice-phone.png", full_page=True)
    assert staff.ok("GET", f"/accounts/{client['id']}/billing")["credit"] == 4_000
