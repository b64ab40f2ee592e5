"""What a call and its answer look like on the wire: the request in one write, the answer transient.

The request leaves the caller as one socket write (pika would write its method, header and body frames
one by one), still confirmed and mandatory. The answer comes back as a transient message: its reply queue
is the caller's own and ends with the caller's connection, so nothing would read it after a broker restart.
"""
import time

import pytest

from gateway.rpc import ReplyChannel, connection_parameters
from portico_testing import SERVICES
from shared.errors import ServiceUnavailable

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
