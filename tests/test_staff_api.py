"""The staff HTTP API through the gateway, against the running services."""
import itertools
import json

import pytest

from portico_testing import wait_for

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL. Throttling's time window on SQLite is
# checked by the in-process tests of services/accounts/tests.
pytestmark = pytest.mark.backends("postgresql")


SESSIONS = "/api/v1/staff/sessions"
TABS = {"general", "billing", "services", "tickets", "alerts"}
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def from_new_address():
    """Client address for a request whose failures must not throttle other tests' sign-ins."""
    return {"REMOTE_ADDR": next(_addresses)}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff(system):
    """A new tenant and its owner's bearer-token headers."""
    tenant, credentials = system.new_tenant()
    return tenant, bearer(system.staff_token(credentials))


def general_settings(system, headers):
    response = system.http.get("/api/v1/staff/settings/general", headers=headers)
    assert response.status_code == 200
    return response.get_json()


# --- signing in -----------------------------------------------------------------------

def test_sign_in_returns_201_with_a_token(system):
    tenant, credentials = system.new_tenant()

    response = system.http.post(SESSIONS, json=credentials)

    assert response.status_code == 201
    body = response.get_json()
    assert body["token"] and body["csrf_token"]
    assert body["user"]["email"] == credentials["email"]
    assert body["tenant"]["id"] == tenant["id"]


def test_wrong_password_and_unknown_email_get_the_same_401(system):
    _, credentials = system.new_tenant()

    wrong_password = system.http.post(SESSIONS, json={**credentials, "password": "not the password"},
                                      environ_base=from_new_address())
    unknown_email = system.http.post(SESSIONS, json={"email": "nobody@nowhere.example",
                                                     "password": "not the password"},
                                     environ_base=from_new_address())

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()


@pytest.mark.parametrize("body, fields", [
    ({}, {"email", "password"}),
    ({"email": 42, "password": ["secret"]}, {"email", "password"}),
    ({"email": "owner@x.example", "password": "secret", "remember_me": True}, {"remember_me"}),
], ids=["missing fields", "wrong types", "unknown field"])
def test_invalid_sign_in_input_is_refused_with_field_messages(system, body, fields):
    response = system.http.post(SESSIONS, json=body, environ_base=from_new_address())

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == fields
    assert all(error["fields"][field] for field in fields)


def test_non_json_sign_in_body_is_refused(system):
    response = system.http.post(SESSIONS, data="email=owner@x.example&password=secret",
                                content_type="application/x-www-form-urlencoded",
                                environ_base=from_new_address())

    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {
        "_schema": ["Send a JSON object with Content-Type: application/json."]}


def test_sign_in_is_throttled_after_five_failures_for_one_email(system):
    _, credentials = system.new_tenant()
    for _ in range(5):
        failed = system.http.post(SESSIONS, json={**credentials, "password": "a wrong guess!"},
                                  environ_base=from_new_address())
        assert failed.status_code == 401

    response = system.http.post(SESSIONS, json=credentials, environ_base=from_new_address())

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


# --- sessions -------------------------------------------------------------------------

def test_bearer_token_reads_the_signed_in_staff_member(system):
    tenant, credentials = system.new_tenant()
    headers = bearer(system.staff_token(credentials))

    response = system.http.get("/api/v1/staff/me", headers=headers)

    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == credentials["email"]
    assert response.get_json()["tenant"]["id"] == tenant["id"]


def test_bearer_token_reads_all_five_settings_tabs(system, staff):
    _, headers = staff

    response = system.http.get("/api/v1/staff/settings", headers=headers)

    assert response.status_code == 200
    assert set(response.get_json()) == TABS


def test_token_stops_working_after_sign_out(system, staff):
    _, headers = staff

    signed_out = system.http.delete(f"{SESSIONS}/current", headers=headers)

    assert signed_out.status_code == 204
    response = system.http.get("/api/v1/staff/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


@pytest.fixture
def cookie_client(system):
    """A client of its own (the shared one must not carry a cookie) signed in by cookie."""
    _, credentials = system.new_tenant()
    session = system.http.post(SESSIONS, json=credentials).get_json()
    client = system.app.test_client()
    client.set_cookie("__Host-portico_staff", session["token"])
    return client, session["csrf_token"]


def test_cookie_session_change_without_csrf_token_is_refused(system, cookie_client):
    client, _ = cookie_client

    response = client.patch("/api/v1/staff/settings/general", json={"display_name": "Forged"})

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "permission_denied"
    assert client.get("/api/v1/staff/settings/general").get_json()["display_name"] != "Forged"


def test_cookie_session_change_with_csrf_token_is_applied(system, cookie_client):
    client, csrf_token = cookie_client

    response = client.patch("/api/v1/staff/settings/general", json={"display_name": "Genuine"},
                            headers={"X-CSRF-Token": csrf_token})

    assert response.status_code == 200
    assert client.get("/api/v1/staff/settings/general").get_json()["display_name"] == "Genuine"


# --- settings -------------------------------------------------------------------------

def test_patch_general_changes_the_display_name(system, staff):
    _, headers = staff

    response = system.http.patch("/api/v1/staff/settings/general", json={"display_name": "New"},
                                 headers=headers)

    assert response.status_code == 200
    assert response.get_json()["display_name"] == "New"
    assert general_settings(system, headers)["display_name"] == "New"


@pytest.mark.parametrize("body, field", [
    ({"use_usernames": True, "display_name": ""}, "display_name"),
    ({"use_usernames": True, "min_password_length": 5}, "min_password_length"),
    ({"use_usernames": True, "favourite_colour": "green"}, "favourite_colour"),
    ({"use_usernames": True, "enable_logins": "yes"}, "enable_logins"),
    ([{"use_usernames": True}], "_schema"),
], ids=["empty display name", "password length too short", "unknown field", "wrong type",
        "not an object"])
def test_invalid_settings_are_refused_with_field_messages_and_change_nothing(system, staff, body, field):
    _, headers = staff
    before = general_settings(system, headers)

    response = system.http.patch("/api/v1/staff/settings/general", json=body, headers=headers)

    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {field}
    assert general_settings(system, headers) == before


def test_patch_of_an_unknown_tab_is_404(system, staff):
    _, headers = staff

    response = system.http.patch("/api/v1/staff/settings/payroll", json={"anything": 1},
                                 headers=headers)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# --- tenant isolation -----------------------------------------------------------------

def test_changes_by_one_tenants_staff_leave_another_tenants_settings_alone(system):
    _, credentials_a = system.new_tenant(display_name="Alpha Lawns")
    _, credentials_b = system.new_tenant(display_name="Beta Pools")
    headers_a = bearer(system.staff_token(credentials_a))
    headers_b = bearer(system.staff_token(credentials_b))
    before_b = system.http.get("/api/v1/staff/settings", headers=headers_b).get_json()

    for tab, changes in (("general", {"display_name": "Alpha Renamed", "min_password_length": 20}),
                         ("tickets", {"tickets_enabled": False})):
        response = system.http.patch(f"/api/v1/staff/settings/{tab}", json=changes, headers=headers_a)
        assert response.status_code == 200

    assert system.http.get("/api/v1/staff/settings", headers=headers_b).get_json() == before_b


def test_each_token_reads_only_its_own_tenants_settings(system):
    _, credentials_a = system.new_tenant(display_name="Alpha Lawns")
    _, credentials_b = system.new_tenant(display_name="Beta Pools")

    for credentials, display_name in ((credentials_a, "Alpha Lawns"), (credentials_b, "Beta Pools")):
        headers = bearer(system.staff_token(credentials))
        assert general_settings(system, headers)["display_name"] == display_name


# --- documentation, health, tracing ---------------------------------------------------

def test_openapi_document_describes_the_staff_api(system):
    response = system.http.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    for tab in TABS:  # one path per tab, each with its own schema
        tab_path = spec["paths"][f"/api/v1/staff/settings/{tab}"]
        assert {"get", "patch"} <= set(tab_path)
        body = tab_path["patch"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{tab.capitalize()}Settings"}
    assert "/api/v1/staff/settings/{tab}" not in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/staff/sessions"]
    schemas = spec["components"]["schemas"]
    assert {"GeneralSettings", "BillingSettings", "ServicesSettings", "TicketsSettings",
            "AlertsSettings", "Error"} <= set(schemas)
    assert "display_name" in schemas["GeneralSettings"]["properties"]
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "cookie"}


def test_healthz_reports_every_service_ok(system):
    response = system.http.get("/healthz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {"accounts", "billing", "tickets", "notifications"}
    assert all(service["ok"] for service in body["services"].values())


def test_request_id_is_echoed_back(system):
    response = system.http.get("/healthz", headers={"X-Request-Id": "echo-me-42"})

    assert response.headers["X-Request-Id"] == "echo-me-42"


def test_request_id_reaches_the_services_logs(system, staff):
    _, headers = staff

    response = system.http.patch("/api/v1/staff/settings/general", json={"display_name": "Traced"},
                                 headers={**headers, "X-Request-Id": "test-req-123"})
    assert response.status_code == 200

    def traced_update():
        lines = (json.loads(line) for line in system.services["accounts"].log().splitlines()
                 if line.startswith("{"))
        return [line for line in lines
                if line.get("request_id") == "test-req-123" and "update_settings" in line["message"]]

    wait_for(traced_update, timeout=5, message="accounts to log update_settings with the request id")


def test_sign_in_form_posted_from_another_site_is_refused(system, tenant):
    _, credentials = tenant
    response = system.http.post("/staff/sign-in", data=credentials,
                                headers={"Origin": "https://evil.example"},
                                environ_base={"REMOTE_ADDR": "198.51.100.77"})
    assert response.status_code == 403
    assert "portico_staff" not in response.headers.get("Set-Cookie", "")
