"""Events across real processes: late consumers, duplicates, dead letters, broker outages, timeouts."""
import json
import subprocess
import sys
import time
import uuid

import pytest
from nameko.standalone.events import get_event_exchange
from sqlalchemy import create_engine, select

from accounts.models import platform as accounts_tables
from gateway.app import create_app
from shared.deadletters import list_dead_letters, replay_dead_letters
from shared.events import TENANT_PROFILE_UPDATED, subscriber_queue
from shared.messaging import broker_connection, envelope, publish_confirmed
from portico_testing import ROOT, ServiceProcess, TcpLink, wait_for
from tests.flaky_service import Base as FlakyBase
from tests.flaky_service import HandledEvent

from .conftest import DEMO_PASSWORD


# --- helpers --------------------------------------------------------------------------

def branding_name(system, tenant_id):
    branding = system.rpc.call("notifications", "get_branding", context=system.visitor_context({"id": tenant_id}))
    return branding["display_name"]


def wait_for_branding(system, tenant_id, display_name, timeout=20):
    wait_for(lambda: branding_name(system, tenant_id) == display_name, timeout=timeout,
             message=f"notifications to show {display_name!r} for tenant {tenant_id}")


def rename(system, tenant, display_name):
    system.rpc.call("accounts", "update_settings", "general", {"display_name": display_name},
                    context=system.context(tenant))


def publish_profile_event(system, tenant, display_name, event_id):
    """Publish a profile event straight to the accounts exchange, as the relay would."""
    body = envelope(TENANT_PROFILE_UPDATED, tenant["id"], {
        "tenant_id": tenant["id"], "slug": tenant["slug"], "display_name": display_name})
    body["event_id"] = event_id
    with broker_connection(system.amqp_uri) as connection:
        publish_confirmed(connection, body, get_event_exchange("accounts", {}),
                          TENANT_PROFILE_UPDATED.name, {"nameko.tenant_id": tenant["id"]},
                          message_id=event_id)


def query(url, statement):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(statement).all()
    finally:
        engine.dispose()


def outbox_rows(system, tenant_id):
    outbox = accounts_tables.outbox
    return query(system.databases.urls["accounts"],
                 select(outbox.c.event_id, outbox.c.sent_at).where(outbox.c.tenant_id == tenant_id)
                 .order_by(outbox.c.id))


def no_call_in_flight(system, service):
    """True when ``service``'s RPC queue holds no message, delivered-but-unanswered ones included."""
    listing = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", system.vhost.name, "name", "messages"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    return [f"rpc-{service}", "0"] in [line.split() for line in listing.splitlines()]


def stays(predicate, seconds, message):
    """Check ``predicate`` holds all along ``seconds`` (the opposite of wait_for)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert predicate(), message
        time.sleep(0.1)


# --- delivery -------------------------------------------------------------------------

def test_event_published_while_its_consumer_is_stopped_is_handled_when_it_starts(system):
    tenant, _ = system.new_tenant(display_name="Before The Break")
    wait_for_branding(system, tenant["id"], "Before The Break")
    system.services["notifications"].stop()
    try:
        rename(system, tenant, "Renamed While Away")
        wait_for(lambda: all(row.sent_at for row in outbox_rows(system, tenant["id"])),
                 message="the rename to leave the outbox while notifications is down")
    finally:
        system.services["notifications"].start()
        system.wait_until_up("notifications")
    wait_for_branding(system, tenant["id"], "Renamed While Away")


def test_the_same_event_delivered_twice_is_handled_once(system):
    tenant, _ = system.new_tenant(display_name="Original")
    wait_for_branding(system, tenant["id"], "Original")
    event_id = str(uuid.uuid4())

    publish_profile_event(system, tenant, "First", event_id)
    wait_for_branding(system, tenant["id"], "First")
    publish_profile_event(system, tenant, "Second", event_id)
    wait_for(lambda: f"event {event_id} already handled" in system.services["notifications"].log(),
             message="notifications to recognise the duplicate")
    assert branding_name(system, tenant["id"]) == "First"

    publish_profile_event(system, tenant, "Third", str(uuid.uuid4()))
    wait_for_branding(system, tenant["id"], "Third")


# --- dead letters ---------------------------------------------------------------------

@pytest.fixture
def flaky(system):
    """The flaky service on its own SQLite database, failing until its marker file goes."""
    directory = system.tmp_path / f"flaky-{uuid.uuid4().hex[:8]}"
    directory.mkdir()
    database_url = f"sqlite:///{directory / 'flaky.db'}"
    engine = create_engine(database_url)
    FlakyBase.metadata.create_all(engine)
    engine.dispose()
    marker = directory / "failing"
    marker.touch()
    env = {**system.env, "FLAKY_DATABASE_URL": database_url, "FLAKY_MARKER": str(marker)}
    process = ServiceProcess("tests.flaky_service:FlakyService", env, directory)
    process.start()
    try:
        wait_for(lambda: system.rpc.call("flaky", "ping", timeout=1) == "pong", timeout=30,
                 message="the flaky service to start")
        process.database_url = database_url
        process.marker = marker
        yield process
    finally:
        process.stop()
        with broker_connection(system.amqp_uri) as connection:
            channel = connection.channel()
            channel.queue_delete(subscriber_queue("accounts", TENANT_PROFILE_UPDATED.name, "flaky"))
            channel.queue_delete("dead-letters.flaky")
            channel.close()


def handled_events(flaky):
    return query(flaky.database_url, select(HandledEvent.event_id, HandledEvent.display_name))


def dead_letter_of(system, tenant_id):
    letters = list_dead_letters("flaky", system.amqp_uri)
    return next((letter for letter in letters if letter["tenant_id"] == tenant_id), None)


def test_failing_handler_is_dead_lettered_after_its_retries_and_can_be_replayed(system, flaky):
    tenant, _ = system.new_tenant(display_name="Hard To Please")

    letter = wait_for(lambda: dead_letter_of(system, tenant["id"]),
                      message="the failing event to reach the dead-letter queue")
    assert letter["event_type"] == TENANT_PROFILE_UPDATED.name
    assert letter["queue"] == subscriber_queue("accounts", TENANT_PROFILE_UPDATED.name, "flaky")
    assert letter["attempts"] == 3  # the first try and the two retries of EVENT_RETRY_DELAYS_MS
    assert letter["error"] == "RuntimeError: flaky is failing on purpose"
    assert handled_events(flaky) == []

    flaky.marker.unlink()
    assert replay_dead_letters("flaky", letter["event_id"], system.amqp_uri) == 1
    wait_for(lambda: handled_events(flaky) == [(letter["event_id"], "Hard To Please")],
             message="the replayed event to be handled")
    assert list_dead_letters("flaky", system.amqp_uri) == []


def test_dead_letters_command_lists_a_dead_letter(system, flaky):
    tenant, _ = system.new_tenant(display_name="Listed Tenant")
    letter = wait_for(lambda: dead_letter_of(system, tenant["id"]),
                      message="the failing event to reach the dead-letter queue")

    result = subprocess.run([sys.executable, "-W", "ignore", "-m", "shared.deadletters", "list", "flaky"],
                            env=system.env, cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    listed = [json.loads(line) for line in result.stdout.splitlines()]
    assert letter in listed
    assert letter["attempts"] == 3


# --- broker outage --------------------------------------------------------------------

def test_events_wait_in_the_outbox_while_the_broker_is_unreachable(system):
    link = TcpLink("127.0.0.1", 5672)
    try:
        system.restart("accounts", AMQP_URI=system.vhost.uri(port=link.port, process="accounts"))
        # nameko kills a service whose reply cannot be sent: let the pings that queued up
        # during the restart be answered before the link goes.
        wait_for(lambda: no_call_in_flight(system, "accounts"), message="accounts to answer every ping")
        link.cut()

        result = subprocess.run(
            [sys.executable, "-W", "ignore", "-m", "accounts.manage", "create-tenant", "cut-off",
             "Cut Off Cleaners", "owner@cut-off.example"],
            env={**system.env, "PORTICO_OWNER_PASSWORD": DEMO_PASSWORD}, cwd=ROOT,
            capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        tenant = json.loads(result.stdout)

        # The business's profile (and its owner, for notifications' names) wait together.
        row = outbox_rows(system, tenant["id"])[0]
        assert row.sent_at is None
        stays(lambda: not any(row.sent_at for row in outbox_rows(system, tenant["id"])), 3,
              "an event was sent while the broker was unreachable")

        link.restore()
        wait_for(lambda: all(row.sent_at for row in outbox_rows(system, tenant["id"])), timeout=30,
                 message="the relay to send the waiting event")
        wait_for_branding(system, tenant["id"], "Cut Off Cleaners")
    finally:
        link.restore()  # so accounts can stop gracefully
        system.restart("accounts")
        link.close()


# --- timeouts -------------------------------------------------------------------------

def test_gateway_answers_503_or_504_in_time_when_a_service_is_stopped(system):
    app = create_app({"TESTING": True, "AMQP_URI": system.amqp_uri, "RPC_TIMEOUT_SECONDS": 1})
    client = app.test_client()
    _, credentials = system.new_tenant()
    headers = {"Authorization": f"Bearer {system.staff_token(credentials)}"}  # any gateway's token

    system.services["billing"].stop()
    try:
        started = time.monotonic()
        response = client.get("/api/v1/staff/settings", headers=headers)
        elapsed = time.monotonic() - started

        assert response.status_code in (503, 504)
        assert elapsed < 3
        error = response.get_json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert "billing" in error["message"]

        health = client.get("/healthz")
        assert health.status_code == 503
        services = health.get_json()["services"]
        assert services["billing"]["ok"] is False
        assert all(services[name]["ok"] for name in ("accounts", "tickets", "notifications"))
    finally:
        app.extensions["rpc"].close()
        system.services["billing"].start()
        system.wait_until_up("billing")
