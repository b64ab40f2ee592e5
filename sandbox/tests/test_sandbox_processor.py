"""The sandbox processor: tokens, validation, test numbers, idempotent charges, hosted fields."""
import contextlib
import datetime
import http.client
import http.server
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sandbox_processor.app import create_app
from sandbox_processor.instruments import aba_valid, card_brand, luhn_valid
from sandbox_processor.testing import serving

SECRET = "sk_test_unit"
AUTH = {"Authorization": f"Bearer {SECRET}"}
PORTAL = "http://portal.test:8000"
TODAY = datetime.date.today()
NEXT_YEAR = TODAY.year + 1
TEST_CARDS = ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119",
              "5555555555554444"]


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/sandbox.db",
                      "SECRET": SECRET, "ALLOWED_ORIGINS": f"{PORTAL}, http://other.test"})
    yield app
    app.extensions["sandbox_store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def card(number="4242424242424242", **overrides):
    return {"number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123", **overrides}


def bank(account="000123456789", routing="110000000", **overrides):
    return {"routing_number": routing, "account_number": account, "account_holder": "Ada Client",
            **overrides}


def token_for(client, details):
    response = client.post("/v1/tokens", json=details)
    assert response.status_code == 201, response.json
    return response.json["token"]


def charge(client, token, key="key-1", amount=1250, currency="usd", headers=None, **extra):
    return client.post("/v1/charges", headers={**AUTH, **(headers or {})},
                       json={"token": token, "amount": amount, "currency": currency,
                             "idempotency_key": key, **extra})


# --- rules --------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", TEST_CARDS + ["378282246310005", "6011111111111117"])
def test_every_documented_card_passes_luhn(number):
    assert luhn_valid(number)


def test_brands_and_checksums():
    assert [card_brand(n) for n in ("4242424242424242", "5555555555554444", "2223003122003222",
                                    "378282246310005", "6011111111111117", "3566002020360505",
                                    "9999999999999995")] == \
        ["visa", "mastercard", "mastercard", "amex", "discover", "jcb", "unknown"]
    assert aba_valid("110000000") and aba_valid("021000021") and not aba_valid("110000001")


# --- tokens -------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, brand", [("4242 4242 4242 4242", "visa"),
                                           ("5555-5555-5555-4444", "mastercard"),
                                           ("378282246310005", "amex")])
def test_card_token_carries_only_kind_brand_last4_and_expiry(client, number, brand):
    response = client.post("/v1/tokens", json=card(number, exp_year=NEXT_YEAR % 100, name="Ada"))
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"token", "kind", "brand", "last4", "exp_month", "exp_year"}
    assert re.fullmatch(r"tok_[0-9a-f]{24}", body["token"])
    assert (body["kind"], body["brand"], body["last4"], body["exp_month"], body["exp_year"]) == \
        ("card", brand, number[-4:], 12, NEXT_YEAR)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_plain_form_post_also_makes_a_token(client):
    response = client.post("/v1/tokens", data={"kind": "card", "number": "4242424242424242",
                                                "exp": f"07 / {NEXT_YEAR % 100}", "cvc": "1234"})
    assert response.status_code == 201
    assert (response.json["exp_month"], response.json["exp_year"]) == (7, NEXT_YEAR)


def test_bank_token(client):
    response = client.post("/v1/tokens", json=bank())
    assert response.status_code == 201
    assert {k: v for k, v in response.json.items() if k != "token"} == {
        "kind": "ach", "brand": "bank", "last4": "6789", "exp_month": None, "exp_year": None}


def _last_month():
    return (TODAY.year - 1, 12) if TODAY.month == 1 else (TODAY.year, TODAY.month - 1)


@pytest.mark.parametrize("changes, fields", [
    ({"number": "4242424242424241"}, {"number"}),
    ({"number": "4242 4242"}, {"number"}),
    ({"number": "4242424242424242424242"}, {"number"}),
    ({"number": "4242-abcd-4242-4242"}, {"number"}),
    ({"number": ""}, {"number"}),
    ({"exp_month": 13}, {"exp_month"}),
    ({"exp_month": "x"}, {"exp_month"}),
    ({"exp_year": TODAY.year - 1}, {"exp_year"}),
    ({"exp_month": _last_month()[1], "exp_year": _last_month()[0]},
     {"exp_month"} if _last_month()[0] == TODAY.year else {"exp_year"}),
    ({"exp_year": TODAY.year + 60}, {"exp_year"}),
    ({"cvc": "12"}, {"cvc"}),
    ({"cvc": "12345"}, {"cvc"}),
    ({"cvc": None}, {"cvc"}),
    ({"number": "1234", "exp_month": 0, "exp_year": 2001, "cvc": "x"},
     {"number", "exp_month", "exp_year", "cvc"}),
])
def test_invalid_card_details_get_one_clear_message_per_field(client, changes, fields):
    response = client.post("/v1/tokens", json=card(**changes))
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid_request" and error["message"]
    assert set(error["fields"]) == fields
    assert all(messages and all(isinstance(m, str) and m for m in messages)
               for messages in error["fields"].values())
    assert "4242424242424241" not in response.get_data(as_text=True)


def test_a_card_expiring_this_month_is_still_valid(client):
    response = client.post("/v1/tokens", json=card(exp_month=TODAY.month, exp_year=TODAY.year))
    assert response.status_code == 201


@pytest.mark.parametrize("changes, field", [
    ({"routing_number": "110000001"}, "routing_number"),
    ({"routing_number": "11000000"}, "routing_number"),
    ({"account_number": "123"}, "account_number"),
    ({"account_number": "1" * 18}, "account_number"),
    ({"account_holder": "  "}, "account_holder"),
])
def test_invalid_bank_details(client, changes, field):
    response = client.post("/v1/tokens", json=bank(**changes))
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {field}


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.post("/v1/tokens", data="[1]", content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request"


# --- charges ------------------------------------------------------------------------------------

@pytest.mark.parametrize("details, status, message", [
    (card("4242424242424242"), "succeeded", "The charge succeeded."),
    (card("5555555555554444"), "succeeded", "The charge succeeded."),
    (card("4111111111111111"), "succeeded", "The charge succeeded."),
    (card("4000000000000002"), "declined", "Your card was declined."),
    (card("4000000000009995"), "insufficient_funds", "Your card has insufficient funds."),
    (card("4000000000000119"), "failed",
     "An error occurred while processing your card. Try again in a little bit."),
    (bank("000123456789"), "succeeded", "The charge succeeded."),
    (bank("000111111113"), "insufficient_funds", "The bank account has insufficient funds."),
    (bank("000111111116"), "declined", "The bank declined the debit from this account."),
    (bank("000111111116", routing="021000021"), "succeeded", "The charge succeeded."),
])
def test_each_test_number_behaves_as_documented(client, details, status, message):
    response = charge(client, token_for(client, details), amount=4200)
    assert response.status_code == 201
    body = response.json
    assert (body["status"], body["message"], body["amount"], body["currency"]) == \
        (status, message, 4200, "usd")
    assert re.fullmatch(r"ch_[0-9a-f]{24}", body["id"])


def test_the_same_idempotency_key_answers_the_first_charge_again(app, client):
    token = token_for(client, card())
    first = charge(client, token, key="order-7")
    again = charge(client, token, key="order-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert app.extensions["sandbox_store"].count_charges() == 1
    assert charge(client, token, key="order-8").json["id"] != first.json["id"]


def test_a_key_reused_with_other_parameters_is_refused(client):
    token = token_for(client, card())
    charge(client, token, key="k", amount=100)
    response = charge(client, token, key="k", amount=200)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "idempotency_key_reused"


def test_a_charge_can_be_found_by_its_idempotency_key(client):
    made = charge(client, token_for(client, card("4000000000000002")), key="lost-answer").json
    found = client.get("/v1/charges?idempotency_key=lost-answer", headers=AUTH)
    assert found.status_code == 200 and found.json == made
    missing = client.get("/v1/charges?idempotency_key=never-made", headers=AUTH)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "no_such_charge"
    assert client.get("/v1/charges", headers=AUTH).status_code == 400


@pytest.mark.parametrize("amount", [10.5, 10.0, "10", "10.00", 0, -5, True, None, 100_000_000])
def test_amounts_must_be_positive_whole_minor_units(client, amount):
    response = charge(client, token_for(client, card()), amount=amount)
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"amount"}


def test_a_form_encoded_charge_reads_the_amount_as_an_integer(client):
    token = token_for(client, card())
    response = client.post("/v1/charges", headers=AUTH, data={
        "token": token, "amount": "995", "currency": "USD", "idempotency_key": "form-1"})
    assert response.status_code == 201 and response.json["amount"] == 995


@pytest.mark.parametrize("changes, field", [({"idempotency_key": None}, "idempotency_key"),
                                            ({"idempotency_key": "x" * 256}, "idempotency_key"),
                                            ({"currency": "dollars"}, "currency"),
                                            ({"token": ""}, "token")])
def test_charge_parameters_are_validated(client, changes, field):
    payload = {"token": "tok_x", "amount": 100, "currency": "usd", "idempotency_key": "k",
               **changes}
    response = client.post("/v1/charges", headers=AUTH, json=payload)
    assert response.status_code == 400 and field in response.json["error"]["fields"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {SECRET}", SECRET])
def test_server_to_server_calls_need_the_secret(client, header):
    token = token_for(client, card())  # tokens come from browsers: no secret
    headers = {"Authorization": header} if header else {}
    for response in (client.post("/v1/charges", headers=headers, json={"token": token}),
                     client.get("/v1/charges?idempotency_key=k", headers=headers),
                     client.delete(f"/v1/tokens/{token}", headers=headers)):
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthenticated"


def test_unknown_and_detached_tokens_cannot_be_charged(client):
    assert charge(client, "tok_unknown").status_code == 404
    token = token_for(client, card())
    first = charge(client, token, key="before-detach")
    assert client.delete(f"/v1/tokens/{token}", headers=AUTH).status_code == 204
    assert client.delete(f"/v1/tokens/{token}", headers=AUTH).status_code == 204
    assert client.delete("/v1/tokens/tok_unknown", headers=AUTH).status_code == 404
    after = charge(client, token, key="after-detach")
    assert after.status_code == 404 and after.json["error"]["code"] == "no_such_token"
    assert charge(client, token, key="before-detach").json == first.json


def test_latency_is_configurable_per_request(client):
    token = token_for(client, card())
    began = time.monotonic()
    assert charge(client, token, headers={"X-Sandbox-Latency-Ms": "250"}).status_code == 201
    assert time.monotonic() - began >= 0.25
    bad = charge(client, token, key="k2", headers={"X-Sandbox-Latency-Ms": "soon"})
    assert bad.status_code == 400


# --- hosted fields ------------------------------------------------------------------------------

def test_card_form_is_accessible_self_contained_and_frameable_only_by_allowed_origins(client):
    response = client.get(f"/elements/card?parent_origin={PORTAL}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors http://portal.test:8000 http://other.test" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "X-Frame-Options" not in response.headers
    for field, autocomplete in (("number", "cc-number"), ("exp", "cc-exp"), ("cvc", "cc-csc")):
        tag = re.search(rf'<input id="{field}"[^>]*>', html, re.S).group(0)
        assert f'autocomplete="{autocomplete}"' in tag and 'inputmode="numeric"' in tag
        assert 'aria-describedby="' in tag and f'{field}-error' in tag
        assert f'<label for="{field}">' in html
    assert 'name="viewport"' in html and 'lang="en"' in html
    assert f'data-parent-origin="{PORTAL}"' in html
    assert 'method="post"' in html  # never a GET that would put a number in a URL
    _assert_no_inline_code_or_external_assets(html)


def test_bank_form(client):
    response = client.get(f"/elements/bank?parent_origin={PORTAL}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-kind="ach"' in html
    for field in ("account_holder", "routing_number", "account_number"):
        assert f'<label for="{field}">' in html and f'id="{field}-error"' in html
    _assert_no_inline_code_or_external_assets(html)


@pytest.mark.parametrize("query", ["", "?parent_origin=https://evil.test",
                                   "?parent_origin=http://portal.test:8000.evil.test"])
def test_forms_refuse_a_parent_that_is_not_allowed(client, query):
    response = client.get(f"/elements/card{query}")
    assert response.status_code == 400
    assert "hosted-form" not in response.get_data(as_text=True)


def test_the_script_posts_the_token_only_to_the_allowed_parent(client):
    response = client.get("/elements/static/elements.js")
    script = response.get_data(as_text=True)
    assert response.status_code == 200 and "javascript" in response.content_type
    assert 'type: "sandbox-token"' in script
    assert re.findall(r"postMessage\(([^)]*)\)", script) == ["message, parentOrigin"]
    assert client.get("/elements/static/elements.css").status_code == 200


def _assert_no_inline_code_or_external_assets(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert " style=" not in html and "<style" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "external asset"


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok", "mode": "test"}


# --- over real HTTP -----------------------------------------------------------------------------

def _post(base, path, payload, headers=None):
    request = urllib.request.Request(
        base + path, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_twenty_concurrent_requests_with_one_key_charge_once(app):
    with serving(app) as base:
        _, token = _post(base, "/v1/tokens", card())
        payload = {"token": token["token"], "amount": 5000, "currency": "usd",
                   "idempotency_key": "double-click"}
        answers = []
        start = threading.Barrier(20)

        def pay():
            start.wait()
            answers.append(_post(base, "/v1/charges", payload,
                                 {**AUTH, "X-Sandbox-Latency-Ms": "100"}))

        threads = [threading.Thread(target=pay) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(answers) == 20
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1
    assert answers[0][1]["status"] == "succeeded"
    assert app.extensions["sandbox_store"].count_charges() == 1


def test_fifty_concurrent_charges_overlap_their_latency(app):
    with serving(app) as base:
        _, token = _post(base, "/v1/tokens", card())
        results = []

        def pay(index):
            results.append(_post(base, "/v1/charges", {
                "token": token["token"], "amount": 100, "currency": "usd",
                "idempotency_key": f"bulk-{index}"}, {**AUTH, "X-Sandbox-Latency-Ms": "400"}))

        began = time.monotonic()
        threads = [threading.Thread(target=pay, args=(i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        elapsed = time.monotonic() - began
    assert [status for status, _ in results] == [201] * 50
    # One after another they would take 20 s.
    assert elapsed < 10, f"50 charges of 0.4 s took {elapsed:.1f} s: they did not overlap"
    assert app.extensions["sandbox_store"].count_charges() == 50


def test_no_card_or_account_number_is_stored_or_logged(app, tmp_path, caplog):
    numbers = TEST_CARDS + ["378282246310005"]
    accounts = ["000123456789", "000111111113", "000111111116"]
    with caplog.at_level(logging.INFO), serving(app) as base:
        for index, number in enumerate(numbers):
            status, token = _post(base, "/v1/tokens", card(number, name="Ada Client"))
            assert status == 201
            _post(base, "/v1/charges", {"token": token["token"], "amount": 100, "currency": "usd",
                                        "idempotency_key": f"card-{index}"}, AUTH)
        for index, account in enumerate(accounts):
            status, token = _post(base, "/v1/tokens", bank(account))
            assert status == 201
            _post(base, "/v1/charges", {"token": token["token"], "amount": 100, "currency": "usd",
                                        "idempotency_key": f"bank-{index}"}, AUTH)
        # A misuse that puts a number in the query string must not reach the log either.
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/v1/tokens?number={numbers[0]}", timeout=5)
    store = app.extensions["sandbox_store"]
    assert store.count_charges() == len(numbers) + len(accounts)
    # Read the database while the WAL is still there, then again after the checkpoint on close.
    files = sorted(tmp_path.glob("sandbox.db*"))
    contents = b"".join(path.read_bytes() for path in files)
    store.close()
    contents += Path(tmp_path / "sandbox.db").read_bytes()
    assert b"4242" in contents  # last 4 are kept, so the file really holds the tokens
    for secret in numbers + accounts + ["Ada Client"]:
        assert secret.encode() not in contents, f"{secret} is in the database"
        assert secret not in caplog.text, f"{secret} is in the log"
    assert "/v1/tokens" in caplog.text  # the request log is there, just without the query


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_python_dash_m_serves_with_its_storage_under_the_var_dir(tmp_path):
    port = _free_port()
    env = {**os.environ, "SANDBOX_PROCESSOR_PORT": str(port), "PORTICO_VAR_DIR": str(tmp_path),
           "SANDBOX_PROCESSOR_DATABASE_URL": "", "SANDBOX_PROCESSOR_SECRET": "sk_test_cli"}
    process = subprocess.Popen([sys.executable, "-m", "sandbox_processor"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.1)
        status, _ = _post(base, "/v1/charges", {}, {"Authorization": "Bearer sk_test_cli"})
        assert status == 400  # authenticated with the secret from the environment
        assert (tmp_path / "sandbox-processor.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=10)[0].decode()
    assert process.returncode == 0, output


# --- in a real browser --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
def test_hosted_card_form_hands_only_the_token_to_the_parent_page(tmp_path):
    # Runs before the tests/ browser suite (see pytest.ini): one sync Playwright per thread at a time.
    from playwright.sync_api import sync_playwright
    parent_port = _free_port()
    parent_origin = f"http://127.0.0.1:{parent_port}"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/browser.db",
                      "ALLOWED_ORIGINS": parent_origin})
    with serving(app) as base, _parent_page(parent_port, base, parent_origin), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(parent_origin)
            frame = page.frame_locator("iframe")
            frame.get_by_label("Card number").fill("4242 4242 4242 4241")
            frame.get_by_role("button", name="Save card").click()
            frame.locator("#number-error").wait_for(state="visible")
            assert "not valid" in frame.locator("#number-error").inner_text()
            assert frame.locator("#exp-error").inner_text() == "Enter the expiry date."
            assert frame.get_by_label("Card number").get_attribute("aria-invalid") == "true"
            assert frame.locator(":focus").get_attribute("id") == "number"

            frame.get_by_label("Card number").fill("4000 0000 0000 9995")
            frame.get_by_label("Expiry date").fill(f"08 / {NEXT_YEAR % 100}")
            frame.get_by_label("Security code").fill("123")
            frame.get_by_role("button", name="Save card").click()
            page.wait_for_function("window.tokens.length > 0", timeout=10_000)
            (message,) = page.evaluate("window.tokens")
            assert set(message) == {"type", "token", "kind", "brand", "last4", "exp_month",
                                    "exp_year"}
            assert (message["kind"], message["brand"], message["last4"], message["exp_month"],
                    message["exp_year"]) == ("card", "visa", "9995", 8, NEXT_YEAR)
            assert frame.get_by_label("Card number").input_value() == ""
            assert "Visa ending in 9995" in frame.locator("#form-status").inner_text()
        finally:
            browser.close()
    client = app.test_client()
    assert charge(client, message["token"]).status_code == 401  # the wrong secret is refused
    paid = client.post("/v1/charges", headers={"Authorization": "Bearer sk_test_portico"},
                       json={"token": message["token"], "amount": 100, "currency": "usd",
                             "idempotency_key": "browser-1"})
    assert paid.json["status"] == "insufficient_funds"


@contextlib.contextmanager
def _parent_page(port, base, parent_origin):
    """Serve a merchant page that frames the card form and records the messages it posts."""
    html = f"""<!doctype html><html lang="en"><title>Checkout</title>
<script>window.tokens = []; addEventListener("message", function (event) {{
  if (event.origin === "{base}" && event.data.type === "sandbox-token") {{
    window.tokens.push(event.data);
  }}
}});</script>
<iframe title="Card details" width="400" height="520"
        src="{base}/elements/card?parent_origin={parent_origin}"></iframe>""".encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_a_connection_is_kept_between_requests_even_after_a_body_the_app_left_unread(app):
    with serving(app) as base:
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=5)
        answers, sockets = [], []
        for _ in range(2):
            # refused before its body is read: the body must not be taken for the next request line
            connection.request("POST", "/v1/charges", body=json.dumps({"amount": 5, "note": "x" * 5000}),
                               headers={"Authorization": "Bearer wrong", "Content-Type": "application/json"})
            answers.append(connection.getresponse())
            answers[-1].read()
            sockets.append(connection.sock)
            connection.request("GET", "/v1/charges?idempotency_key=none", headers=AUTH)
            answers.append(connection.getresponse())
            answers[-1].read()
            sockets.append(connection.sock)
        assert [answer.status for answer in answers] == [401, 404] * 2
        assert not any(answer.will_close for answer in answers)
        assert all(sock is sockets[0] for sock in sockets)  # one connection all along

        connection.putrequest("POST", "/v1/charges")  # a chunked body cannot be read ahead: that one closes
        connection.putheader("Transfer-Encoding", "chunked")
        connection.putheader("Authorization", "Bearer wrong")
        connection.endheaders(b"2\r\n{}\r\n0\r\n\r\n")
        answer = connection.getresponse()
        answer.read()
        assert answer.will_close
        connection.close()
