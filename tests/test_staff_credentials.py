"""Sessions and credentials over HTTP: the cookies, the origin check, staff passwords (changed and reset by
email), two-step sign-in through the staff pages and the API."""
import itertools
import re
from datetime import datetime, timezone

import pyotp
import pytest

from gateway.app import create_app
from tests.portal_helpers import CLIENT_PASSWORD, latest_event, portal_api, registered_client
from tests.portal_helpers import sign_in as portal_sign_in

# Backends: the embedded default (SQLite), which make up runs; nothing here differs on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

SESSIONS = "/api/v1/staff/sessions"
NEW_PASSWORD = "seven brisk otters"
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def new_address():
    return {"REMOTE_ADDR": next(_addresses)}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def set_cookies(response):
    return response.headers.getlist("Set-Cookie")


def cookie_header(response, name):
    return next(header for header in set_cookies(response) if header.startswith(f"{name}="))


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in_browser(system, credentials):
    browser = system.app.test_client()
    response = browser.post("/staff/sign-in", data=credentials, environ_base=new_address())
    assert response.status_code == 303, response.get_data(as_text=True)
    return browser


def alive(system, token):
    return system.http.get("/api/v1/staff/me", headers=bearer(token)).status_code == 200


def code_now(secret, steps_ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(timezone.utc)) + steps_ahead)


@pytest.fixture
def owner(system):
    tenant, credentials = system.new_tenant()
    return tenant, credentials


# --- cookies ---------------------------------------------------------------------------------------------

def test_session_cookies_are_host_only_secure_httponly_and_lax_by_default(system, owner):
    tenant, credentials = owner
    response = system.app.test_client().post("/staff/sign-in", data=credentials, environ_base=new_address())
    staff_cookie = cookie_header(response, "__Host-portico_staff")
    for part in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"):
        assert part in staff_cookie, part
    assert "Domain=" not in staff_cookie


def test_plain_http_local_runs_turn_secure_cookies_off_explicitly(system, owner):
    _, credentials = owner
    plain = create_app({"TESTING": True, "AMQP_URI": system.vhost.uri(process="gateway"), "SECURE_COOKIES": False})
    response = plain.test_client().post("/staff/sign-in", data=credentials, environ_base=new_address())
    cookie = cookie_header(response, "portico_staff")
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert not any(header.startswith("__Host-") for header in set_cookies(response))


# --- the origin check ------------------------------------------------------------------------------------

def test_state_changing_requests_from_another_site_are_refused(system, owner):
    _, credentials = owner
    browser = signed_in_browser(system, credentials)
    csrf = csrf_of(browser.get("/staff/account").get_data(as_text=True))
    general = "/api/v1/staff/settings/general"
    change = {"json": {"home_tab_enabled": False}}
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"}):
        response = browser.patch(general, headers={"X-CSRF-Token": csrf, **headers}, **change)
        assert response.status_code == 403, headers
        assert "came from another site" in response.get_json()["error"]["message"]
    assert browser.get(general).get_json()["home_tab_enabled"] is True

    page = browser.post("/staff/sign-out", data={"csrf_token": csrf}, headers={"Sec-Fetch-Site": "cross-site"})
    assert page.status_code == 403 and "came from another site" in page.get_data(as_text=True)
    assert browser.get("/staff/account").status_code == 200  # still signed in

    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {}):
        response = browser.patch(general, headers={"X-CSRF-Token": csrf, **headers}, **change)
        assert response.status_code == 200, headers


def test_sign_in_from_another_site_is_refused_but_a_client_without_browser_headers_signs_in(system, owner):
    _, credentials = owner
    refused = system.http.post(SESSIONS, json=credentials, headers={"Sec-Fetch-Site": "cross-site"},
                               environ_base=new_address())
    assert refused.status_code == 403
    form = system.app.test_client().post("/staff/sign-in", data=credentials, headers={"Origin": "https://x.example"},
                                         environ_base=new_address())
    assert form.status_code == 403 and not set_cookies(form)
    assert system.http.post(SESSIONS, json=credentials, environ_base=new_address()).status_code == 201


# --- staff passwords -------------------------------------------------------------------------------------

def test_a_staff_password_change_ends_the_other_sessions_only(system, owner):
    _, credentials = owner
    here, elsewhere = system.staff_token(credentials), system.staff_token(credentials)
    common = system.http.post("/api/v1/staff/me/password", headers=bearer(here),
                              json={"current_password": credentials["password"], "new_password": "password1234"})
    assert common.status_code == 400 and "new_password" in common.get_json()["error"]["fields"]

    response = system.http.post("/api/v1/staff/me/password", headers=bearer(here),
                                json={"current_password": credentials["password"], "new_password": NEW_PASSWORD})

    assert response.status_code == 204
    assert alive(system, here) and not alive(system, elsewhere)
    assert system.staff_token({**credentials, "password": NEW_PASSWORD})


def test_the_account_page_changes_the_password(system, owner):
    _, credentials = owner
    other = system.staff_token(credentials)
    browser = signed_in_browser(system, credentials)
    page = browser.get("/staff/account").get_data(as_text=True)
    assert "My account" in page and "Two-step sign-in" in page

    wrong = browser.post("/staff/account/password", data={
        "csrf_token": csrf_of(page), "current_password": "not it", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 400 and "That is not your current password." in wrong.get_data(as_text=True)
    done = browser.post("/staff/account/password", data={
        "csrf_token": csrf_of(page), "current_password": credentials["password"], "new_password": NEW_PASSWORD})

    assert done.status_code == 303
    assert "You are signed out everywhere else." in browser.get(done.headers["Location"]).get_data(as_text=True)
    assert not alive(system, other)


def test_a_forgotten_password_is_reset_by_an_emailed_link(system, owner):
    _, credentials = owner
    session = system.staff_token(credentials)
    browser = system.app.test_client()
    assert "Forgot your password?" in browser.get("/staff/sign-in").get_data(as_text=True)
    unknown = browser.post("/staff/forgot-password", data={"email": "nobody@nowhere.example"},
                           environ_base=new_address())
    known = browser.post("/staff/forgot-password", data={"email": credentials["email"]}, environ_base=new_address())
    assert unknown.status_code == known.status_code == 200
    assert unknown.get_data(as_text=True) == known.get_data(as_text=True)  # says nothing of who exists

    link = system.mail.wait_for_message(credentials["email"]).link("/staff/reset/")
    path = link[link.index("/staff/reset/"):]
    assert "Choose a new password" in browser.get(path).get_data(as_text=True)
    weak = browser.post(path, data={"password": "password1234"})
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    done = browser.post(path, data={"password": NEW_PASSWORD})

    assert done.status_code == 303 and "password_reset=1" in done.headers["Location"]
    assert not alive(system, session)
    assert browser.get(path).status_code == 404  # used
    assert system.staff_token({**credentials, "password": NEW_PASSWORD})
    api = system.http.post("/api/v1/staff/password-resets", json={"email": "nobody@nowhere.example"},
                           environ_base=new_address())
    assert api.status_code == 202 and api.get_json() == {}


# --- two-step sign-in ------------------------------------------------------------------------------------

def set_up_two_step(browser):
    """Set two-step sign-in up on the account pages; return the secret and the recovery codes shown."""
    page = browser.get("/staff/account/two-step").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert "otpauth://totp/Portico:" in page
    wrong = browser.post("/staff/account/two-step", data={"csrf_token": csrf_of(page), "code": code_now(secret, 9)})
    assert wrong.status_code == 400
    shown = browser.post("/staff/account/two-step", data={"csrf_token": csrf_of(page), "code": code_now(secret)})
    assert shown.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>", shown.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_two_step_sign_in_through_the_pages(system, owner):
    _, credentials = owner
    secret, codes = set_up_two_step(signed_in_browser(system, credentials))
    browser = system.app.test_client()

    asked = browser.post("/staff/sign-in", data={**credentials, "next": "/staff/clients"}, environ_base=new_address())

    assert asked.status_code == 303 and asked.headers["Location"].startswith("/staff/sign-in/code")
    assert not any(header.startswith("__Host-portico_staff=") for header in set_cookies(asked))
    assert "Secure" in cookie_header(asked, "__Host-portico_staff_pending")
    assert browser.get("/staff/clients").status_code == 303  # the password alone opens nothing
    wrong = browser.post("/staff/sign-in/code", data={"code": "000000" if code_now(secret, 1) != "000000" else "1"},
                         environ_base=new_address())
    assert wrong.status_code == 401 and "That code is not correct." in wrong.get_data(as_text=True)
    signed_in = browser.post("/staff/sign-in/code", data={"code": code_now(secret, 1), "next": "/staff/clients"},
                             environ_base=new_address())
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/staff/clients"
    assert browser.get("/staff/clients").status_code == 200

    api = system.http.post(SESSIONS, json=credentials, environ_base=new_address()).get_json()
    assert api["second_step"] == "code" and not alive(system, api["token"])
    done = system.http.post(f"{SESSIONS}/second-step", json={"token": api["token"], "code": codes[0]},
                            environ_base=new_address())
    assert done.status_code == 201 and alive(system, done.get_json()["token"])
    status = system.http.get("/api/v1/staff/me/two-step", headers=bearer(done.get_json()["token"])).get_json()
    assert status == {"two_step": True, "required": False, "recovery_codes_left": 9}


def test_when_the_owner_requires_it_staff_set_it_up_before_anything_else(system, owner):
    tenant, credentials = owner
    token = system.staff_token(credentials)
    response = system.http.patch("/api/v1/staff/settings/general", headers=bearer(token),
                                 json={"require_staff_two_step": True})
    assert response.status_code == 200 and response.get_json()["require_staff_two_step"] is True
    browser = system.app.test_client()

    asked = browser.post("/staff/sign-in", data=credentials, environ_base=new_address())

    assert asked.headers["Location"].startswith("/staff/sign-in/set-up")
    assert browser.get("/staff/settings").status_code == 303
    page = browser.get("/staff/sign-in/set-up").get_data(as_text=True)
    assert "Your business requires two-step sign-in for staff." in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    shown = browser.post("/staff/sign-in/set-up", data={"code": code_now(secret)}, environ_base=new_address())
    assert shown.status_code == 200 and len(re.findall(r"<code>[0-9a-f-]{17}</code>", shown.get_data(as_text=True)))
    assert browser.get("/staff/settings").status_code == 200
    assert system.http.post(SESSIONS, json=credentials, environ_base=new_address()).get_json()["second_step"] == "code"


# --- clients: a new password or email address ends their other sessions -----------------------------------

def test_a_clients_new_password_or_email_ends_their_other_portal_sessions(system, owner):
    tenant, _ = owner
    client, here = registered_client(system, tenant)
    api = portal_api(tenant)

    def session_alive(token):
        return system.http.get(f"{api}/me", headers=bearer(token)).status_code == 200

    other = portal_sign_in(system, tenant, client["email"]).get_json()["token"]
    changed = system.http.post(f"{api}/account/password", headers=bearer(here["token"]), json={
        "current_password": CLIENT_PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204
    assert session_alive(here["token"]) and not session_alive(other)

    other = portal_sign_in(system, tenant, client["email"], NEW_PASSWORD).get_json()["token"]
    new_email = f"moved-{tenant['slug']}@clients.example"
    asked = system.http.post(f"{api}/account/email-change", headers=bearer(here["token"]), json={"new_email": new_email})
    assert asked.status_code == 202
    code = latest_event(system, "email_change_code_issued", to=new_email)["code"]
    confirmed = system.http.post(f"{api}/account/email-change/confirm", headers=bearer(here["token"]),
                                 json={"code": code})
    assert confirmed.status_code == 200
    assert session_alive(here["token"]) and not session_alive(other)
