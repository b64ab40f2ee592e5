"""The portal's Add a card or bank account page when the business charges through Stripe, in a real browser: Stripe's
fields (the stand-in's Stripe.js, portico_testing/fake_stripe.js) take what is typed, the card's bank may check it
first, and only the setup's id reaches Portico; a bank account is kept with the words of its debit authorisation."""
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from werkzeug.serving import make_server

pytest.register_assert_rewrite("tests.browser", "tests.test_browser_portal_billing", "tests.test_browser_staff")
from billing.models import PaymentMethod  # noqa: E402 (after the line above, so their assertions explain failures)
from portico_testing import free_port  # noqa: E402
from tests.browser import BROWSER_ADDRESS, from_address  # noqa: E402
from tests.conftest import System  # noqa: E402
from tests.test_browser_portal_billing import Client, sign_in, submit  # noqa: E402

pytest_plugins = ("tests.browser",)  # the chromium and page fixtures


@pytest.fixture(scope="module")
def stripe_system(tmp_path_factory, mail_server):
    """A System whose billing charges through Stripe (its stand-in), and whose pages draw Stripe's fields."""
    system = System("sqlite", tmp_path_factory.mktemp("stripe-fields"), mail_server, processor="stripe")
    yield system
    system.close()


@pytest.fixture(scope="module")
def stripe_site(stripe_system):
    server = make_server("127.0.0.1", free_port(), from_address(stripe_system.app, BROWSER_ADDRESS), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def client(stripe_system):
    tenant, _ = stripe_system.new_tenant()
    return Client(stripe_system, tenant)


def methods_kept(system):
    engine = create_engine(system.databases.urls["billing"])
    try:
        with engine.connect() as connection:
            return connection.execute(select(PaymentMethod.token, PaymentMethod.kind, PaymentMethod.last4,
                                             PaymentMethod.mandate_text)).all()
    finally:
        engine.dispose()


def add_page(page, stripe_site, client):
    sign_in(page, stripe_site, client)
    page.goto(f"{stripe_site}/p/{client.tenant['slug']}/billing/methods/new")
    expect(page.get_by_label("Card number")).to_be_visible()


def test_a_card_typed_in_stripe_s_fields_is_kept_with_stripe_s_ids_only(page, stripe_site, stripe_system, client):
    add_page(page, stripe_site, client)
    to_portico = []
    page.on("request", lambda request: to_portico.append(request.post_data or "")
            if request.url.startswith(stripe_site) else None)
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("04/31")
    response = submit(page, "Agree and keep it on file")
    assert response.status == 303
    expect(page.get_by_role("button", name="Remove Visa ending 4242")).to_be_visible()
    [(token, kind, last4, mandate)] = [row for row in methods_kept(stripe_system) if row.last4 == "4242"]
    assert token.startswith("cus_") and "/pm_" in token and (kind, mandate) == ("card", None)
    assert to_portico and not [data for data in to_portico if "4242" in data.replace("+", "").replace("%20", "")]
    assert [request["form"]["payment_method_data"]["card"]["number"] for request in stripe_system.stripe.requests
            if request["path"].endswith("/confirm")] == ["4242 4242 4242 4242"]  # typed: to Stripe only


def test_a_card_whose_bank_checks_it_is_kept_after_the_check_and_not_when_it_fails(page, stripe_site, stripe_system,
                                                                                     client):
    add_page(page, stripe_site, client)
    page.get_by_label("Card number").fill("4000 0025 0000 3155")
    page.get_by_label("Expiry (MM/YY)").fill("04/31")
    page.get_by_role("button", name="Agree and keep it on file").click()
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.get_by_role("alert")).to_contain_text("unable to authenticate")
    assert not [row for row in methods_kept(stripe_system) if row.last4 == "3155"]
    page.goto(f"{stripe_site}/p/{client.tenant['slug']}/billing/methods/new")  # a new setup, checked this time
    page.get_by_label("Card number").fill("4000 0025 0000 3155")
    page.get_by_label("Expiry (MM/YY)").fill("04/31")
    page.get_by_role("button", name="Agree and keep it on file").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Complete authentication").click()
    expect(page.get_by_role("button", name="Remove Visa ending 3155")).to_be_visible()


def test_a_bank_account_is_kept_with_the_authorisation_the_client_read(page, stripe_site, stripe_system, client):
    add_page(page, stripe_site, client)
    words = page.locator("[data-mandate]").inner_text()
    assert "to debit it, through its payment processor Stripe" in words
    page.get_by_label("Kind of payment method").select_option("us_bank_account")
    page.get_by_label("Routing number").fill("110000000")
    page.get_by_label("Account number").fill("000123456789")
    submit(page, "Agree and keep it on file")
    expect(page.get_by_role("button", name="Remove Bank account ending 6789")).to_be_visible()
    [(_, kind, _, mandate)] = [row for row in methods_kept(stripe_system) if row.last4 == "6789"]
    assert kind == "ach" and mandate == words


def test_the_pay_form_offers_the_methods_on_file_and_a_way_to_add_one(page, stripe_site, client):
    client.invoice(4_000)
    sign_in(page, stripe_site, client)
    page.goto(f"{stripe_site}/p/{client.tenant['slug']}/billing")
    page.get_by_role("link", name="Add a card or bank account").first.click()
    expect(page.get_by_label("Card number")).to_be_visible()
    page.go_back()
    assert page.locator("[data-hosted-method]").count() == 0  # the sandbox's forms are not the processor here


def test_a_payment_the_client_s_bank_checks_is_paid_once_they_confirm_and_not_when_they_fail(page, stripe_site,
                                                                                            stripe_system, client):
    checked = {"token": "pm_card_authenticationRequired", "kind": "card", "brand": "visa", "last4": "3184",
               "exp_month": 12, "exp_year": 2031}  # Stripe's test card whose bank checks every payment
    stripe_system.rpc.call("billing", "add_payment_method", checked, context=stripe_system.client_context(
        client.tenant, client.session["portal_user"]["id"], client.record["id"]))
    first, second = client.invoice(4_000), client.invoice(2_500)
    sign_in(page, stripe_site, client)
    for invoice, passed in ((second, False), (first, True)):
        page.goto(f"{stripe_site}/p/{client.tenant['slug']}/billing")
        for other in (first, second):
            box = page.get_by_label(f"Invoice #{other['number']}")
            box.check() if other is invoice else box.uncheck()
        page.get_by_label("Visa ending 3184").check()
        submit(page, "Pay selected invoices")
        page.get_by_role("button", name=f"Pay ${invoice['total'] / 100:.2f} now").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Complete authentication" if passed else "Fail authentication").click()
        if passed:
            expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
        else:
            expect(page.get_by_role("alert")).to_contain_text("declined")
    assert client.unpaid() == {second["number"]: 2_500}
