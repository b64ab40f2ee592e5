"""No card or bank account number is kept anywhere Portico writes: databases, logs, queues, mail.

Marked ``after_all``, so tests/conftest.py runs it after every other test of the session: it scans
what they left behind in the same ``system`` (both backends), and in the Systems of
tests/test_billing_faults.py (one per backend) that ran in this process. Each test card and account number the tests use is looked
for as its digits run together or grouped with spaces or dashes ("4242 4242 4242 4242").

Where it looks:
- every file under the System's directory, as bytes: the SQLite databases with their WAL
  files (so deleted rows not yet overwritten count too), every service log, the sandbox
  processor's own database (the provider's, not Portico's, but it must not keep numbers either);
- every table of every service database, row by row as text (PostgreSQL: ``row::text``, which
  covers number columns that a byte scan of a SQLite file could miss);
- every message waiting in the System's vhost, fetched without an ack and returned by closing
  the channel (dead letters, retry tiers, unconsumed events), headers included;
- the mail the session's SMTP server received and no test took;
- what this pytest process logged (the in-process gateway and sandbox), captured from import on.
"""
import io
import json
import logging
import re
import subprocess
import uuid
from pathlib import Path

import pika
import pytest
from sqlalchemy import create_engine, inspect, text

# Under pytest-xdist these run in each lane's process, after all else there (tests/conftest.py).
pytestmark = [pytest.mark.lane("sqlite", "postgresql"), pytest.mark.after_all]

NUMBERS = ("4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119",
           "5555555555554444", "000123456789", "000111111113", "000111111116")
# Each digit, then at most one space or dash before the next: "4242 4242 4242 4242", "4242-4242-...".
PATTERN = "|".join("(?<![0-9])" + "[ -]?".join(number) + "(?![0-9])" for number in NUMBERS)
TEXT = re.compile(PATTERN)
BYTES = re.compile(PATTERN.encode())
REGISTRY = "portico_fault_systems"  # where tests/test_billing_faults.py leaves its Systems


class _Captured(logging.Handler):
    """Everything this process logs from collection on (the gateway runs in-process under test)."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.buffer = io.StringIO()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        try:
            self.buffer.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - a log line that cannot be formatted has nothing to leak
            pass


PROCESS_LOG = _Captured()
logging.getLogger().addHandler(PROCESS_LOG)


def find_numbers(value):
    """The test numbers found in ``value`` (text or bytes)."""
    if isinstance(value, bytes):
        return sorted({match.decode() for match in BYTES.findall(value)})
    return sorted(set(TEXT.findall(value)))


def test_the_patterns_find_numbers_in_every_form():
    assert find_numbers("card 4242 4242 4242 4242 ok") == ["4242 4242 4242 4242"]
    assert find_numbers(b'{"n": "5555-5555-5555-4444"}') == ["5555-5555-5555-4444"]
    assert find_numbers("acct=000123456789;") == ["000123456789"]
    assert find_numbers("4000000000000119") == ["4000000000000119"]
    assert find_numbers("last4 4242, token tok_4242424242, id 14242424242424242") == []


# --- where to look ----------------------------------------------------------------------------------

def scan_files(directory):
    found = {}
    for path in sorted(Path(directory).rglob("*")):
        if path.is_file():
            hits = find_numbers(path.read_bytes())
            if hits:
                found[f"file {path.relative_to(directory)}"] = hits
    return found


def scan_database(name, url):
    """Every row of every table, as text."""
    found = {}
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            assert tables, f"no tables in the {name} database"
            for table in tables:
                if engine.dialect.name == "postgresql":
                    rows = connection.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
                else:
                    rows = (json.dumps(list(row), default=str)
                            for row in connection.execute(text(f'SELECT * FROM "{table}"')))
                hits = sorted({hit for row in rows for hit in find_numbers(row)})
                if hits:
                    found[f"database {name}, table {table}"] = hits
    finally:
        engine.dispose()
    return found


def vhost_queues(vhost):
    listing = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers",
                              "name", "messages"], capture_output=True, text=True, timeout=60, check=True,
                             start_new_session=True).stdout
    return [(name, int(count)) for name, count in (line.rsplit(None, 1) for line in listing.splitlines()
                                                   if line.strip())]


def scan_queues(system):
    """Peek at every waiting message: get without ack, then close the channel to requeue them."""
    found, peeked = {}, 0
    connection = pika.BlockingConnection(pika.URLParameters(system.amqp_uri.replace("pyamqp://", "amqp://", 1)))
    try:
        for queue, count in vhost_queues(system.vhost.name):
            if not count:
                continue
            channel = connection.channel()
            try:
                while True:
                    method, properties, body = channel.basic_get(queue, auto_ack=False)
                    if method is None:
                        break
                    peeked += 1
                    hits = find_numbers(body) + find_numbers(json.dumps(properties.headers or {}, default=str))
                    if hits:
                        found[f"queue {queue}"] = sorted(set(found.get(f"queue {queue}", [])) | set(hits))
            except pika.exceptions.ChannelClosedByBroker:
                continue  # an exclusive reply queue of a live client: not ours to read
            finally:
                if channel.is_open:
                    channel.close()  # returns every unacknowledged message to its queue
    finally:
        connection.close()
    return found, peeked


def scan_mail(system):
    found = {}
    if system.mail is not None:
        for index, mail in enumerate(list(system.mail.received)):
            hits = find_numbers(mail.message.as_bytes())
            if hits:
                found[f"mail {index} to {mail.envelope_to}"] = hits
    return found


def scan_system(system):
    found = scan_files(system.tmp_path)
    for name, service in system.services.items():
        hits = find_numbers(service.log())
        if hits:
            found[f"log of {name}"] = hits
    for name, url in system.databases.urls.items():
        found.update(scan_database(name, url))
    found.update(scan_database("sandbox processor", system.processor_app.config["DATABASE_URL"]))
    queued, peeked = scan_queues(system)
    found.update(queued)
    found.update(scan_mail(system))
    return found, peeked


# --- the checks ------------------------------------------------------------------------------------

def test_the_scans_find_a_planted_number(tmp_path):
    """A number in a log file, in an integer column of a SQLite file and in a JSON column is found."""
    (tmp_path / "service.log").write_text('{"message": "card 4242-4242-4242-4242 refused"}\n')
    url = f"sqlite:///{tmp_path}/planted.db"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, doc JSON)"))
        connection.execute(text("INSERT INTO t (n, doc) VALUES (5555555555554444, '{\"a\": \"000123456789\"}')"))
    engine.dispose()
    assert scan_files(tmp_path)["file service.log"] == ["4242-4242-4242-4242"]
    assert scan_database("planted", url) == {"database planted, table t": ["000123456789", "5555555555554444"]}


def plant_message(system, queue):
    connection = pika.BlockingConnection(pika.URLParameters(system.amqp_uri.replace("pyamqp://", "amqp://", 1)))
    try:
        channel = connection.channel()
        channel.queue_declare(queue, auto_delete=False)
        channel.basic_publish("", queue, json.dumps({"number": "4000 0000 0000 0002"}))
    finally:
        connection.close()


def drop_queue(system, queue):
    connection = pika.BlockingConnection(pika.URLParameters(system.amqp_uri.replace("pyamqp://", "amqp://", 1)))
    try:
        return connection.channel().queue_delete(queue).method.message_count
    finally:
        connection.close()


def test_no_card_or_account_number_is_kept_by_the_system(system):
    # First show the queue scan works here: it finds a planted message and leaves it in place.
    control = f"zz-scan-control-{uuid.uuid4().hex[:8]}"
    plant_message(system, control)
    try:
        found, peeked = scan_queues(system)
        assert found.get(f"queue {control}") == ["4000 0000 0000 0002"] and peeked >= 1
    finally:
        assert drop_queue(system, control) == 1  # requeued by the scan, not taken
    found, _ = scan_system(system)
    assert found == {}


def test_no_card_or_account_number_is_kept_by_the_billing_fault_system(request):
    systems = getattr(request.config, REGISTRY, [])
    for system in systems:
        found, _ = scan_system(system)
        assert found == {}, system.tmp_path


def test_nothing_this_process_logged_holds_a_number():
    assert find_numbers(PROCESS_LOG.buffer.getvalue()) == []
