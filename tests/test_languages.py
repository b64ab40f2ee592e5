"""The language of the portal, against the running services: the client's choice on the Account tab, else the
browser's, else the business's default; the choice reaches the services (their messages), the account's messages
(ACCOUNT_SAVED) and the formats of money and dates. The catalogues' completeness is tests/test_translations.py."""
import re
from datetime import date, timedelta

import pytest

from shared.errors import InvalidInput

from tests.portal_helpers import (bearer, change_general_settings, latest_event, new_address, portal_api,
                                  registered_client)

pytestmark = pytest.mark.backends("postgresql")  # accounts' rules are in-process tests; here the gateway's

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
NEITHER = {"Accept-Language": "fr-FR,fr;q=0.9"}
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


class Portal:
    def __init__(self, system, currency="USD"):
        self.system = system
        self.tenant, _ = system.new_tenant(currency=currency)
        self.client, session = registered_client(system, self.tenant, name="Lucía Gómez")
        self.token, self.csrf = session["token"], session["csrf_token"]
        self.browser = system.app.test_client()
        self.browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", self.token)

    def page(self, path="", headers=None, status=200):
        response = self.browser.get(f"/p/{self.tenant['slug']}/{path}", headers=headers or {},
                                    environ_base=new_address())
        assert response.status_code == status, response.status_code
        return response.get_data(as_text=True)

    def choose(self, language, headers=None):
        return self.browser.post(f"/p/{self.tenant['slug']}/account/language",
                                 data={"language": language, "csrf_token": self.csrf},
                                 headers={**ORIGIN_HEADERS, **(headers or {})}, environ_base=new_address())

    def api(self, method, path, body=None, headers=None):
        return self.system.http.open(portal_api(self.tenant) + path, method=method, json=body,
                                     headers={**bearer(self.token), **(headers or {})})


def language_of(html):
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


@pytest.fixture
def portal(system):
    return Portal(system)


def test_a_visitor_reads_the_sign_in_page_in_their_browser_s_language(system, portal):
    visitor = system.app.test_client()
    spanish = visitor.get(f"/p/{portal.tenant['slug']}/sign-in", headers=SPANISH).get_data(as_text=True)
    english = visitor.get(f"/p/{portal.tenant['slug']}/sign-in", headers=ENGLISH).get_data(as_text=True)
    assert language_of(spanish) == "es" and "Saltar al contenido principal" in spanish
    assert language_of(english) == "en" and "Skip to main content" in english


def test_a_browser_asking_for_no_language_portico_speaks_gets_the_business_s_default(system, portal):
    assert language_of(portal.page(headers=NEITHER)) == "en"
    change_general_settings(system, portal.tenant, default_language="es")
    assert language_of(portal.page(headers=NEITHER)) == "es"
    assert language_of(portal.page(headers=ENGLISH)) == "en"  # the browser's own language comes first


def test_the_client_s_choice_wins_over_the_browser_and_reaches_their_messages(system, portal):
    assert portal.choose("es", ENGLISH).status_code == 303
    html = portal.page("account", headers=ENGLISH)
    assert language_of(html) == "es"
    assert re.search(r'<option value="es" lang="es" selected>Español</option>', html)
    assert latest_event(system, "account_saved", account_id=portal.client["id"])["language"] == "es"
    assert portal.api("GET", "/account").get_json()["language"] == "es"
    # Back to the browser's: English for an English browser, and the messages follow the business's default.
    assert portal.choose("", SPANISH).status_code == 303
    assert language_of(portal.page("account", headers=ENGLISH)) == "en"
    assert latest_event(system, "account_saved", account_id=portal.client["id"])["language"] is None


def test_a_language_portico_does_not_speak_is_refused_and_changes_nothing(portal):
    portal.choose("es")
    refused = portal.choose("fr")
    assert refused.status_code == 400
    assert language_of(refused.get_data(as_text=True)) == "es"
    answer = portal.api("PATCH", "/account", {"language": "klingon"})
    assert answer.status_code == 400 and "language" in answer.get_json()["error"]["fields"]
    assert portal.api("GET", "/account").get_json()["language"] == "es"


def invoice(system, portal, cents, due):
    return system.rpc.call("billing", "create_invoice", {
        "account_id": portal.client["id"], "issue_date": date.today().isoformat(), "due_date": due.isoformat(),
        "lines": [{"description": "Poda", "unit_price": cents}]}, context=system.context(portal.tenant))


def test_money_and_dates_are_formatted_for_the_page_s_locale(system, portal):
    due = date.today() + timedelta(days=9)
    invoice(system, portal, 123456, due)
    portal.choose("es")
    spanish = portal.page("billing")
    portal.choose("en")
    english = portal.page("billing")
    months = {"es": "ene feb mar abr may jun jul ago sept oct nov dic".split(),
              "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()}
    assert f"{due.day} {months['es'][due.month - 1]} {due.year}" in spanish
    assert f"{months['en'][due.month - 1]} {due.day}, {due.year}" in english
    assert "$1,234.56" in spanish and "$1,234.56" in english  # Spanish in the US writes dollars as English does


def test_a_business_s_amounts_are_in_its_currency_in_pages_messages_and_emails(system):
    portal = Portal(system, currency="EUR")
    assert portal.page("").count('data-currency="EUR"') == 1  # the pages' scripts count in it too
    row = invoice(system, portal, 123456, date.today() + timedelta(days=9))
    assert "€1,234.56" in portal.page("billing")
    portal.choose("es")
    assert "EUR1,234.56" in portal.page("billing")  # as CLDR writes euros for Spanish in the US
    # A service's message (billing's, over the business's limit) and the email to the client count in euros too.
    staff = system.context(portal.tenant)
    system.rpc.call("billing", "update_settings", "billing", {"card_max_payment": 100_000}, context=staff)
    card = {"token": "tok_quote_only", "kind": "card", "brand": "visa", "last4": "4242", "exp_month": 12,
            "exp_year": date.today().year + 2}  # a quote charges nothing: the token is never used
    answer = portal.api("POST", "/payments/quote", {"invoice_ids": [row["id"]], "new_method": card})
    system.rpc.call("billing", "email_invoice", row["id"], context=staff)
    mail = system.mail.wait_for_message(portal.client["email"], matching=lambda mail: "1,234.56" in mail.text)
    assert re.search(r"(€|EUR)1,234\.56", mail.text), mail.text  # in the account's language, English or Spanish
    assert answer.status_code == 200 and "EUR1,000.00" in answer.get_json()["message"], answer.get_json()


def test_a_currency_portico_does_not_keep_is_refused_when_the_business_is_created(system):
    with pytest.raises(InvalidInput) as refused:
        system.new_tenant(currency="XYZ")
    assert "currency" in refused.value.fields
