"""The notifications journey in real browsers: staff publish an announcement; the client signs in, sees it once as
a notice and in the Home panel, pays an invoice and finds the receipt in their notifications; the staff member
chosen for payments sees "<client> paid ..." among their alerts and the payment in the account's history."""
from datetime import date

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import axe_violations, horizontal_overflow
from tests.test_browser_portal_billing import (OWNER, business, choose_alert, client, enter_new_card,  # noqa: F401
                                               hosted_forms, open_alerts, reload_until_visible, sign_in, staff_page,
                                               submit)

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"
TITLE = "Pool closing season"


def clean(page, what):
    assert axe_violations(page) == [], what
    assert horizontal_overflow(page) == 0, what


def publish_announcement(staff):
    staff.get_by_role("navigation", name="Staff").get_by_role("link", name="Announcements").click()
    staff.get_by_label("Title").fill(TITLE)
    staff.get_by_label("Text (HTML)").fill("<p>Book your <strong>pool closing</strong> before October.</p>")
    staff.get_by_label("First day shown").fill(date.today().isoformat())
    submit(staff, "Publish announcement")
    expect(staff.get_by_role("status")).to_contain_text("Announcement published.")


def pay_the_invoice(page, amount):
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Billing").click()
    enter_new_card(page, "4242 4242 4242 4242")
    expect(page.get_by_text("Visa ending 4242 is ready to use.")).to_be_visible()
    submit(page, "Pay selected invoices")
    submit(page, f"Pay {amount} now")
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()


def test_an_announcement_a_payment_its_receipt_the_staff_alert_and_the_history(system, page, site, client,
                                                                               staff_page):
    invoice = client.invoice(12_000)
    choose_alert(staff_page, "Payment made", OWNER)
    publish_announcement(staff_page)

    sign_in(page, site, client)
    expect(page.get_by_role("region", name=TITLE)).to_contain_text("Book your pool closing before October.")
    expect(page.get_by_role("heading", name="Announcements")).to_be_visible()  # the Home panel
    clean(page, "home with the sign-in notice")
    page.reload()
    expect(page.get_by_role("region", name=TITLE)).to_have_count(0)  # the notice shows once
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()  # the panel stays

    pay_the_invoice(page, "$120.00")
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Notifications").click()
    reload_until_visible(page, page.get_by_role("link", name="Payment received: $120.00"))
    expect(page.get_by_role("main")).to_contain_text(f"#{invoice['number']}")
    clean(page, "notifications with the receipt")

    open_alerts(staff_page)
    alert = staff_page.get_by_role("link", name=f"Robin Client paid $120.00 with Visa ending 4242 for invoice "
                                               f"#{invoice['number']}.")
    reload_until_visible(staff_page, alert)
    staff_page.goto(f"{site}/staff/clients/{client.record['id']}/history")
    payment = staff_page.get_by_role("rowheader").filter(has_text="Payment made")
    reload_until_visible(staff_page, payment)
    expect(payment).to_contain_text(f"Paid $120.00 with Visa ending 4242 (invoice #{invoice['number']})")
