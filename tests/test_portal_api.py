"""The client portal through the gateway, against the running services: sign-in, sessions, the Account tab,
isolation between clients and businesses, and the server-rendered portal pages."""
import re

import pytest

from portico_testing import images
from tests.portal_helpers import (CLIENT_PASSWORD, accept, as_staff, bearer, change_general_settings,
                                  create_client, email_change_code, events_count, expire_secrets, invite,
                                  latest_event, login_code, new_address, new_email, portal_api, registered_client,
                                  reset_token, set_logo, sign_in)

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL. What SQLite does differently here (times
# handed back without a zone, time windows counted in SQL, JSON columns) is checked by the in-process tests of
# services/accounts/tests, as are the rules of invitations and codes that need no HTTP.
pytestmark = pytest.mark.backends("postgresql")

NEW_PASSWORD = "seven brisk otters paddle home"
NOT_CORRECT = "That code is not correct."
NO_LONGER_USABLE = "This code can no longer be used. Ask for a new one."


@pytest.fixture
def business(system):
    """A new business (tenant) of its own."""
    tenant, _ = system.new_tenant()
    return tenant


def get(system, tenant, path, token=None):
    return system.http.get(portal_api(tenant) + path, headers=bearer(token) if token else {})


def send(system, method, tenant, path, body=None, token=None, **options):
    return system.http.open(portal_api(tenant) + path, method=method, json=body,
                            headers=bearer(token) if token else {}, **options)


def error_of(response):
    return response.get_json()["error"]


def request_code(system, tenant, login, address=None):
    response = send(system, "POST", tenant, "/login-codes", {"login": login},
                    environ_base=address or new_address())
    assert response.status_code == 202, response.get_json()
    return response.get_json()["attempt"]


def verify(system, tenant, attempt, code):
    return send(system, "POST", tenant, "/login-codes/verify", {"attempt": attempt, "code": code},
                environ_base=new_address())


def other_code(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def my_account(system, tenant, token):
    response = get(system, tenant, "/account", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# --- invitations ------------------------------------------------------------------------------

def test_accepting_an_invitation_signs_in_and_the_token_reads_me(system, business):
    client = create_client(system, business, name="Casey Client")
    token = invite(system, business, client)

    check = get(system, business, f"/invitations/{token}")
    assert check.status_code == 200
    assert check.get_json() == {"email": client["email"], "name": "Casey Client", "needs_username": False,
                                "min_password_length": 12}

    response = accept(system, business, token)
    assert response.status_code == 201
    session = response.get_json()
    assert session["token"] and session["csrf_token"]
    assert session["portal_user"]["email"] == client["email"]
    assert session["account"] == {"id": client["id"], "name": "Casey Client", "rights": "manage"}
    assert session["accounts"] == [session["account"]]

    me = get(system, business, "/me", session["token"])
    assert me.status_code == 200
    assert me.get_json() == {key: session[key] for key in ("portal_user", "account", "accounts")}


def test_an_expired_invitation_is_refused(system, business):
    client = create_client(system, business)
    token = invite(system, business, client)
    expire_secrets(system, latest_event(system, "portal_invitation_issued", token=token)["portal_user_id"])

    assert get(system, business, f"/invitations/{token}").status_code == 404
    assert accept(system, business, token).status_code == 404


# --- password sign-in and sign-out --------------------------------------------------------------

def test_password_sign_in_returns_a_working_session(system, business):
    client, _ = registered_client(system, business)

    response = sign_in(system, business, client["email"].upper())

    assert response.status_code == 201
    session = response.get_json()
    assert session["portal_user"]["email"] == client["email"]
    assert get(system, business, "/me", session["token"]).status_code == 200


def test_signing_out_revokes_the_bearer_token(system, business):
    _, session = registered_client(system, business)

    signed_out = send(system, "DELETE", business, "/sessions/current", token=session["token"])

    assert signed_out.status_code == 204
    me = get(system, business, "/me", session["token"])
    assert me.status_code == 401
    assert error_of(me)["code"] == "unauthenticated"
    assert send(system, "DELETE", business, "/sessions/current", token=session["token"]).status_code == 401


def test_a_request_without_a_session_is_401(system, business):
    for path in ("/me", "/account"):
        response = get(system, business, path)
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthenticated"
    assert get(system, business, "/me", "not-a-real-token").status_code == 401


def test_turning_logins_off_stops_sign_in(system, business):
    client, _ = registered_client(system, business)
    change_general_settings(system, business, enable_logins=False)

    response = sign_in(system, business, client["email"])

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert get(system, business, "").get_json()["enable_logins"] is False


def test_sign_in_is_throttled_after_five_failures_for_one_login(system, business):
    client, _ = registered_client(system, business)
    for _ in range(5):
        assert sign_in(system, business, client["email"], "a wrong guess, again").status_code == 401

    response = sign_in(system, business, client["email"])

    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"


def test_sign_in_is_throttled_after_five_failures_from_one_address(system, business):
    client, _ = registered_client(system, business)
    address = new_address()
    for number in range(5):
        failed = send(system, "POST", business, "/sessions",
                      {"login": f"guess{number}@nowhere.example", "password": "a wrong guess"},
                      environ_base=address)
        assert failed.status_code == 401

    response = send(system, "POST", business, "/sessions", {"login": client["email"], "password": CLIENT_PASSWORD},
                    environ_base=address)

    assert response.status_code == 429
    assert sign_in(system, business, client["email"]).status_code == 201  # from elsewhere it still works


# --- one-time codes ---------------------------------------------------------------------------

def test_a_login_code_signs_in_once(system, business):
    client, session = registered_client(system, business)
    user_id = session["portal_user"]["id"]
    attempt = request_code(system, business, client["email"])
    code = login_code(system, user_id)
    issued = latest_event(system, "login_code_issued", portal_user_id=user_id)
    assert (issued["channel"], issued["to"]) == ("email", client["email"])

    response = verify(system, business, attempt, code)

    assert response.status_code == 201
    assert response.get_json()["portal_user"]["id"] == user_id
    reused = verify(system, business, attempt, code)
    assert reused.status_code == 401
    assert error_of(reused)["message"] == NO_LONGER_USABLE


def test_an_expired_code_is_refused(system, business):
    client, session = registered_client(system, business)
    attempt = request_code(system, business, client["email"])
    code = login_code(system, session["portal_user"]["id"])
    expire_secrets(system, session["portal_user"]["id"])

    response = verify(system, business, attempt, code)

    assert response.status_code == 401
    assert error_of(response)["message"] == NO_LONGER_USABLE


# --- answers that must not reveal whether a login exists ----------------------------------------

def test_unknown_and_known_logins_get_identical_answers(system, business):
    client, _ = registered_client(system, business)
    unknown = "nobody-here@nowhere.example"

    wrong_password = sign_in(system, business, client["email"], "not the password at all")
    unknown_login = sign_in(system, business, unknown, "not the password at all")
    assert wrong_password.status_code == unknown_login.status_code == 401
    assert wrong_password.get_json() == unknown_login.get_json()

    known_code = send(system, "POST", business, "/login-codes", {"login": client["email"]}, environ_base=new_address())
    unknown_code = send(system, "POST", business, "/login-codes", {"login": unknown}, environ_base=new_address())
    assert known_code.status_code == unknown_code.status_code == 202
    known_attempt, unknown_attempt = known_code.get_json(), unknown_code.get_json()
    assert set(known_attempt) == set(unknown_attempt) == {"attempt"}
    assert len(known_attempt["attempt"]) == len(unknown_attempt["attempt"])
    unknown_verify = verify(system, business, unknown_attempt["attempt"], "123456")
    assert unknown_verify.status_code == 401

    known_reset = send(system, "POST", business, "/password-resets", {"login": client["email"]},
                       environ_base=new_address())
    unknown_reset = send(system, "POST", business, "/password-resets", {"login": unknown},
                         environ_base=new_address())
    assert known_reset.status_code == unknown_reset.status_code == 202
    assert known_reset.get_json() == unknown_reset.get_json() == {}


# --- password reset -----------------------------------------------------------------------------

def test_a_reset_link_sets_a_new_password_once(system, business):
    client, _ = registered_client(system, business)
    assert send(system, "POST", business, "/password-resets", {"login": client["email"]},
                environ_base=new_address()).status_code == 202
    token = reset_token(system, client["email"])

    assert get(system, business, f"/password-resets/{token}").get_json() == {"security_questions": []}
    response = send(system, "POST", business, f"/password-resets/{token}", {"password": NEW_PASSWORD})

    assert response.status_code == 201
    assert response.get_json()["portal_user"]["email"] == client["email"]
    assert sign_in(system, business, client["email"], NEW_PASSWORD).status_code == 201
    assert sign_in(system, business, client["email"]).status_code == 401
    assert get(system, business, f"/password-resets/{token}").status_code == 404


def test_security_questions_guard_the_reset_when_the_business_enables_them(system, business):
    change_general_settings(system, business, security_questions_enabled=True)
    client, session = registered_client(system, business)
    answers = [{"question": "First pet's name?", "answer": "Biscuit"},
               {"question": "Street you grew up on?", "answer": "Elm Row"}]
    saved = send(system, "PUT", business, "/account/security-answers", {"answers": answers}, session["token"])
    assert saved.status_code == 204
    assert my_account(system, business, session["token"])["security_questions"] == [
        "First pet's name?", "Street you grew up on?"]
    send(system, "POST", business, "/password-resets", {"login": client["email"]}, environ_base=new_address())
    token = reset_token(system, client["email"])
    assert get(system, business, f"/password-resets/{token}").get_json() == {
        "security_questions": ["First pet's name?", "Street you grew up on?"]}

    wrong = send(system, "POST", business, f"/password-resets/{token}",
                 {"password": NEW_PASSWORD, "answers": ["Rex", "Elm Row"]})
    assert wrong.status_code == 400
    assert sign_in(system, business, client["email"]).status_code == 201  # the old password still works

    right = send(system, "POST", business, f"/password-resets/{token}",
                 {"password": NEW_PASSWORD, "answers": ["Biscuit", "Elm Row"]})
    assert right.status_code == 201


# --- related properties: switching accounts -----------------------------------------------------

def test_a_client_switches_between_linked_properties(system, business):
    main = create_client(system, business, name="Pat Main")
    cottage = as_staff(system, business, "create_client", {"name": "Lake Cottage", "parent_id": main["id"],
                                                           "mobile_phone": "+1 555 010 0111"})
    response = accept(system, business, invite(system, business, main))
    session = response.get_json()
    assert {account["id"] for account in session["accounts"]} == {main["id"], cottage["id"]}
    assert session["account"]["id"] == main["id"]

    switched = send(system, "PUT", business, "/session/account", {"account_id": cottage["id"]}, session["token"])

    assert switched.status_code == 200
    assert switched.get_json()["account"]["id"] == cottage["id"]
    assert get(system, business, "/me", session["token"]).get_json()["account"]["name"] == "Lake Cottage"
    assert my_account(system, business, session["token"])["mobile_phone"] == "+15550100111"


def test_switching_to_an_account_that_is_not_linked_is_404(system, business):
    _, session = registered_client(system, business)
    neighbour = create_client(system, business, name="Nell Neighbour")
    other_business, _ = system.new_tenant()
    stranger = create_client(system, other_business, name="Sam Stranger")

    for account_id in (neighbour["id"], stranger["id"], 987654):
        response = send(system, "PUT", business, "/session/account", {"account_id": account_id}, session["token"])
        assert response.status_code == 404, account_id
        assert error_of(response)["code"] == "not_found"
    assert get(system, business, "/me", session["token"]).get_json()["account"] == session["account"]


# --- isolation between businesses ---------------------------------------------------------------

def test_a_client_of_one_business_cannot_sign_in_at_another(system, business):
    client, _ = registered_client(system, business)
    other_business, _ = system.new_tenant()

    response = sign_in(system, other_business, client["email"])
    unknown = sign_in(system, other_business, "nobody-here@nowhere.example")

    assert response.status_code == 401
    assert response.get_json() == unknown.get_json()


def test_a_session_of_one_business_is_refused_by_another(system, business):
    _, session = registered_client(system, business)
    other_business, _ = system.new_tenant()
    token = session["token"]

    for method, path, body in (("GET", "/me", None), ("GET", "/account", None),
                               ("PATCH", "/account", {"phone": "+1 555 010 0123"}),
                               ("PUT", "/session/account", {"account_id": session["account"]["id"]}),
                               ("POST", "/account/email-change", {"new_email": new_email()}),
                               ("DELETE", "/sessions/current", None)):
        response = send(system, method, other_business, path, body, token)
        assert response.status_code == 401, (method, path)
    assert get(system, business, "/me", token).status_code == 200  # and nothing there ended it


def test_links_and_codes_of_one_business_do_not_work_at_another(system, business):
    client, session = registered_client(system, business)
    invited = create_client(system, business)
    invitation = invite(system, business, invited)
    send(system, "POST", business, "/password-resets", {"login": client["email"]}, environ_base=new_address())
    reset = reset_token(system, client["email"])
    attempt = request_code(system, business, client["email"])
    code = login_code(system, session["portal_user"]["id"])
    other_business, _ = system.new_tenant()

    assert get(system, other_business, f"/invitations/{invitation}").status_code == 404
    assert accept(system, other_business, invitation).status_code == 404
    assert get(system, other_business, f"/password-resets/{reset}").status_code == 404
    assert send(system, "POST", other_business, f"/password-resets/{reset}",
                {"password": NEW_PASSWORD}).status_code == 404
    assert verify(system, other_business, attempt, code).status_code == 401

    assert get(system, business, f"/invitations/{invitation}").status_code == 200
    assert get(system, business, f"/password-resets/{reset}").status_code == 200
    assert verify(system, business, attempt, code).status_code == 201


def test_custom_fields_of_another_business_or_hidden_from_clients_are_404(system, business):
    as_staff(system, business, "create_custom_field", {"key": "gate_code", "label": "Gate code", "type": "text"})
    as_staff(system, business, "create_custom_field", {"key": "staff_notes", "label": "Notes", "type": "text"})
    change_general_settings(system, business, custom_fields_visible=["gate_code"])
    other_business, _ = system.new_tenant()
    as_staff(system, other_business, "create_custom_field", {"key": "pool_size", "label": "Pool", "type": "text"})
    change_general_settings(system, other_business, custom_fields_visible=["pool_size"])
    _, session = registered_client(system, business)
    before = my_account(system, business, session["token"])
    assert [field["key"] for field in before["custom_fields"]] == ["gate_code"]

    for key in ("pool_size", "staff_notes", "no_such_field"):
        response = send(system, "PATCH", business, "/account", {"custom_fields": {key: "x"}}, session["token"])
        assert response.status_code == 404, key
    assert my_account(system, business, session["token"]) == before


def test_unknown_business_is_404(system):
    response = system.http.post("/api/v1/portal/no-such-business/sessions",
                                json={"login": "a@b.example", "password": "whatever you like"})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    page = system.http.get("/p/no-such-business/sign-in")
    assert page.status_code == 404
    assert "text/html" in page.content_type


# --- the Account tab ------------------------------------------------------------------------------

def test_the_account_tab_reads_and_changes_details_and_custom_fields(system, business):
    for field in ({"key": "gate_code", "label": "Gate code", "type": "text"},
                  {"key": "lawn_size", "label": "Lawn size (m²)", "type": "number"},
                  {"key": "moved_in", "label": "Moved in", "type": "date"},
                  {"key": "dog", "label": "Dog on site", "type": "choice", "choices": ["Yes", "No"]}):
        as_staff(system, business, "create_custom_field", field)
    change_general_settings(system, business, custom_fields_visible=["gate_code", "lawn_size", "moved_in", "dog"])
    client, session = registered_client(system, business)
    mine = my_account(system, business, session["token"])
    assert mine["email"] == client["email"]
    assert sorted((field["key"], field["type"], field["value"]) for field in mine["custom_fields"]) == [
        ("dog", "choice", None), ("gate_code", "text", None), ("lawn_size", "number", None),
        ("moved_in", "date", None)]

    changes = {"phone": "+1 555 010 0142", "mobile_phone": "+1 555 010 0143",
               "custom_fields": {"gate_code": "4512", "lawn_size": 250, "moved_in": "2024-05-01", "dog": "Yes"}}
    response = send(system, "PATCH", business, "/account", changes, session["token"])

    assert response.status_code == 200
    changed = my_account(system, business, session["token"])
    assert response.get_json() == changed
    assert (changed["phone"], changed["mobile_phone"]) == ("+1 555 010 0142", "+15550100143")  # mobile: E.164
    values = {field["key"]: field["value"] for field in changed["custom_fields"]}
    assert values["gate_code"] == "4512" and values["moved_in"] == "2024-05-01" and values["dog"] == "Yes"
    assert float(values["lawn_size"]) == 250


@pytest.mark.parametrize("changes, field", [
    ({"phone": 5550100}, "phone"),
    ({"phone": "+1 " + "5" * 40}, "phone"),
    ({"mobile_phone": "555 010 0199"}, "mobile_phone"),
    ({"favourite_colour": "green"}, "favourite_colour"),
    ({"custom_fields": {"lawn_size": "a lot"}}, "custom_fields"),
    ({"custom_fields": {"lawn_size": [1, 2]}}, "custom_fields"),
    ({"custom_fields": {"moved_in": "31/02/2024"}}, "custom_fields"),
    ({"custom_fields": "lawn_size=3"}, "custom_fields"),
], ids=["phone not text", "phone too long", "mobile without country code", "unknown field",
        "number field given words", "list value", "not a date", "custom fields not an object"])
def test_invalid_account_changes_are_refused_and_change_nothing(system, business, changes, field):
    for custom in ({"key": "lawn_size", "label": "Lawn size", "type": "number"},
                   {"key": "moved_in", "label": "Moved in", "type": "date"}):
        as_staff(system, business, "create_custom_field", custom)
    change_general_settings(system, business, custom_fields_visible=["lawn_size", "moved_in"])
    _, session = registered_client(system, business)
    before = my_account(system, business, session["token"])

    response = send(system, "PATCH", business, "/account", {"mobile_phone": "+1 555 010 0999", **changes},
                    session["token"])

    assert response.status_code == 400
    fields = error_of(response)["fields"]
    # accounts names a custom field's problem by its bare key; "custom_fields.<key>" would also do.
    named = {field, *changes.get("custom_fields", {})} if isinstance(changes.get("custom_fields"), dict) else {field}
    assert fields and all(key.split(".")[0] in named for key in fields), fields
    assert my_account(system, business, session["token"]) == before


def test_changing_the_password_needs_the_current_one(system, business):
    client, session = registered_client(system, business)

    wrong = send(system, "POST", business, "/account/password",
                 {"current_password": "not my password", "new_password": NEW_PASSWORD}, session["token"])
    assert wrong.status_code == 400
    assert "current_password" in error_of(wrong)["fields"]
    short = send(system, "POST", business, "/account/password",
                 {"current_password": CLIENT_PASSWORD, "new_password": "short"}, session["token"])
    assert short.status_code == 400
    assert "new_password" in error_of(short)["fields"]

    changed = send(system, "POST", business, "/account/password",
                   {"current_password": CLIENT_PASSWORD, "new_password": NEW_PASSWORD}, session["token"])

    assert changed.status_code == 204
    assert sign_in(system, business, client["email"]).status_code == 401
    assert sign_in(system, business, client["email"], NEW_PASSWORD).status_code == 201


def test_changing_the_email_takes_effect_once_the_code_sent_to_it_is_confirmed(system, business):
    client, session = registered_client(system, business)
    token, user_id = session["token"], session["portal_user"]["id"]
    address = new_email()

    assert send(system, "POST", business, "/account/email-change", {"new_email": address}, token).status_code == 202
    issued = latest_event(system, "email_change_code_issued", portal_user_id=user_id)
    assert issued["to"] == address
    assert my_account(system, business, token)["email"] == client["email"]
    code = email_change_code(system, user_id)
    wrong = send(system, "POST", business, "/account/email-change/confirm", {"code": other_code(code)}, token)
    assert wrong.status_code in (400, 401) and my_account(system, business, token)["email"] == client["email"]

    confirmed = send(system, "POST", business, "/account/email-change/confirm", {"code": code}, token)

    assert confirmed.status_code == 200
    assert confirmed.get_json() == {"email": address}
    assert my_account(system, business, token)["email"] == address
    assert sign_in(system, business, address).status_code == 201


# --- bad input ------------------------------------------------------------------------------------

SIGNED_OUT_BAD_INPUT = [
    ("POST", "/sessions", {}, {"login", "password"}),
    ("POST", "/sessions", {"login": 42, "password": ["secret"]}, {"login", "password"}),
    ("POST", "/sessions", {"login": "a" * 255 + "@x.example", "password": "x"}, {"login"}),
    ("POST", "/sessions", {"login": "a@b.example", "password": "x", "remember_me": True}, {"remember_me"}),
    ("POST", "/login-codes", {"login": None}, {"login"}),
    ("POST", "/login-codes/verify", {"attempt": "abc", "code": "12ab56"}, {"code"}),
    ("POST", "/login-codes/verify", {"attempt": "abc", "code": 123456}, {"code"}),
    ("POST", "/password-resets", {"login": "a@b.example", "channel": "sms"}, {"channel"}),
    ("POST", "/invitations/some-token", {"password": 123456789012345}, {"password"}),
    ("POST", "/invitations/some-token", {"password": "long enough password", "username": "u" * 41}, {"username"}),
    ("POST", "/password-resets/some-token", {"password": "long enough password", "answers": "Biscuit"}, {"answers"}),
]


@pytest.mark.parametrize("method, path, body, fields", SIGNED_OUT_BAD_INPUT,
                         ids=[f"{method} {path} {sorted(fields)}" for method, path, _, fields in SIGNED_OUT_BAD_INPUT])
def test_bad_sign_in_input_is_refused_with_field_messages(system, business, method, path, body, fields):
    response = send(system, method, business, path, body, environ_base=new_address())

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == fields
    assert all(error["fields"][field] for field in fields)


SIGNED_IN_BAD_INPUT = [
    ("PUT", "/session/account", {"account_id": "12"}, {"account_id"}),
    ("PUT", "/session/account", {}, {"account_id"}),
    ("POST", "/account/email-change", {"new_email": "not-an-email"}, {"new_email"}),
    ("POST", "/account/email-change", {"new_email": "a" * 250 + "@x.example"}, {"new_email"}),
    ("POST", "/account/email-change/confirm", {"code": "12345"}, {"code"}),
    ("POST", "/account/password", {"current_password": CLIENT_PASSWORD}, {"new_password"}),
    ("PUT", "/account/security-answers", {"answers": [{"question": "Pet?"}]}, {"answers"}),
    ("PATCH", "/account", {"username": ""}, {"username"}),
]


@pytest.mark.parametrize("method, path, body, fields", SIGNED_IN_BAD_INPUT,
                         ids=[f"{method} {path} {sorted(fields)}" for method, path, _, fields in SIGNED_IN_BAD_INPUT])
def test_bad_account_input_is_refused_with_field_messages_and_changes_nothing(system, business, method, path,
                                                                              body, fields):
    client, session = registered_client(system, business)
    before = (get(system, business, "/me", session["token"]).get_json(), my_account(system, business, session["token"]))
    emails_before = events_count(system, "email_change_code_issued")

    response = send(system, method, business, path, body, session["token"])

    assert response.status_code == 400
    error = error_of(response)
    assert {key.split(".")[0] for key in error["fields"]} == fields
    assert (get(system, business, "/me", session["token"]).get_json(),
            my_account(system, business, session["token"])) == before
    assert events_count(system, "email_change_code_issued") == emails_before
    assert sign_in(system, business, client["email"]).status_code == 201


def test_a_body_that_is_not_json_is_refused(system, business):
    response = system.http.post(f"{portal_api(business)}/sessions", data="login=a@b.example&password=x",
                                content_type="application/x-www-form-urlencoded", environ_base=new_address())

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"_schema": ["Send a JSON object with Content-Type: application/json."]}


def test_the_openapi_document_describes_every_sign_in_and_account_route(system):
    spec = system.http.get("/api/v1/openapi.json").get_json()
    expected = {
        "/api/v1/portal/{slug}": {"get"},
        "/api/v1/portal/{slug}/sessions": {"post"},
        "/api/v1/portal/{slug}/sessions/current": {"delete"},
        "/api/v1/portal/{slug}/login-codes": {"post"},
        "/api/v1/portal/{slug}/login-codes/verify": {"post"},
        "/api/v1/portal/{slug}/invitations/{token}": {"get", "post"},
        "/api/v1/portal/{slug}/password-resets": {"post"},
        "/api/v1/portal/{slug}/password-resets/{token}": {"get", "post"},
        "/api/v1/portal/{slug}/me": {"get"},
        "/api/v1/portal/{slug}/session/account": {"put"},
        "/api/v1/portal/{slug}/account": {"get", "patch"},
        "/api/v1/portal/{slug}/account/password": {"post"},
        "/api/v1/portal/{slug}/account/email-change": {"post"},
        "/api/v1/portal/{slug}/account/email-change/confirm": {"post"},
        "/api/v1/portal/{slug}/account/security-answers": {"put"},
    }
    documented = {path: set(item) - {"parameters"} for path, item in spec["paths"].items()}
    assert {path: documented.get(path) for path in expected} == expected
    assert "requestBody" in spec["paths"]["/api/v1/portal/{slug}/sessions"]["post"]
    assert "security" not in spec["paths"]["/api/v1/portal/{slug}/sessions"]["post"]
    assert "security" in spec["paths"]["/api/v1/portal/{slug}/me"]["get"]


# --- the portal pages -------------------------------------------------------------------------------

@pytest.fixture
def browser(system):
    """A test client of its own, so its cookies stay with it."""
    return system.app.test_client()


def page_path(tenant, path=""):
    return f"/p/{tenant['slug']}/{path}"


def form_post(client, tenant, path, data, **options):
    return client.post(page_path(tenant, path), data=data, environ_base=new_address(), **options)


def set_cookie_header(response, name):
    return next(header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{name}="))


def csrf_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_sign_in_page_offers_what_the_business_enabled(system, browser, business):
    html = browser.get(page_path(business, "sign-in")).get_data(as_text=True)
    assert '<label for="field-login">Email</label>' in html
    assert "Email me a code instead" in html and "Forgot password?" in html

    change_general_settings(system, business, use_usernames=True, login_methods=["password"])
    html = browser.get(page_path(business, "sign-in")).get_data(as_text=True)
    assert '<label for="field-login">Email or username</label>' in html
    assert "Email me a code instead" not in html

    change_general_settings(system, business, enable_logins=False)
    response = browser.get(page_path(business, "sign-in"))
    html = response.get_data(as_text=True)
    assert "Signing in to this portal is turned off." in html
    assert "<form" not in html.split("<main", 1)[1]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_signing_in_by_form_sets_a_cookie_for_this_business_only(system, browser, business):
    client, _ = registered_client(system, business, name="Robin Client")

    wrong = form_post(browser, business, "sign-in", {"login": client["email"], "password": "not it at all"})
    assert wrong.status_code == 401
    assert "The email or password is not correct." in wrong.get_data(as_text=True)

    response = form_post(browser, business, "sign-in", {"login": client["email"], "password": CLIENT_PASSWORD})

    assert response.status_code == 303
    assert response.headers["Location"] == page_path(business)
    cookie = set_cookie_header(response, f"__Host-portico_client_{business['slug']}")  # one cookie per business
    for part in ("Path=/;", "Secure", "HttpOnly", "SameSite=Lax"):
        assert part in cookie, part
    home = browser.get(page_path(business))
    html = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "Your account" in html and "Robin Client" in html
    assert re.search(r'<select id="account-switcher"[^>]* disabled', html)
    assert browser.get(f"/p/{system.new_tenant()[0]['slug']}/").status_code == 303  # no cookie there


def test_a_session_cookie_of_one_business_is_refused_by_anothers_pages(system, browser, business):
    _, session = registered_client(system, business)
    other_business, _ = system.new_tenant()
    browser.set_cookie(f"__Host-portico_client_{other_business['slug']}", session["token"])

    response = browser.get(page_path(other_business, "account"))

    assert response.status_code == 303
    assert response.headers["Location"].startswith(page_path(other_business, "sign-in?"))
    assert set_cookie_header(response, f"__Host-portico_client_{other_business['slug']}").startswith(
        f"__Host-portico_client_{other_business['slug']}=;")
    assert get(system, business, "/me", session["token"]).status_code == 200


def test_a_page_form_without_its_csrf_token_changes_nothing(system, browser, business):
    client, _ = registered_client(system, business)
    form_post(browser, business, "sign-in", {"login": client["email"], "password": CLIENT_PASSWORD})
    html = browser.get(page_path(business, "account")).get_data(as_text=True)

    forged = form_post(browser, business, "account", {"phone": "+1 555 010 0666"})
    assert forged.status_code == 403
    saved = form_post(browser, business, "account", {"phone": "+1 555 010 0777", "csrf_token": csrf_of(html)})
    assert saved.status_code == 303
    assert "+1 555 010 0777" in browser.get(page_path(business, "account")).get_data(as_text=True)


def test_signing_out_by_form_ends_the_session(system, browser, business):
    client, _ = registered_client(system, business)
    form_post(browser, business, "sign-in", {"login": client["email"], "password": CLIENT_PASSWORD})
    html = browser.get(page_path(business)).get_data(as_text=True)

    response = form_post(browser, business, "sign-out", {"csrf_token": csrf_of(html)})

    assert response.status_code == 303
    assert response.headers["Location"] == page_path(business, "sign-in?signed_out=1")
    assert browser.get(page_path(business)).status_code == 303


def test_code_sign_in_pages_bind_the_code_to_this_browser(system, browser, business):
    client, session = registered_client(system, business)

    asked = form_post(browser, business, "sign-in/code", {"login": client["email"]})

    assert asked.status_code == 303
    cookie = set_cookie_header(asked, f"__Host-portico_code_attempt_{business['slug']}")
    assert "Path=/;" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "Max-Age=600" in cookie
    form = browser.get(page_path(business, "sign-in/code/enter")).get_data(as_text=True)
    assert 'inputmode="numeric"' in form and 'autocomplete="one-time-code"' in form
    code = login_code(system, session["portal_user"]["id"])
    elsewhere = system.app.test_client()
    assert form_post(elsewhere, business, "sign-in/code/enter", {"code": code}).status_code == 401

    wrong = form_post(browser, business, "sign-in/code/enter", {"code": other_code(code)})
    assert wrong.status_code == 401 and NOT_CORRECT in wrong.get_data(as_text=True)
    signed_in = form_post(browser, business, "sign-in/code/enter", {"code": code})

    assert signed_in.status_code == 303
    assert set_cookie_header(signed_in, f"__Host-portico_client_{business['slug']}")
    assert browser.get(page_path(business)).status_code == 200


def test_the_invitation_page_sets_the_password_and_lands_home(system, browser, business):
    client = create_client(system, business, name="Ivy Invitee")
    token = invite(system, business, client)

    html = browser.get(page_path(business, f"invitation/{token}")).get_data(as_text=True)
    assert "Ivy Invitee" in html and client["email"] in html and "At least 12 characters" in html
    short = form_post(browser, business, f"invitation/{token}", {"password": "short"})
    assert short.status_code == 400 and 'aria-invalid="true"' in short.get_data(as_text=True)

    response = form_post(browser, business, f"invitation/{token}", {"password": CLIENT_PASSWORD})

    assert response.status_code == 303 and response.headers["Location"] == page_path(business)
    assert "Ivy Invitee" in browser.get(page_path(business)).get_data(as_text=True)
    used = browser.get(page_path(business, f"invitation/{token}"))
    assert used.status_code == 404 and "no longer valid" in used.get_data(as_text=True)


def test_the_home_page_switches_between_linked_properties(system, browser, business):
    main = create_client(system, business, name="Pat Main")
    cottage = as_staff(system, business, "create_client", {"name": "Lake Cottage", "parent_id": main["id"]})
    accept(system, business, invite(system, business, main))
    form_post(browser, business, "sign-in", {"login": main["email"], "password": CLIENT_PASSWORD})
    html = browser.get(page_path(business)).get_data(as_text=True)
    assert not re.search(r'<select id="account-switcher"[^>]* disabled', html)

    switched = form_post(browser, business, "switch", {"account_id": str(cottage["id"]), "csrf_token": csrf_of(html)})

    assert switched.status_code == 303
    assert "You are viewing <strong>Lake Cottage</strong>" in browser.get(page_path(business)).get_data(as_text=True)
    stranger = create_client(system, business, name="Nell Neighbour")
    refused = form_post(browser, business, "switch", {"account_id": str(stranger["id"]), "csrf_token": csrf_of(html)})
    assert refused.status_code == 404


def test_the_logo_is_served_with_caching_headers(system, browser, business):
    assert browser.get(page_path(business, "logo")).status_code == 404
    set_logo(system, business, images.image("PNG", size=(1, 1)))

    response = browser.get(page_path(business, "logo"))

    assert response.status_code == 200
    assert response.content_type == "image/png"
    assert "max-age" in response.headers["Cache-Control"] and response.headers["ETag"]
    again = browser.get(page_path(business, "logo"), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    html = browser.get(page_path(business, "sign-in")).get_data(as_text=True)
    assert f'src="{page_path(business, "logo")}"' in html


def signed_in_browser(system, browser, business, client):
    response = form_post(browser, business, "sign-in", {"login": client["email"], "password": CLIENT_PASSWORD})
    assert response.status_code == 303
    return csrf_of(browser.get(page_path(business, "account")).get_data(as_text=True))


def test_the_account_page_shows_field_errors_and_changes_nothing(system, browser, business):
    as_staff(system, business, "create_custom_field", {"key": "lawn_size", "label": "Lawn size", "type": "number"})
    change_general_settings(system, business, custom_fields_visible=["lawn_size"])
    client, session = registered_client(system, business)
    csrf_token = signed_in_browser(system, browser, business, client)

    refused = form_post(browser, business, "account", {"phone": "+1 555 010 0101", "custom_fields.lawn_size": "a lot",
                                                       "csrf_token": csrf_token})

    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Lawn size: Enter a number" in html and 'aria-invalid="true"' in html
    assert my_account(system, business, session["token"])["phone"] is None
    saved = form_post(browser, business, "account", {"phone": "+1 555 010 0101", "custom_fields.lawn_size": "250",
                                                     "csrf_token": csrf_token})
    assert saved.status_code == 303
    mine = my_account(system, business, session["token"])
    assert mine["phone"] == "+1 555 010 0101" and float(mine["custom_fields"][0]["value"]) == 250


def test_the_email_change_pages_send_and_confirm_a_code(system, browser, business):
    client, session = registered_client(system, business)
    csrf_token = signed_in_browser(system, browser, business, client)
    address = new_email()

    sent = form_post(browser, business, "account/email", {"new_email": address, "csrf_token": csrf_token})
    assert sent.status_code == 303
    html = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Confirm new email" in html
    code = email_change_code(system, session["portal_user"]["id"])
    confirmed = form_post(browser, business, "account/email/confirm", {"code": code, "csrf_token": csrf_token})

    assert confirmed.status_code == 303
    assert address in browser.get(confirmed.headers["Location"]).get_data(as_text=True)
    bad = form_post(browser, business, "account/email", {"new_email": "not an email", "csrf_token": csrf_token})
    assert bad.status_code == 400 and "New email address: Not a valid email address." in bad.get_data(as_text=True)


def test_the_reset_pages_ask_the_security_questions_and_sign_in(system, browser, business):
    change_general_settings(system, business, security_questions_enabled=True)
    client, session = registered_client(system, business)
    send(system, "PUT", business, "/account/security-answers", {"answers": [
        {"question": "First pet's name?", "answer": "Biscuit"},
        {"question": "Street you grew up on?", "answer": "Elm Row"}]}, session["token"])

    asked = form_post(browser, business, "reset", {"login": client["email"]})
    assert asked.status_code == 200 and "Check your email" in asked.get_data(as_text=True)
    token = reset_token(system, client["email"])
    html = browser.get(page_path(business, f"reset/{token}")).get_data(as_text=True)
    assert "First pet&#39;s name?" in html and "Street you grew up on?" in html
    wrong = form_post(browser, business, f"reset/{token}", {"password": NEW_PASSWORD, "answer_1": "Rex",
                                                           "answer_2": "Elm Row"})
    assert wrong.status_code == 400

    right = form_post(browser, business, f"reset/{token}", {"password": NEW_PASSWORD, "answer_1": "biscuit",
                                                           "answer_2": "Elm Row"})

    assert right.status_code == 303 and right.headers["Location"] == page_path(business)
    assert browser.get(page_path(business)).status_code == 200
