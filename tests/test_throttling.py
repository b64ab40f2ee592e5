"""Throttling through the gateway, against the running services (docs/security.md, "Throttling").

Each bucket takes 5 failures (or, for code sends, 5 requests) and refuses the next with 429 and Retry-After,
a right password included, until its window ends. The services run with the default window (15 minutes);
a test ends the windows in accounts' database, as ``expire_secrets`` ages codes, rather than wait: on a
busy machine five sign-ins can outlast a window of seconds. Windows that end by the clock are checked
in-process (services/accounts/tests/test_throttle_store.py). Buckets of staff and of each business's
clients are apart, and the caller's address is read through as many proxies as the gateway trusts.
"""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, update

from accounts.models import ThrottleCounter
from gateway.app import create_app
from tests.portal_helpers import (CLIENT_PASSWORD, bearer, change_general_settings, email_change_code, login_code,
                                  new_address, new_email, portal_api, registered_client, reset_token)

# The counters' SQL differs between the backends: the sign-in tests run on both, the rest on the embedded default.
pytestmark = pytest.mark.backends("sqlite", both=("test_staff_sign_in_locks_after_five_failures_then_lifts",
                                                  "test_client_sign_in_locks_after_five_failures_then_lifts",
                                                  "test_guesses_sent_at_once_through_two_gateways_get_five_tries"))

STAFF_SESSIONS = "/api/v1/staff/sessions"
WRONG_ANSWERS = ["Rex", "Oak Lane"]
RIGHT_ANSWERS = ["Biscuit", "Elm Row"]


def end_the_windows(system):
    """Let every throttling window end now, as if its 15 minutes had passed."""
    engine = create_engine(system.databases.urls["accounts"])
    try:
        with engine.begin() as connection:
            connection.execute(update(ThrottleCounter).values(expires_at=time.time() - 1))
    finally:
        engine.dispose()


def post(system, path, body, token=None, address=None, app=None):
    client = app.test_client() if app else system.http
    return client.post(path, json=body, headers=bearer(token) if token else {},
                       environ_base=address or new_address())


def assert_refused(response, field):
    """A 429 that says how long to wait, in the header and in a message naming the field at fault."""
    assert response.status_code == 429, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["message"].startswith("Too many attempts. Wait ")
    assert error["fields"] == {field: [error["message"]]}
    assert 800 < int(response.headers["Retry-After"]) <= 900
    assert "Wait 15 minutes" in error["message"] or "Wait 14 minutes" in error["message"]


def new_business(system):
    tenant, owner = system.new_tenant()
    return tenant, owner


def test_staff_sign_in_locks_after_five_failures_then_lifts(system):
    _, owner = new_business(system)
    wrong = {**owner, "password": "not the password at all"}
    assert [post(system, STAFF_SESSIONS, wrong).status_code for _ in range(5)] == [401] * 5

    assert_refused(post(system, STAFF_SESSIONS, owner), "password")  # the right password, refused

    page = system.http.post("/staff/sign-in", data=owner, environ_base=new_address())
    assert page.status_code == 429 and "Too many attempts. Wait" in page.get_data(as_text=True)
    assert 800 < int(page.headers["Retry-After"]) <= 900
    end_the_windows(system)
    assert post(system, STAFF_SESSIONS, owner).status_code == 201


def test_client_sign_in_locks_after_five_failures_then_lifts(system):
    tenant, _ = new_business(system)
    client, _ = registered_client(system, tenant)
    path = f"{portal_api(tenant)}/sessions"
    wrong = {"login": client["email"], "password": "not the password at all"}
    assert [post(system, path, wrong).status_code for _ in range(5)] == [401] * 5

    assert_refused(post(system, path, {"login": client["email"], "password": CLIENT_PASSWORD}), "password")

    page = system.http.post(f"/p/{tenant['slug']}/sign-in", data={"login": client["email"], "password": "x"},
                            environ_base=new_address())
    assert page.status_code == 429 and "Too many attempts. Wait" in page.get_data(as_text=True)
    assert "Retry-After" in page.headers
    end_the_windows(system)
    assert post(system, path, {"login": client["email"], "password": CLIENT_PASSWORD}).status_code == 201


def test_code_checks_lock_after_five_wrong_codes_then_lift(system):
    tenant, _ = new_business(system)
    client, session = registered_client(system, tenant)
    api, user_id = portal_api(tenant), session["portal_user"]["id"]
    attempt = post(system, f"{api}/login-codes", {"login": client["email"]}).get_json()["attempt"]
    code = login_code(system, user_id)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    verify = f"{api}/login-codes/verify"
    assert [post(system, verify, {"attempt": attempt, "code": wrong}).status_code for _ in range(5)] == [401] * 5

    assert_refused(post(system, verify, {"attempt": attempt, "code": code}), "code")

    end_the_windows(system)  # five wrong guesses spent that code: a new one works once the lock lifts
    attempt = post(system, f"{api}/login-codes", {"login": client["email"]}).get_json()["attempt"]
    assert post(system, verify, {"attempt": attempt, "code": login_code(system, user_id)}).status_code == 201


def test_code_sends_stop_after_five_for_one_login(system):
    tenant, _ = new_business(system)
    client, _ = registered_client(system, tenant)
    path = f"{portal_api(tenant)}/login-codes"
    assert [post(system, path, {"login": client["email"]}).status_code for _ in range(5)] == [202] * 5

    assert_refused(post(system, path, {"login": client["email"]}), "login")

    end_the_windows(system)
    assert post(system, path, {"login": client["email"]}).status_code == 202


def test_email_change_codes_are_capped_and_their_checks_lock(system):
    tenant, _ = new_business(system)
    _, session = registered_client(system, tenant)
    api, token, user_id = portal_api(tenant), session["token"], session["portal_user"]["id"]
    new = new_email()
    assert post(system, f"{api}/account/email-change", {"new_email": new}, token).status_code == 202
    code = email_change_code(system, user_id)
    confirm = f"{api}/account/email-change/confirm"
    wrong = {"code": f"{(int(code) + 1) % 10 ** 6:06d}"}
    assert [post(system, confirm, wrong, token).status_code for _ in range(5)] == [400] * 5
    assert_refused(post(system, confirm, {"code": code}, token), "code")
    sends = [post(system, f"{api}/account/email-change", {"new_email": new}, token).status_code for _ in range(4)]
    assert sends == [202] * 4

    assert_refused(post(system, f"{api}/account/email-change", {"new_email": new}, token), "new_email")

    end_the_windows(system)
    assert post(system, f"{api}/account/email-change", {"new_email": new}, token).status_code == 202
    confirmed = post(system, confirm, {"code": email_change_code(system, user_id)}, token)
    assert confirmed.status_code == 200 and confirmed.get_json()["email"] == new


def test_security_answers_lock_after_five_wrong_tries_then_lift(system):
    tenant, _ = new_business(system)
    change_general_settings(system, tenant, security_questions_enabled=True)
    client, session = registered_client(system, tenant)
    api = portal_api(tenant)
    questions = [{"question": "First pet's name?", "answer": "Biscuit"},
                 {"question": "Street you grew up on?", "answer": "Elm Row"}]
    saved = system.http.put(f"{api}/account/security-answers", json={"answers": questions},
                            headers=bearer(session["token"]))
    assert saved.status_code == 204
    assert post(system, f"{api}/password-resets", {"login": client["email"]}).status_code == 202
    reset = f"{api}/password-resets/{reset_token(system, client['email'])}"
    wrong = {"password": "seven brisk otters paddle home", "answers": WRONG_ANSWERS}
    assert [post(system, reset, wrong).status_code for _ in range(5)] == [400] * 5

    assert_refused(post(system, reset, {**wrong, "answers": RIGHT_ANSWERS}), "answers")

    end_the_windows(system)
    assert post(system, reset, {**wrong, "answers": RIGHT_ANSWERS}).status_code == 201


def test_one_business_s_clients_lock_out_neither_its_staff_nor_another_business(system):
    tenant, owner = new_business(system)
    other, other_owner = new_business(system)
    client, _ = registered_client(system, tenant)
    other_client, _ = registered_client(system, other)
    office = new_address()
    for number in range(5):  # five wrong client passwords from the office
        failed = post(system, f"{portal_api(tenant)}/sessions",
                      {"login": f"guess{number}@nowhere.example", "password": "wrong"}, address=office)
        assert failed.status_code == 401
    right = {"login": client["email"], "password": CLIENT_PASSWORD}
    assert_refused(post(system, f"{portal_api(tenant)}/sessions", right, address=office), "password")

    assert post(system, STAFF_SESSIONS, owner, address=office).status_code == 201  # its own owner
    assert post(system, STAFF_SESSIONS, other_owner, address=office).status_code == 201  # another's staff
    assert post(system, f"{portal_api(other)}/sessions", {"login": other_client["email"], "password":
                                                           CLIENT_PASSWORD}, address=office).status_code == 201
    assert post(system, f"{portal_api(tenant)}/sessions", right, address=office).status_code == 429  # still locked


def gateway_trusting(system, proxies):
    """Another gateway instance on the same services, trusting ``proxies`` proxies in front of it."""
    return create_app({"TESTING": True, "AMQP_URI": system.vhost.uri(process="gateway"), "RPC_TIMEOUT_SECONDS": 5,
                       "BLOB_STORE_URL": system.blob_store_url, "TRUSTED_PROXIES": proxies})


def behind_proxy(proxy, user):
    return {"REMOTE_ADDR": proxy["REMOTE_ADDR"], "HTTP_X_FORWARDED_FOR": user["REMOTE_ADDR"]}


def fail_five(system, app, tenant, user):
    """Five failed client sign-ins in ``tenant`` as ``user``."""
    for number in range(5):
        failed = post(system, f"{portal_api(tenant)}/sessions",
                      {"login": f"guess{number}@nowhere.example", "password": "wrong"}, address=user, app=app)
        assert failed.status_code == 401


def sign_in_as(system, app, tenant, client, user):
    return post(system, f"{portal_api(tenant)}/sessions", {"login": client["email"], "password": CLIENT_PASSWORD},
                address=user, app=app).status_code


def test_with_one_trusted_proxy_users_behind_it_are_counted_apart(system):
    tenant, _ = new_business(system)
    client, _ = registered_client(system, tenant)
    proxy, one, two = new_address(), new_address(), new_address()
    app = gateway_trusting(system, 1)
    try:
        fail_five(system, app, tenant, behind_proxy(proxy, one))
        assert sign_in_as(system, app, tenant, client, behind_proxy(proxy, two)) == 201
        assert sign_in_as(system, app, tenant, client, behind_proxy(proxy, one)) == 429
    finally:
        app.extensions["rpc"].close()


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(system):
    tenant, _ = new_business(system)
    client, _ = registered_client(system, tenant)
    proxy, one, two = new_address(), new_address(), new_address()
    fail_five(system, system.app, tenant, behind_proxy(proxy, one))
    assert sign_in_as(system, system.app, tenant, client, behind_proxy(proxy, two)) == 429


def test_guesses_sent_at_once_through_two_gateways_get_five_tries(system):
    """Two gateway instances count in one place: together they let five failures through, not five each."""
    _, owner = new_business(system)
    wrong = {**owner, "password": "not the password at all"}
    other = gateway_trusting(system, 0)  # a second gateway instance: the counts are accounts', not a process's
    addresses = [new_address() for _ in range(12)]
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(lambda n: post(system, STAFF_SESSIONS, wrong, address=addresses[n],
                                                   app=(system.app, other)[n % 2]).status_code, range(12)))
    finally:
        other.extensions["rpc"].close()
    assert sorted(answers) == [401] * 5 + [429] * 7
    assert post(system, STAFF_SESSIONS, owner).status_code == 429
