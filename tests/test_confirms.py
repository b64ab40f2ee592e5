"""A batch published in a row with one wait for its confirms (the outbox relay's way), on a real broker."""
import pytest
from kombu import Exchange, Queue

from portico_testing import Vhost
from shared.confirms import ConfirmingPublisher
from shared.messaging import broker_connection

EXCHANGE = "confirms-test.events"


@pytest.fixture
def broker():
    vhost = Vhost(prefix="portico-confirms").create()
    connection = broker_connection(vhost.uri())
    try:
        connection.ensure_connection(max_retries=1)
        channel = connection.channel()
        exchange = Exchange(EXCHANGE, type="topic", durable=True)
        exchange(channel).declare()
        Queue("confirms-test", exchange=exchange, routing_key="thing_done", durable=True)(channel).declare()
        yield vhost, connection
    finally:
        connection.release()
        vhost.delete()


def drained(connection, count):
    queue = connection.SimpleQueue("confirms-test")
    try:
        messages = [queue.get(timeout=5) for _ in range(count)]
        for message in messages:
            message.ack()
        return messages
    finally:
        queue.close()


def test_a_batch_is_confirmed_whole_and_arrives_in_order_as_persistent_json(broker):
    vhost, connection = broker
    publisher = ConfirmingPublisher(broker_connection(vhost.uri()))
    try:
        for first in (0, 50):  # a second batch on the same channel counts its confirms from where the first ended
            publisher.publish_all([({"n": n}, EXCHANGE, "thing_done", {"x-request": str(n)}, f"event-{n}")
                                   for n in range(first, first + 50)])
            assert publisher.confirmed == 50
    finally:
        publisher.connection.release()
    messages = drained(connection, 100)
    assert [message.payload["n"] for message in messages] == list(range(100))
    assert messages[7].properties["message_id"] == "event-7" and messages[7].headers == {"x-request": "7"}
    assert messages[7].properties["delivery_mode"] == 2 and messages[7].content_type == "application/json"


def test_a_batch_the_broker_cannot_take_confirms_nothing(broker):
    vhost, _ = broker
    publisher = ConfirmingPublisher(broker_connection(vhost.uri()))
    try:
        with pytest.raises(Exception):  # no such exchange: the broker closes the channel, or refuses the message
            publisher.publish_all([({"n": 1}, "no-such.events", "thing_done", {}, "event-1")])
        assert publisher.confirmed == 0  # so the relay marks nothing sent
    finally:
        publisher.connection.release()
