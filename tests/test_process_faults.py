"""Whole processes under fault: a service stopped with calls in flight, a broker link that keeps dropping.

The service is tests/ledger_service.py, run as ``python -m shared.run`` under ``shared.supervisor`` (what
``make up`` runs); its one call records an amount under a key once, so an answer lost, a call run twice
or a key recorded twice all show.
"""
import json
import os
import signal
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select

from portico_testing import ROOT, TcpLink, Vhost, wait_for
from portico_testing.burst import RpcBurst
from shared.heartbeat_files import beat_age
from shared.supervisor import Program, Supervisor
from tests.ledger_service import Base, Entry, Run

# No System of its own backend: it runs in the postgresql lane, the shorter one (tests/conftest.py).
pytestmark = pytest.mark.lane("postgresql")


@pytest.fixture
def vhost():
    vhost = Vhost(prefix="portico-faults").create()
    yield vhost
    vhost.delete()


class Ledger:
    """The ledger service on its own SQLite file under a supervisor, reaching the broker at ``amqp_uri``."""

    def __init__(self, tmp_path, amqp_uri, call_seconds=0.0):
        self.database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
        engine = create_engine(self.database_url)
        Base.metadata.create_all(engine)
        engine.dispose()
        env = {**os.environ, "AMQP_URI": amqp_uri, "LEDGER_DATABASE_URL": self.database_url,
               "PORTICO_VAR_DIR": str(tmp_path), "PORTICO_HEARTBEAT_DIR": str(tmp_path),
               "LEDGER_CALL_SECONDS": str(call_seconds)}
        self.reports = []
        program = Program("ledger", [sys.executable, "-W", "ignore", "-m", "shared.run",
                                     "tests.ledger_service:LedgerService"],
                          env=env, cwd=ROOT, log_path=tmp_path / "ledger.log",
                          ready=lambda started: beat_age("ledger", since=started, folder=tmp_path) is not None)
        self.supervisor = Supervisor([program], report=self.reports.append).start()
        wait_for(lambda: self.supervisor.is_up("ledger"), timeout=30, message="the ledger service to come up")

    def totals(self):
        """(keys recorded, sum of their amounts, times a call ran)."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                entries, total = connection.execute(select(func.count(), func.sum(Entry.amount))).one()
                runs = connection.execute(select(func.count()).select_from(Run)).scalar()
        finally:
            engine.dispose()
        return entries, total, runs


def calls(count):
    return {f"key-{number}": {"key": f"key-{number}", "amount": number} for number in range(count)}


def assert_every_call_answered_once(burst, sent):
    assert len(burst.answers) == len(sent)
    wrong = {key: answer for key, answer in burst.answers.items()
             if answer != {"result": sent[key], "error": None}}
    assert wrong == {}, json.dumps(wrong)[:3000]


def test_a_service_stopped_with_a_thousand_calls_in_flight_answers_every_one(vhost, tmp_path):
    # 20 ms a call, ten at a time: 1,000 calls take about two seconds, so most wait when the stop comes.
    ledger, burst = Ledger(tmp_path, vhost.uri(), call_seconds=0.02), RpcBurst(vhost.uri())
    sent = calls(1_000)
    try:
        burst.send("ledger", "record", sent)
        answered_before = burst.wait(100, timeout=30)
        os.kill(ledger.supervisor.pid("ledger"), signal.SIGTERM)
        assert answered_before < 900, "the calls were answered before the stop: nothing was in flight"
        burst.wait(len(sent), timeout=90)

        assert_every_call_answered_once(burst, sent)
        assert ledger.totals() == (1_000, sum(range(1_000)), 1_000)  # drained: nothing it took ran again
        assert burst.repeats == 0
        assert ledger.reports == ["ledger exited (code 0); restarting it in 0.5 s"]
        assert ledger.supervisor.restarts("ledger") == 1  # the next instance took what was still queued
    finally:
        burst.close()
        ledger.supervisor.stop()


def test_broker_connection_reset_every_few_seconds_loses_nothing_and_records_nothing_twice(vhost, tmp_path):
    link = TcpLink("127.0.0.1", vhost.port)
    ledger = Ledger(tmp_path, vhost.uri(port=link.port))
    burst = RpcBurst(vhost.uri())  # the caller's own link stays up: its reply queue must outlive the resets
    sent, resets, calm = calls(2_000), [], threading.Event()

    def reset_every(seconds, answers):
        """Cut the link every ``seconds``, or sooner once ``answers`` more calls were answered since the last
        cut: however fast the ledger runs, the link drops several times while calls wait."""
        last_cut, last_count = time.monotonic(), 0
        while not calm.wait(0.05):
            if time.monotonic() - last_cut >= seconds or len(burst.answers) - last_count >= answers:
                link.cut()
                link.restore()
                last_cut, last_count = time.monotonic(), len(burst.answers)
                resets.append(last_count)

    resetter = threading.Thread(target=reset_every, args=(2.0, 400), daemon=True)
    try:
        resetter.start()
        burst.send("ledger", "record", sent)
        burst.wait(len(sent), timeout=180)
        calm.set()
        resetter.join(5)

        assert len([answered for answered in resets if answered < len(sent)]) >= 2, \
            f"the link was not reset while calls were waiting ({resets})"
        assert_every_call_answered_once(burst, sent)
        entries, total, runs = ledger.totals()
        assert (entries, total) == (2_000, sum(range(2_000)))
        assert runs >= 2_000
        wait_for(lambda: ledger.supervisor.is_up("ledger"), timeout=30, message="the ledger service to be up")
        assert ledger.supervisor.failure is None
    finally:
        calm.set()
        burst.close()
        ledger.supervisor.stop()
        link.close()
