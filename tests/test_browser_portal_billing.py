"""The Billing tab in a real browser: paying two invoices with a new card typed into the processor's hosted form,
a declined card, the over-limit warning, autopay enrolment, accessibility and the phone layout.

Some tests also follow what the client did to the business's side, in a browser of the staff's own: the
receipt in the Outbox, and the alert on the Alerts page of the staff member who chose to hear about it.
"""
import json
import time
import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, Problems, axe_violations, frame_card_forms, horizontal_overflow
from tests.portal_helpers import CLIENT_PASSWORD, bearer, portal_api, registered_client, staff_context
from tests.test_browser_staff import sign_in as staff_sign_in

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

TODAY = date.today()
EXPIRY = f"12 / {(TODAY.year + 3) % 100:02d}"
BUSINESS = "Sunny Side Pool Care"
OWNER = "Olive Owner"  # the name system.new_tenant gives the owner
RECEIPT_SUBJECT = f"Receipt for your payment to {BUSINESS}"


@pytest.fixture
def hosted_forms(system, site):
    """The processor's hosted forms framed by the browser's site (tests.browser.frame_card_forms)."""
    frame_card_forms(system, site)


@pytest.fixture
def business(system, hosted_forms):
    """A new business: (tenant, its owner's sign-in credentials)."""
    return system.new_tenant(display_name=BUSINESS)


def billing_as_staff(system, tenant, method, *args):
    return system.rpc.call("billing", method, *args, context=staff_context(system, tenant))


def change_billing_settings(system, tenant, **changes):
    billing_as_staff(system, tenant, "update_settings", "billing", changes)


class Client:
    def __init__(self, system, tenant, name="Robin Client"):
        self.system, self.tenant = system, tenant
        self.record, self.session = registered_client(system, tenant, name=name)
        self.email = self.session["portal_user"]["email"]

    def invoice(self, cents, overdue=False):
        due = TODAY - timedelta(days=3) if overdue else TODAY + timedelta(days=14)
        return billing_as_staff(self.system, self.tenant, "create_invoice", {
            "account_id": self.record["id"], "issue_date": (due - timedelta(days=30)).isoformat(),
            "due_date": due.isoformat(), "lines": [{"description": "Pool cleaning", "unit_price": cents}]})

    def api(self, method, path, body=None):
        response = self.system.http.open(portal_api(self.tenant) + path, method=method, json=body,
                                         headers=bearer(self.session["token"]))
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    def card_on_file(self):
        request = urllib.request.Request(
            f"{self.system.processor_url}/v1/tokens", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"kind": "card", "number": "4242424242424242", "exp_month": 12,
                             "exp_year": TODAY.year + 3, "cvc": "123"}).encode())
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.loads(response.read())
        return self.api("POST", "/payment-methods", {part: token[part] for part in (
            "token", "kind", "brand", "last4", "exp_month", "exp_year")})

    def unpaid(self):
        return {invoice["number"]: invoice["balance"] for invoice in self.api("GET", "/invoices")["items"]}


@pytest.fixture
def client(system, business):
    tenant, _ = business
    return Client(system, tenant)


@pytest.fixture
def staff_page(chromium, site, business):
    """The business's owner signed in to the staff pages, in a browser apart from the client's."""
    _, owner = business
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = Problems(page)
    staff_sign_in(page, site, owner)
    yield page
    context.close()
    assert problems.seen == [], problems.seen


def submit(page, button_name):
    """Press a submit button and wait for the page it leads to; return the response to the post."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name).click()
    request = navigation.value.request
    while request.redirected_from is not None:
        request = request.redirected_from
    return request.response()


def sign_in(page, site, client):
    page.goto(f"{site}/p/{client.tenant['slug']}/sign-in")
    page.get_by_label("Email", exact=True).fill(client.email)
    page.get_by_label("Password", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Sign in")


def reload_until_visible(page, locator, seconds=20):
    """Reload until ``locator`` shows: for what another service adds while the page is open."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            expect(locator).to_be_visible(timeout=1_000)  # auto-waits, so each look is also the pause
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def open_sent_message(page, subject, to):
    """Open the Outbox and, once notifications has sent it, the message of ``subject`` to ``to``."""
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Outbox").click()
    link = page.get_by_role("link", name=subject, exact=True)
    row = page.get_by_role("row").filter(has=link).filter(has=page.get_by_role("cell", name=to, exact=True))
    reload_until_visible(page, row.get_by_role("cell", name="Sent", exact=True))
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


def choose_alert(page, action, staff_name):
    """On the Alerts tab of the settings, tick ``staff_name`` for ``action`` and save."""
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings tabs").get_by_role("link", name="Alerts").click()
    page.get_by_role("group", name=action, exact=True).get_by_label(staff_name).check()
    submit(page, "Save Alerts settings")
    expect(page.get_by_role("status")).to_have_text("Saved. The Alerts settings are up to date.")
    expect(page.get_by_role("group", name=action, exact=True).get_by_label(staff_name)).to_be_checked()


def open_alerts(page):
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")


def enter_new_card(page, number):
    """Type a card into the processor's hosted form and save it there, as a client does."""
    page.get_by_label("A new card").check()
    card_form = page.frame_locator("iframe[title^='Card details']")
    card_form.get_by_label("Card number").fill(number)
    card_form.get_by_label("Expiry date").fill(EXPIRY)
    card_form.get_by_label("Security code").fill("123")
    card_form.get_by_role("button", name="Save card").click()


def test_a_client_pays_two_invoices_in_one_payment_with_a_new_card(system, page, site, client, staff_page):
    first, second = client.invoice(12_000), client.invoice(3_050, overdue=True)
    sign_in(page, site, client)

    tabs = page.get_by_role("navigation", name="Portal")
    tabs.get_by_role("link", name="Billing").click()
    expect(tabs.get_by_role("link", name="Billing")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label(f"Invoice #{first['number']}")).to_be_checked()
    expect(page.get_by_label(f"Invoice #{second['number']}")).to_be_checked()
    expect(page.locator("#selection-total")).to_have_text("$150.50 (2 invoices)")
    pay_button = page.get_by_role("button", name="Pay selected invoices")
    expect(pay_button).to_be_disabled()  # until the hosted form hands over a card

    enter_new_card(page, "4242 4242 4242 4242")
    expect(page.get_by_text("Visa ending 4242 is ready to use.")).to_be_visible()
    expect(pay_button).to_be_enabled()
    page.get_by_label("Keep it on file for next time").check()
    submit(page, "Pay selected invoices")

    expect(page.get_by_role("heading", name="Review your payment")).to_be_visible()
    expect(page.get_by_text("New card: Visa ending 4242")).to_be_visible()
    assert client.unpaid() == {first["number"]: 12_000, second["number"]: 3_050}
    response = submit(page, "Pay $150.50 now")

    assert response.status == 200
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"A receipt was emailed to {client.email}")
    expect(page.get_by_text(f"Invoice #{first['number']} ($120.00): paid in full")).to_be_visible()
    expect(page.get_by_text(f"Invoice #{second['number']} ($30.50): paid in full")).to_be_visible()
    assert client.unpaid() == {}
    [payment] = client.api("GET", "/billing/history")["items"]
    assert payment["amount"] == 15_050 and len(payment["applied_to"]) == 2

    page.get_by_role("link", name="Back to Billing").click()
    expect(page.get_by_text("You have no unpaid invoices.")).to_be_visible()
    expect(page.locator("#methods")).to_contain_text("Visa ending 4242")  # "keep it on file" was ticked

    # The receipt reached the client's mailbox, and the business sees it in its Outbox.
    receipt = system.mail.wait_for_message(client.email, matching=lambda mail: mail.subject == RECEIPT_SUBJECT)
    paid_for = (f"#{first['number']}", f"#{second['number']}", "$150.50")
    assert all(part in receipt.text and part in receipt.html for part in paid_for), receipt.text
    open_sent_message(staff_page, RECEIPT_SUBJECT, to=client.email)
    as_the_client_sees_it = staff_page.frame_locator("iframe[title='The email as sent']").locator("body")
    for part in paid_for:
        expect(as_the_client_sees_it).to_contain_text(part)
        expect(staff_page.locator(".message-text")).to_contain_text(part)


def test_a_declined_card_shows_a_clear_message_and_changes_nothing(system, page, site, client):
    invoice = client.invoice(8_000)
    sign_in(page, site, client)
    page.goto(f"{site}/p/{client.tenant['slug']}/billing")

    enter_new_card(page, "4000 0000 0000 0002")
    expect(page.get_by_text("Visa ending 0002 is ready to use.")).to_be_visible()
    submit(page, "Pay selected invoices")
    response = submit(page, "Pay $80.00 now")

    assert response.status == 402
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your card was declined. Nothing was charged.")
    expect(alert).to_be_focused()
    expect(page.get_by_label(f"Invoice #{invoice['number']}")).to_be_checked()
    assert client.unpaid() == {invoice["number"]: 8_000}
    assert client.api("GET", "/billing/history")["items"] == []
    assert client.api("GET", "/payment-methods")["items"] == []


def test_over_the_limit_the_client_confirms_before_paying(system, page, site, client):
    change_billing_settings(system, client.tenant, card_max_payment=10_000)
    invoice = client.invoice(25_000)
    client.card_on_file()
    sign_in(page, site, client)
    page.goto(f"{site}/p/{client.tenant['slug']}/billing")

    expect(page.get_by_label("Visa ending 4242")).to_be_checked()
    submit(page, "Pay selected invoices")
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("above the $100.00 limit for card payments")
    expect(warning).to_contain_text("You can pay by bank account (ACH) instead.")

    refused = submit(page, "Pay $250.00 now")
    assert refused.status == 400
    expect(page.locator("[data-error-summary]")).to_contain_text("Confirm to pay anyway")
    assert client.unpaid() == {invoice["number"]: 25_000}

    page.get_by_label("I understand, pay anyway").check()
    paid = submit(page, "Pay $250.00 now")
    assert paid.status == 200
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    assert client.unpaid() == {}


def test_a_business_that_blocks_over_the_limit_offers_no_way_to_pay_it(system, page, site, client):
    change_billing_settings(system, client.tenant, card_max_payment=10_000, over_limit_action="block")
    invoice = client.invoice(25_000)
    client.card_on_file()
    sign_in(page, site, client)
    page.goto(f"{site}/p/{client.tenant['slug']}/billing")

    submit(page, "Pay selected invoices")

    expect(page.get_by_role("alert")).to_contain_text("Please contact us to pay this amount.")
    expect(page.get_by_role("button", name="Pay $250.00 now")).to_have_count(0)
    assert client.unpaid() == {invoice["number"]: 25_000}


def test_a_client_enrols_in_autopay_from_the_account_tab(system, page, site, client, staff_page):
    change_billing_settings(system, client.tenant, autopay_enabled=True)
    client.card_on_file()
    choose_alert(staff_page, "Autopay turned on", OWNER)
    sign_in(page, site, client)

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Manage autopay").click()
    expect(page.get_by_text("Autopay is off")).to_be_visible()
    expect(page.locator("#consent-text")).to_contain_text("invoices for services created from today on")
    expect(page.get_by_label("Visa ending 4242")).to_be_checked()

    refused = submit(page, "Turn on autopay")
    assert refused.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to agree")

    page.get_by_label("I agree").check()
    submit(page, "Turn on autopay")
    expect(page.get_by_role("status")).to_contain_text("Autopay is on.")
    expect(page.get_by_text("Autopay is on, charging your Visa ending 4242")).to_be_visible()
    assert client.api("GET", "/autopay")["enrolled"] is True

    # The owner chose to hear about it: the alert waits, unread, on their Alerts page.
    open_alerts(staff_page)
    alert = staff_page.get_by_role("row", name=f"{client.record['name']} turned on autopay (new jobs only).")
    reload_until_visible(staff_page, alert)
    expect(alert).to_contain_text("Unread")
    # Only the chosen action alerts: the card added before the enrolment did not.
    expect(staff_page.get_by_role("table")).to_have_accessible_name("1 unread alert")
    alerts_link = staff_page.get_by_role("navigation", name="Staff").get_by_role("link", name="Alerts")
    expect(alerts_link).to_have_accessible_name("Alerts 1 unread")  # on every staff page
    alert.get_by_role("link", name=client.record["name"], exact=True).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(client.record["name"])

    billing_as_staff(system, client.tenant, "set_autopay_lock", client.record["id"], True)
    page.reload()
    expect(page.get_by_role("button", name="Turn off autopay")).to_be_disabled()
    expect(page.get_by_text("locked it on for this account")).to_be_visible()


def test_pay_now_on_the_home_page_selects_the_past_due_invoices(system, page, site, client):
    late = client.invoice(4_000, overdue=True)
    later = client.invoice(6_000)
    sign_in(page, site, client)

    expect(page.get_by_role("heading", name="Total due")).to_be_visible()
    expect(page.get_by_text("$100.00")).to_be_visible()
    page.get_by_role("button", name="Pay Now").click()

    expect(page.get_by_label(f"Invoice #{late['number']}")).to_be_checked()
    expect(page.get_by_label(f"Invoice #{later['number']}")).not_to_be_checked()
    expect(page.locator("#selection-total")).to_have_text("$40.00 (1 invoice)")


def test_without_javascript_the_page_says_why_a_new_card_cannot_be_added(system, chromium, site, client):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        client.invoice(1_000)
        sign_in(page, site, client)
        page.goto(f"{site}/p/{client.tenant['slug']}/billing")
        expect(page.get_by_text("To use a new card or bank account, turn on JavaScript")).to_be_visible()
        expect(page.get_by_label("A new card")).to_be_hidden()
    finally:
        context.close()


def test_billing_pages_have_no_wcag_violations_and_fit_a_phone(system, page, site, client):
    change_billing_settings(system, client.tenant, autopay_enabled=True, prepayments_enabled=True,
                            allow_partial_payments=True, card_max_payment=5_000)
    client.invoice(4_000, overdue=True)
    client.invoice(9_999)
    client.card_on_file()
    page.set_viewport_size(PHONE)
    sign_in(page, site, client)
    slug = client.tenant["slug"]
    checked = []

    def check(what):
        assert axe_violations(page) == [], what
        assert horizontal_overflow(page) == 0, what
        checked.append(what)

    check("home with billing panels")
    page.goto(f"{site}/p/{slug}/billing")
    check("billing tab")
    submit(page, "Pay selected invoices")
    check("review with the over-limit warning")
    submit(page, "Pay $139.99 now")
    check("review with an error")
    for path in ("billing/prepayment", "billing/methods/new", "autopay"):
        page.goto(f"{site}/p/{slug}/{path}")
        check(path)
    page.goto(f"{site}/p/{slug}/billing?number=abc")
    check("billing filters with an error")
    assert len(checked) == 8
