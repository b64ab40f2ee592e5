"""Sign-in codes by text, end to end: accounts issues the code to the mobile number on the client's Account tab,
notifications sends it through the SMS adapter ``make up`` uses (``SMS_PROVIDER=http``) to the development SMS
inbox, and the client signs in with the code read from the inbox's JSON view.
"""
import importlib.util
import re

import pytest

from tests.portal_helpers import CLIENT_PASSWORD, bearer, new_address, portal_api, registered_client
from tests.sms_inbox import mobile, next_code, sms_inbox, texts_to  # noqa: F401 (sms_inbox is a fixture)

pytestmark = pytest.mark.backends("postgresql")


@pytest.fixture
def business(system):
    tenant, _ = system.new_tenant()
    return tenant


@pytest.fixture
def browser(system):
    return system.app.test_client()


def page(tenant, path=""):
    return f"/p/{tenant['slug']}/{path}"


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def set_mobile_on_the_account_tab(system, tenant, token, number):
    response = system.http.patch(f"{portal_api(tenant)}/account", json={"mobile_phone": number},
                                 headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_client_signs_in_with_the_code_texted_to_the_mobile_on_their_account_tab(system, sms_inbox, business,
                                                                                    browser):
    client, session = registered_client(system, business)
    number = mobile()
    spaced = f"{number[:2]} ({number[2:5]}) {number[5:8]}-{number[8:]}"  # as people type it
    assert set_mobile_on_the_account_tab(system, business, session["token"], spaced)["mobile_phone"] == number

    asked = browser.post(page(business, "sign-in/code"), data={"login": client["email"]}, environ_base=new_address())
    assert asked.status_code == 303
    code = next_code(sms_inbox, number)
    signed_in = browser.post(page(business, "sign-in/code/enter"), data={"code": code}, environ_base=new_address())

    assert signed_in.status_code == 303, signed_in.get_data(as_text=True)
    assert "Sign out" in browser.get(page(business)).get_data(as_text=True)
    assert not [mail for mail in system.mail.received if code in mail.text]  # by text only, not by email
    [text] = texts_to(sms_inbox, number)
    assert text["to"] == number and "Green Acres Lawn Care" in text["text"]


def test_changing_the_mobile_on_the_account_tab_changes_where_the_next_code_goes(system, sms_inbox, business,
                                                                                 browser):
    client, session = registered_client(system, business)
    first, second = mobile(), mobile()
    browser.post(page(business, "sign-in"), data={"login": client["email"], "password": CLIENT_PASSWORD},
                 environ_base=new_address())
    html = browser.get(page(business, "account")).get_data(as_text=True)
    assert "Your sign-in codes go here by text message." in html
    saved = browser.post(page(business, "account"), data={"mobile_phone": first, "csrf_token": csrf_of(html)},
                         environ_base=new_address())
    assert saved.status_code == 303
    api = f"{portal_api(business)}/login-codes"
    system.http.post(api, json={"login": client["email"]}, environ_base=new_address())
    next_code(sms_inbox, first)

    html = browser.get(page(business, "account")).get_data(as_text=True)
    refused = browser.post(page(business, "account"), data={"mobile_phone": "555 010 0199",
                                                            "csrf_token": csrf_of(html)}, environ_base=new_address())
    assert refused.status_code == 400
    assert "Enter the mobile number with + and its country code" in refused.get_data(as_text=True)
    saved = browser.post(page(business, "account"), data={"mobile_phone": second, "csrf_token": csrf_of(html)},
                         environ_base=new_address())
    assert saved.status_code == 303

    attempt = system.http.post(api, json={"login": client["email"]}, environ_base=new_address()).get_json()["attempt"]
    code = next_code(sms_inbox, second)
    verified = system.http.post(f"{api}/verify", json={"attempt": attempt, "code": code}, environ_base=new_address())

    assert verified.status_code == 201 and verified.get_json()["portal_user"]["id"] == session["portal_user"]["id"]
    assert len(texts_to(sms_inbox, first)) == 1  # the old number got no second code


def test_the_demo_seed_texts_a_code_to_the_demo_clients_mobile(system, sms_inbox, business):
    spec = importlib.util.spec_from_file_location("seed_sms", "scripts/seed_sms.py")
    seed_sms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_sms)
    client, session = registered_client(system, business)
    client_context = system.client_context(business, session["portal_user"]["id"], client["id"])

    seed_sms.seed_sms(system.rpc, system.visitor_context(business), client_context, client["email"])

    assert re.fullmatch(r"[0-9]{6}", next_code(sms_inbox, "+15550100142"))
