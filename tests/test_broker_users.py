"""On a real broker, each process's own user does its part of the work and nothing of another's.

The System runs every service and the gateway on its own user (tests/conftest.py), so the rest of
the suite shows the grants are wide enough; this module shows they are no wider.
"""
import subprocess
import uuid

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Producer

from shared.broker_users import PROCESSES

pytestmark = pytest.mark.backends("sqlite")

CODES_QUEUE = "evt-accounts-login_code_issued--notifications"
REPLY_KEY = f"portico-gateway-{uuid.uuid4()}"
REPLY_UUID = uuid.uuid4()


def publish(exchange, routing_key):
    def act(channel):
        Producer(channel).publish({"forged": True}, exchange=exchange, routing_key=routing_key, retry=False)
    return act


def consume(queue):
    def act(channel):
        channel.basic_get(queue)  # nothing is acknowledged: closing the channel returns what it got
    return act


def bind_reply_queue(routing_key, name=""):
    def act(channel):
        queue = channel.queue_declare(name, exclusive=True, auto_delete=True).queue
        channel.queue_bind(queue, "nameko-rpc", routing_key)
    return act


def listen_for_settings(service, exchange):
    def act(channel):
        queue = channel.queue_declare(f"portico.settings.{service}.{uuid.uuid4()}", exclusive=True,
                                      auto_delete=True).queue
        channel.queue_bind(queue, exchange, "settings_updated")
    return act


CASES = {
    # what each may do (so a refusal below is the grant's doing, not a typo)
    "billing publishes its own events": ("billing", True, publish("billing.events", "nothing_listens")),
    "notifications reads its own queue": ("notifications", True, consume(CODES_QUEUE)),
    "the gateway listens for its replies": ("gateway", True, bind_reply_queue(REPLY_KEY)),
    "the operator reads dead letters": ("operator", True, consume("dead-letters.notifications")),
    "billing listens for accounts' answers": ("billing", True, bind_reply_queue(
        str(REPLY_UUID), f"rpc.reply-billing-{REPLY_UUID}")),
    "tickets listens for accounts' answers": ("tickets", True, bind_reply_queue(
        str(REPLY_UUID), f"rpc.reply-tickets-{REPLY_UUID}")),
    "billing hears its own settings change": ("billing", True, listen_for_settings("billing", "billing.events")),
    # what none may do
    "tickets hears billing's events as billing": ("tickets", False, listen_for_settings("billing", "billing.events")),
    "billing publishes as accounts": ("billing", False, publish("accounts.events", "login_code_issued")),
    "billing publishes to a queue directly": ("billing", False, publish("", CODES_QUEUE)),
    "billing slips an event into notifications' retries": (
        "billing", False, publish("portico.retry.notifications.200ms", CODES_QUEUE)),
    "billing redelivers to notifications": ("billing", False, publish("portico.direct.notifications", CODES_QUEUE)),
    "billing calls accounts for more than a client": ("billing", False, publish("nameko-rpc", "accounts.create_tenant")),
    "tickets listens for accounts' answers": ("tickets", True, bind_reply_queue(
        str(REPLY_UUID), f"rpc.reply-tickets-{REPLY_UUID}")),
    "tickets calls accounts for more than a client or its staff": (
        "tickets", False, publish("nameko-rpc", "accounts.create_tenant")),
    "tickets listens as billing": ("tickets", False, bind_reply_queue(str(REPLY_UUID), f"rpc.reply-billing-{REPLY_UUID}")),
    "billing reads notifications' queue": ("billing", False, consume(CODES_QUEUE)),
    "billing takes accounts' calls": ("billing", False, consume("rpc-accounts")),
    "tickets publishes as billing": ("tickets", False, publish("billing.events", "payment_succeeded")),
    "the gateway publishes an event": ("gateway", False, publish("accounts.events", "login_code_issued")),
    "the gateway takes billing's calls": ("gateway", False, bind_reply_queue("billing.*")),
    "the gateway reads dead letters": ("gateway", False, consume("dead-letters.notifications")),
    "notifications reads billing's dead letters": ("notifications", False, consume("dead-letters.billing")),
    "notifications listens for tickets' answers": ("notifications", True, bind_reply_queue(
        str(REPLY_UUID), f"rpc.reply-notifications-{REPLY_UUID}")),
    "notifications calls tickets for more than a support-address mail": (
        "notifications", False, publish("nameko-rpc", "tickets.open_my_ticket")),
}


@pytest.fixture(scope="module")
def topology(system):
    """Everything the cases name exists, so a refusal is a 403 and never a 404."""
    with Connection(system.amqp_uri) as connection:
        channel = connection.channel()
        for source in ("accounts", "billing"):
            Exchange(f"{source}.events", type="topic", durable=True)(channel).declare()
    return system


@pytest.mark.parametrize("case", CASES)
def test_each_user_does_its_part_and_nothing_more(topology, case):
    process, allowed, act = CASES[case]
    with Connection(topology.vhost.uri(process=process), transport_options={"confirm_publish": True},
                    connect_timeout=3) as connection:
        if allowed:
            act(connection.channel())
        else:
            with pytest.raises(AccessRefused):
                act(connection.channel())


def test_every_process_is_connected_as_its_own_user(system):
    assert system.http.get("/healthz").status_code == 200  # the gateway's user calls every service
    listing = subprocess.run(["rabbitmqctl", "-q", "list_connections", "--no-table-headers", "user", "vhost"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    users = {line.split("\t")[0] for line in listing.splitlines() if line.endswith(f"\t{system.vhost.name}")}
    expected = {system.vhost.user_name(process) for process in PROCESSES if process != "operator"}
    assert expected <= users
