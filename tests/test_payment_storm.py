"""One payment asked for many times at once, through the gateway's HTTP API, on every backend.

A client double-tapping Pay or a mobile app retrying sends the same body under one
Idempotency-Key, often at once. Whatever the database - the embedded SQLite of ``make up`` or
PostgreSQL - the processor is asked for one charge and every request ends with the same answer.
A request that arrives while the first is still charging may be told 409 ``request_in_progress``
with a ``Retry-After`` header; asked again after that, it gets the answer. A retry after the
gateway gave up (504) gets the first request's answer too, and while the charge is in flight the
invoice and the history agree (the pending payment is shown), and billing keeps answering others.

Requests go over real HTTP to the gateway, which calls billing's processes over RabbitMQ; the
charges are counted in the sandbox processor's own database.
"""
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from gateway.app import create_app
from portico_testing import free_port
from sandbox_processor.store import charges
from tests.portal_helpers import CLIENT_PASSWORD, new_address, portal_api, registered_client, staff_context

IN_PROGRESS = "request_in_progress"
STORM = 100


def processor_token(system, **details):
    """Tokenise a card at the sandbox processor, as its hosted form does."""
    request = urllib.request.Request(f"{system.processor_url}/v1/tokens", data=json.dumps(details).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        token = json.loads(response.read())
    return {part: token[part] for part in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


class Payer:
    """A signed-in client of a new business with a card on file, calling the portal API over real HTTP."""

    def __init__(self, system, base_url=None):
        self.system, self.base_url = system, base_url or system.base_url
        self.tenant, _ = system.new_tenant(slug=f"storm-{uuid.uuid4().hex[:8]}")
        record, session = registered_client(system, self.tenant)
        self.account_id, self.token = record["id"], session["token"]
        self.email = session["portal_user"]["email"]
        card = processor_token(system, kind="card", number="4242424242424242", exp_month=12,
                               exp_year=date.today().year + 3, cvc="123")
        status, _, method = self.call("POST", "/payment-methods", card)
        assert status == 201, method
        self.method_id = method["id"]

    def call(self, method, path, body=None, key=None, base_url=None, timeout=60):
        """Return (status, headers, JSON answer) of one request."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(f"{base_url or self.base_url}{portal_api(self.tenant)}{path}",
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read())

    def invoice(self, cents):
        return self.system.rpc.call("billing", "create_invoice", {
            "account_id": self.account_id, "due_date": (date.today() + timedelta(days=14)).isoformat(),
            "lines": [{"description": "Lawn mowing", "unit_price": cents}]},
            context=staff_context(self.system, self.tenant))

    def charges(self):
        """What the sandbox processor charged for this business: (its idempotency key, amount) rows."""
        store = self.system.processor_app.extensions["sandbox_store"]
        with store.engine.connect() as connection:
            return connection.execute(select(charges.c.idempotency_key, charges.c.amount).where(
                charges.c.idempotency_key.startswith(f"{self.tenant['id']}:", autoescape=True))).all()


def in_progress(status, headers, answer):
    """True for billing's "still being processed, ask again" answer, which must say when to ask again."""
    if status != 409 or answer["error"]["code"] != IN_PROGRESS:
        return False
    assert 0 < int(headers["Retry-After"]) <= 5, dict(headers)
    return True


def until_answered(payer, key, body, first, tries=40):
    """Follow a 409-in-progress answer as a client would, waiting Retry-After each time; return the answer."""
    status, headers, answer = first
    while in_progress(status, headers, answer):
        tries -= 1
        assert tries > 0, "the key stayed in progress"
        time.sleep(int(headers["Retry-After"]))
        status, headers, answer = payer.call("POST", "/payments", body, key)
    return status, answer


def at_once(calls, workers):
    """Start every call at the same moment from its own thread; return their results in order."""
    barrier = threading.Barrier(workers)

    def one(call):
        barrier.wait(30)
        return call()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, calls))


@pytest.fixture
def slow_processor(system):
    def slow(milliseconds):
        system.processor_app.config["LATENCY_MS"] = milliseconds
    yield slow
    system.processor_app.config["LATENCY_MS"] = 0


@pytest.fixture
def impatient_gateway(system):
    """A second gateway on the System's broker and store that gives up on a call after one second."""
    app = create_app({"TESTING": True, "AMQP_URI": system.vhost.uri(process="gateway"),
                      "RPC_TIMEOUT_SECONDS": 1, "BLOB_STORE_URL": system.blob_store_url})
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["rpc"].close()


@pytest.mark.parametrize("latency_ms", [0, 1_500], ids=["prompt processor", "slow processor"])
def test_a_hundred_requests_with_one_key_make_one_charge_and_get_one_answer(system, slow_processor, latency_ms):
    payer = Payer(system)
    slow_processor(latency_ms)
    invoices = [payer.invoice(2_500), payer.invoice(4_000)]
    body = {"invoice_ids": [invoice["id"] for invoice in invoices], "payment_method_id": payer.method_id}
    key = f"storm-{uuid.uuid4()}"

    started = time.monotonic()
    first = at_once([lambda: payer.call("POST", "/payments", body, key)] * STORM, workers=STORM)
    elapsed = time.monotonic() - started

    # Each request is answered (no 504: billing never stalls), either with the payment or "ask again".
    assert {status for status, _, _ in first} <= {201, 409}, sorted({(s, a.get("error", {}).get("message"))
                                                                      for s, _, a in first if s != 201})
    finals = at_once([lambda response=response: until_answered(payer, key, body, response) for response in first],
                     workers=STORM)  # each told to ask again does, after Retry-After
    statuses = [status for status, _ in finals]
    assert statuses == [201] * STORM
    answer = finals[0][1]
    assert all(final == answer for _, final in finals)
    assert answer["payment"]["amount"] == 6_500 and answer["payment"]["status"] == "succeeded"
    assert sorted(invoice["status"] for invoice in answer["invoices"]) == ["paid", "paid"]
    assert payer.charges() == [(f"{payer.tenant['id']}:{key}", 6_500)]
    print(f"{system.backend}, {latency_ms} ms: {sum(1 for s, _, _ in first if s == 201)} of {STORM} answered at once, "
          f"the storm took {elapsed:.1f} s")

    # Later, the same key still replays the answer, and the portal reads the payment as settled.
    assert payer.call("POST", "/payments", body, key)[::2] == (201, answer)
    status, _, listed = payer.call("GET", "/invoices?status=all")
    assert status == 200
    assert {(item["balance"], item["status"]) for item in listed["items"]} == {(0, "paid")}
    status, _, history = payer.call("GET", "/billing/history")
    assert [(item["amount"], item["status"]) for item in history["items"]] == [(6_500, "succeeded")]


def test_a_retry_after_a_gateway_timeout_gets_the_first_answer(system, slow_processor, impatient_gateway):
    """The gateway gives up after 1 s while billing waits 7 s for the processor: 504, then the first answer.

    Meanwhile twenty retries with the key are told at once to ask again (billing's workers are
    not held waiting), billing answers other callers, and the invoice and the history agree: the
    payment shows as pending, never "balance 0" with no payment.
    """
    payer = Payer(system)
    invoice = payer.invoice(2_500)
    body = {"invoice_ids": [invoice["id"]], "payment_method_id": payer.method_id}
    key = f"timeout-{uuid.uuid4()}"
    # Under the processor's 10 s timeout, and long enough that even a busy machine answers every retry meanwhile.
    slow_processor(7_000)

    status, _, timed_out = payer.call("POST", "/payments", body, key, base_url=impatient_gateway)
    assert status == 504, timed_out
    started = time.monotonic()
    calls = [lambda: payer.call("POST", "/payments", body, key)] * 20
    calls.append(lambda: system.rpc.call("billing", "ping", timeout=2))
    *during, ping = at_once([lambda call=call: (call(), time.monotonic() - started) for call in calls], 21)
    assert ping[0]["database"] and ping[1] < 2  # billing answers others meanwhile
    assert all(in_progress(*response) for response, _ in during), [(s, a) for (s, _, a), _ in during]
    assert max(elapsed for _, elapsed in during) < 5  # told at once, not held until the charge ends (7 s)
    status, _, listed = payer.call("GET", "/invoices?status=all")
    assert [(item["balance"], item["paid"], item["status"]) for item in listed["items"]] == [(0, 2_500, "open")]
    status, _, history = payer.call("GET", "/billing/history")
    assert [(entry["amount"], entry["status"]) for entry in history["items"]] == [(2_500, "pending")]

    status, answer = until_answered(payer, key, body, payer.call("POST", "/payments", body, key))
    assert status == 201, answer
    assert (answer["payment"]["amount"], answer["payment"]["status"]) == (2_500, "succeeded")
    # Each request told to ask again, asking again now, gets that answer.
    again = at_once([lambda: payer.call("POST", "/payments", body, key)] * len(during), workers=len(during))
    assert [(status, answer_again) for status, _, answer_again in again] == [(201, answer)] * len(during)
    assert payer.charges() == [(f"{payer.tenant['id']}:{key}", 2_500)]
    status, _, history = payer.call("GET", "/billing/history")
    assert [(entry["amount"], entry["status"]) for entry in history["items"]] == [(2_500, "succeeded")]


def signed_in_pages(system, tenant, email):
    """A test client of its own signed in to the business's pages; return it and its CSRF token."""
    pages = system.app.test_client()
    response = pages.post(f"/p/{tenant['slug']}/sign-in", data={"login": email, "password": CLIENT_PASSWORD},
                          environ_base=new_address())
    assert response.status_code == 303
    html = pages.get(f"/p/{tenant['slug']}/account").get_data(as_text=True)
    return pages, re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_pay_page_sent_twice_says_the_payment_is_processing_then_shows_it(system, slow_processor):
    """A double submission of the pay form: the second is told the payment is being processed, with a
    form that sends the same thing again; sent once the first is done, it shows the payment, charged once."""
    payer = Payer(system)
    invoice = payer.invoice(3_100)
    email = payer.email
    form = {"idempotency_key": str(uuid.uuid4()), "invoice_ids": str(invoice["id"]), "method": str(payer.method_id)}
    first_tab, first_csrf = signed_in_pages(system, payer.tenant, email)
    second_tab, second_csrf = signed_in_pages(system, payer.tenant, email)
    path = f"/p/{payer.tenant['slug']}/billing/pay"
    slow_processor(2_000)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(first_tab.post, path, data={**form, "csrf_token": first_csrf})
        time.sleep(0.5)
        second = second_tab.post(path, data={**form, "csrf_token": second_csrf})
        html = second.get_data(as_text=True)
        assert second.status_code == 409 and second.headers["Retry-After"] == "1", html
        assert "Your payment is being processed" in html and "Check again" in html
        assert first.result(30).status_code == 200

    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert again["idempotency_key"] == form["idempotency_key"] and again["csrf_token"] == second_csrf
    shown = second_tab.post(path, data=again)
    assert shown.status_code == 200 and "$31.00" in shown.get_data(as_text=True)
    assert payer.charges() == [(f"{payer.tenant['id']}:{form['idempotency_key']}", 3_100)]
