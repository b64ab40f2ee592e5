"""What a call and its answer look like on the wire: the request in one write, the answer transient.

The request leaves the caller as one socket write (pika would write its method, header and body frames
one by one), still confirmed and mandatory. The answer comes back as a transient message: its reply queue
is the caller's own and ends with the caller's connection, so nothing would read it after a broker restart.
A service writes its answer on the channel the call came in on without reading from it: that socket is its
queue consumer's to read.
"""
import select
import time

import amqp
import kombu
import pytest

from gateway.rpc import ReplyChannel, connection_parameters
from portico_testing import SERVICES
from shared.errors import ServiceUnavailable
from shared.rpc_entrypoint import publish_answer

pytestmark = pytest.mark.backends("sqlite")


class RecordingChannel(ReplyChannel):
    """The gateway's channel, noting the delivery mode of each answer it receives."""

    def __init__(self, parameters):
        self.delivery_modes = []
        super().__init__(parameters)

    def _on_reply(self, channel, method, properties, body):
        self.delivery_modes.append(properties.delivery_mode)
        super()._on_reply(channel, method, properties, body)


@pytest.fixture
def channel(system):
    channel = RecordingChannel(connection_parameters(system.amqp_uri))
    yield channel
    channel.close()


@pytest.mark.parametrize("service", SERVICES)
def test_a_call_leaves_in_one_write_and_its_answer_comes_back_transient(system, channel, service):
    connection = channel.connection._impl
    frames_before = connection.frames_sent

    answer = channel.call(service, "ping", [], {}, {}, 5.0)

    assert answer["error"] is None and answer["result"]["database"]
    assert connection.frames_sent - frames_before == 1  # method, header and body joined in one write
    assert channel.delivery_modes == [1]


def test_a_call_to_a_service_with_no_queue_still_fails_at_once(system, channel):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        channel.call("no_such_service", "ping", [], {}, {}, 5.0)

    assert time.monotonic() - started < 4  # refused by the broker (mandatory), not timed out after 5 s
    assert channel.call("billing", "ping", [], {}, {}, 5.0)["result"]["database"]  # the channel carries on


def test_an_answer_is_written_without_reading_what_waits_for_the_consumer(system):
    """A worker answering must not read the consumer's socket: a frame it read there would be lost to the consumer
    waiting for it (a service starting up stopped setting up its event queues that way, until a heartbeat)."""
    with kombu.Connection(system.amqp_uri) as connection:
        channel = connection.channel()
        calls, replies = channel.queue_declare(exclusive=True).queue, channel.queue_declare(exclusive=True).queue
        delivered = []
        channel.basic_consume(calls, callback=delivered.append)
        channel.basic_publish(amqp.Message("{}", reply_to=replies, correlation_id="call-1"), "", calls)
        connection.drain_events(timeout=5)
        with kombu.Connection(system.amqp_uri) as other:
            other.default_channel.basic_publish(amqp.Message("{}"), "", calls)
        assert select.select([connection.connection.sock], [], [], 5)[0]  # the next call waits on the socket

        assert publish_answer('{"result": 1, "error": null}', delivered[0], "")

        assert len(delivered) == 1  # the waiting call is still the consumer's to read
        connection.drain_events(timeout=5)
        assert len(delivered) == 2
        reply = channel.basic_get(replies, no_ack=True)
        assert reply.body == '{"result": 1, "error": null}' and reply.properties["correlation_id"] == "call-1"
        assert reply.properties["delivery_mode"] == 1


def test_parallel_calls_answer_each_key_in_order_with_its_result_or_error(system):
    calls = {"billing": ("billing", "ping", ()), "nobody": ("no_such_service", "ping", ()),
             "tickets": ("tickets", "ping", ())}

    found = system.rpc.call_parallel(calls, timeout=5)

    assert list(found) == ["billing", "nobody", "tickets"]
    assert found["billing"]["database"] and found["tickets"]["database"]
    assert isinstance(found["nobody"], ServiceUnavailable)
    assert system.rpc.call_parallel({}) == {}
    assert system.rpc.call_parallel({"one": ("accounts", "ping", ())})["one"]["database"]
