"""A Spanish-reading client pays two of three invoices in chromium, on a phone, with a Spanish browser: every step
is in Spanish, amounts and dates are written as Spanish in the United States writes them (es_US), and once she
chose Español on the Account tab her receipt comes in Spanish too."""
from datetime import timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, checked_page  # noqa: E402
from tests.portal_helpers import CLIENT_PASSWORD  # noqa: E402
from tests.test_browser_portal_billing import TODAY, Client, hosted_forms, submit  # noqa: E402,F401

pytest_plugins = ("tests.browser",)  # the chromium and site fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"

BUSINESS = "Jardines del Sur"
MONTHS = "ene feb mar abr may jun jul ago sept oct nov dic".split()  # CLDR's abbreviations for es


def spanish_day(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def client(system, hosted_forms):  # noqa: F811  (the fixture imported above)
    tenant, _ = system.new_tenant(display_name=BUSINESS)
    return Client(system, tenant, name="Lucía Gómez")


@pytest.fixture
def page(chromium):
    with checked_page(chromium, viewport=PHONE, locale="es-US") as page:
        yield page


def sign_in(page, site, client):
    page.goto(f"{site}/p/{client.tenant['slug']}/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    page.get_by_label("Correo electrónico", exact=True).fill(client.email)
    page.get_by_label("Contraseña", exact=True).fill(CLIENT_PASSWORD)
    submit(page, "Iniciar sesión")
    expect(page).to_have_url(f"{site}/p/{client.tenant['slug']}/")


def choose_spanish(page, site, client):
    """On the Account tab, keep Español for the portal and the account's messages."""
    page.goto(f"{site}/p/{client.tenant['slug']}/account")
    page.get_by_label("Idioma del portal y de sus mensajes").select_option("es")
    submit(page, "Guardar idioma")
    expect(page.get_by_label("Idioma del portal y de sus mensajes")).to_have_value("es")


def test_a_client_pays_two_of_three_invoices_in_spanish(system, page, site, client):
    first, second, third = client.invoice(120_000), client.invoice(3_050, overdue=True), client.invoice(9_900)
    client.card_on_file()
    sign_in(page, site, client)
    choose_spanish(page, site, client)

    page.get_by_role("link", name="Facturación", exact=True).first.click()
    main = page.locator("main")
    expect(main).to_contain_text(spanish_day(TODAY + timedelta(days=14)))  # the invoices' due dates
    expect(main).to_contain_text(spanish_day(TODAY - timedelta(days=3)))
    expect(main).to_contain_text("$1,200.00")
    page.get_by_label(f"Factura #{third['number']}").uncheck()
    expect(page.locator("#selection-total")).to_have_text("$1,230.50 (2 facturas)")
    expect(page.get_by_label("Visa terminada en 4242")).to_be_checked()
    assert axe_violations(page) == []
    submit(page, "Pagar las facturas seleccionadas")

    expect(page.get_by_role("heading", name="Revise su pago")).to_be_visible()
    submit(page, "Pagar $1,230.50 ahora")
    expect(page.get_by_role("heading", name="Pago recibido")).to_be_visible()
    expect(page.get_by_text(f"Factura #{first['number']} ($1,200.00): pagada en su totalidad")).to_be_visible()
    expect(page.get_by_text(f"Factura #{second['number']} ($30.50): pagada en su totalidad")).to_be_visible()
    assert axe_violations(page) == []
    assert client.unpaid() == {third["number"]: 9_900}

    receipt = system.mail.wait_for_message(client.email, matching=lambda mail: mail.subject.startswith("Recibo"))
    assert receipt.subject == f"Recibo de su pago a {BUSINESS}"
    paid_on = format_date(TODAY, "long", locale="es_US")  # "3 de diciembre de 2026"
    assert "$1,230.50" in receipt.text and paid_on in receipt.text, receipt.text
