"""The language of the portal, against the running services: the client's choice on the Account tab, else the
browser's, else the business's default; the choice reaches the services (their messages), the account's messages
(ACCOUNT_SAVED) and the formats of money and dates. The catalogues' completeness is tests/test_translations.py."""
import re
from datetime import date, timedelta

import pytest

from tests.portal_helpers import (bearer, change_general_settings, latest_event, new_address, portal_api,
                                  registered_client)

pytestmark = pytest.mark.backends("postgresql")  # accounts' rules are in-process tests; here the gateway's

SPANISH = {"Accept-Language": "es-US,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
NEITHER = {"Accept-Language": "fr-FR,fr;q=0.9"}
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


class Portal:
    def __init__(self, system):
        self.system = system
        self.tenant, _ = system.new_tenant()
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


def test_money_and_dates_are_formatted_for_the_page_s_locale(system, portal):
    due = date.today() + timedelta(days=9)
    system.rpc.call("billing", "create_invoice", {
        "account_id": portal.client["id"], "issue_date": date.today().isoformat(), "due_date": due.isoformat(),
        "lines": [{"description": "Poda", "unit_price": 123456}]}, context=system.context(portal.tenant))
    portal.choose("es")
    spanish = portal.page("billing")
    portal.choose("en")
    english = portal.page("billing")
    months = {"es": "ene feb mar abr may jun jul ago sept oct nov dic".split(),
              "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()}
    assert f"{due.day} {months['es'][due.month - 1]} {due.year}" in spanish
    assert f"{months['en'][due.month - 1]} {due.day}, {due.year}" in english
    assert "$1,234.56" in spanish and "$1,234.56" in english  # Spanish in the US writes dollars as English does
