"""Billing's processor adapter against a real sandbox processor served over HTTP."""
import datetime
import http.server
import json
import socket
import threading
import urllib.request

import pytest

from billing.processor import (ChargeResult, ProcessorError, ProcessorUnavailable, SandboxProcessor,
                               processor_from_env)
from sandbox_processor.app import create_app
from sandbox_processor.testing import serving
from shared.errors import ServiceUnavailable
from portico_testing import free_port, wait_for

SECRET = "sk_test_adapter"
NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture
def sandbox_app(tmp_path):
    app = create_app({"TESTING": True, "SECRET": SECRET,
                      "DATABASE_URL": f"sqlite:///{tmp_path}/sandbox.db"})
    yield app
    app.extensions["sandbox_store"].close()


@pytest.fixture
def sandbox_url(sandbox_app):
    with serving(sandbox_app) as url:
        yield url


@pytest.fixture
def processor(sandbox_url):
    return SandboxProcessor(sandbox_url, SECRET, timeout=5)


def tokenize(sandbox_url, details):
    """Do what the hosted fields do in the browser: trade the details for a token."""
    request = urllib.request.Request(f"{sandbox_url}/v1/tokens", data=json.dumps(details).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())["token"]


def card(number):
    return {"number": number, "exp_month": 1, "exp_year": NEXT_YEAR, "cvc": "123"}


def bank(account):
    return {"routing_number": "110000000", "account_number": account, "account_holder": "Ada"}


@pytest.mark.parametrize("details, status, message", [
    (card("4242424242424242"), "succeeded", "The charge succeeded."),
    (card("4000000000000002"), "declined", "Your card was declined."),
    (card("4000000000009995"), "insufficient_funds", "Your card has insufficient funds."),
    (card("4000000000000119"), "failed",
     "An error occurred while processing your card. Try again in a little bit."),
    (bank("000123456789"), "succeeded", "The charge succeeded."),
    (bank("000111111113"), "insufficient_funds", "The bank account has insufficient funds."),
    (bank("000111111116"), "declined", "The bank declined the debit from this account."),
])
def test_charge_reports_each_outcome(processor, sandbox_url, details, status, message):
    result = processor.charge(tokenize(sandbox_url, details), 1999, "usd", "inv-1", "Invoice 1")
    assert isinstance(result, ChargeResult)
    assert (result.status, result.message, result.succeeded) == (status, message,
                                                                 status == "succeeded")
    assert result.charge_id.startswith("ch_")


def test_one_idempotency_key_charges_once_and_can_be_looked_up(processor, sandbox_url, sandbox_app):
    token = tokenize(sandbox_url, card("4242424242424242"))
    first = processor.charge(token, 500, "usd", "payment-42")
    assert processor.charge(token, 500, "usd", "payment-42") == first
    assert processor.find_charge("payment-42") == first
    assert processor.find_charge("payment-43") is None
    assert sandbox_app.extensions["sandbox_store"].count_charges() == 1


def test_an_interrupted_charge_is_found_afterwards_and_never_repeated(sandbox_url, sandbox_app):
    token = tokenize(sandbox_url, card("4242424242424242"))
    sandbox_app.config["LATENCY_MS"] = 1000
    impatient = SandboxProcessor(sandbox_url, SECRET, timeout=0.2)
    with pytest.raises(ProcessorUnavailable) as raised:
        impatient.charge(token, 700, "usd", "slow-1")
    assert isinstance(raised.value, ServiceUnavailable)
    sandbox_app.config["LATENCY_MS"] = 0
    patient = SandboxProcessor(sandbox_url, SECRET, timeout=5)
    found = wait_for(lambda: patient.find_charge("slow-1"), timeout=5, message="the slow charge")
    assert found.status == "succeeded"
    assert patient.charge(token, 700, "usd", "slow-1") == found
    assert sandbox_app.extensions["sandbox_store"].count_charges() == 1


def test_detach_makes_the_token_unusable(processor, sandbox_url):
    token = tokenize(sandbox_url, card("4242424242424242"))
    processor.detach(token)
    processor.detach(token)
    processor.detach("tok_never_existed")  # already gone: nothing to do
    with pytest.raises(ProcessorError) as raised:
        processor.charge(token, 100, "usd", "after-detach")
    assert (raised.value.code, raised.value.http_status) == ("no_such_token", 404)


def test_refusals_are_errors_not_charge_results(sandbox_url):
    with pytest.raises(ProcessorError) as raised:
        SandboxProcessor(sandbox_url, "sk_test_wrong").charge("tok_x", 100, "usd", "k")
    assert raised.value.http_status == 401 and raised.value.code == "unauthenticated"
    with pytest.raises(ProcessorError) as raised:
        SandboxProcessor(sandbox_url, SECRET).charge("tok_x", 100, "dollars", "k")
    assert raised.value.http_status == 400


@pytest.mark.parametrize("amount", [10.5, 10.0, 0, -1, True, "100"])
def test_amounts_are_checked_before_anything_is_sent(amount):
    nowhere = SandboxProcessor(f"http://127.0.0.1:{free_port()}", SECRET, timeout=1)
    with pytest.raises(ValueError):
        nowhere.charge("tok_x", amount, "usd", "k")


def test_nothing_listening_is_unavailable_not_a_failed_charge():
    nowhere = SandboxProcessor(f"http://127.0.0.1:{free_port()}", SECRET, timeout=1)
    for call in (lambda: nowhere.charge("tok_x", 100, "usd", "k"),
                 lambda: nowhere.find_charge("k"),
                 lambda: nowhere.detach("tok_x")):
        with pytest.raises(ProcessorUnavailable):
            call()


class _FixedAnswer(http.server.BaseHTTPRequestHandler):
    status = 502

    def _answer(self):
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>Not the processor</h1>")

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def impostor():
    """An HTTP server that is not the processor and answers every request with one status."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FixedAnswer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_server_error_leaves_the_outcome_unknown(impostor):
    processor = SandboxProcessor(f"http://127.0.0.1:{impostor.server_port}", SECRET, timeout=2)
    with pytest.raises(ProcessorUnavailable):
        processor.charge("tok_x", 100, "usd", "k")


def test_a_404_that_is_not_the_processors_does_not_mean_no_charge(impostor, monkeypatch):
    monkeypatch.setattr(_FixedAnswer, "status", 404)
    processor = SandboxProcessor(f"http://127.0.0.1:{impostor.server_port}", SECRET, timeout=2)
    with pytest.raises(ProcessorError):
        processor.find_charge("k")


class _KeptAlive(http.server.BaseHTTPRequestHandler):
    """A processor that keeps connections open, and forgets them all (its idle timeout) when told to."""

    protocol_version = "HTTP/1.1"
    requests, connections, open_sockets = [], set(), []

    def setup(self):
        super().setup()
        type(self).open_sockets.append(self.connection)

    def do_POST(self):
        key = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["idempotency_key"]
        type(self).requests.append(key)
        type(self).connections.add(self.client_address)
        body = json.dumps({"id": f"ch_{key}", "status": "succeeded", "message": "The charge succeeded."}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_connections_are_kept_and_one_the_processor_closed_is_replaced_without_a_second_charge():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _KeptAlive)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        processor = SandboxProcessor(f"http://127.0.0.1:{server.server_port}", SECRET, timeout=2)
        assert [processor.charge("tok_x", 100, "usd", key).charge_id for key in ("a", "b")] == ["ch_a", "ch_b"]
        assert len(_KeptAlive.connections) == 1 and len(processor.idle) == 1
        for sock in _KeptAlive.open_sockets:  # the processor drops its idle connections
            sock.shutdown(socket.SHUT_RDWR)
        assert processor.charge("tok_x", 100, "usd", "c").succeeded
        assert _KeptAlive.requests == ["a", "b", "c"] and len(_KeptAlive.connections) == 2
        processor.close()
    finally:
        server.shutdown()
        server.server_close()


def test_processor_from_env(monkeypatch, sandbox_url, sandbox_app):
    monkeypatch.setenv("PAYMENT_PROCESSOR_URL", sandbox_url + "/")
    monkeypatch.setenv("PAYMENT_PROCESSOR_SECRET", SECRET)
    monkeypatch.setenv("PAYMENT_PROCESSOR_TIMEOUT_SECONDS", "3")
    processor = processor_from_env()
    assert (processor.base_url, processor.timeout) == (sandbox_url, 3.0)
    assert processor.find_charge("nothing-yet") is None
    for name in ("PAYMENT_PROCESSOR_URL", "PAYMENT_PROCESSOR_SECRET",
                 "PAYMENT_PROCESSOR_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name)
    default = processor_from_env()
    assert (default.base_url, default.secret) == ("http://127.0.0.1:8100", "sk_test_portico")
