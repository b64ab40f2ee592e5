"""Many nameko RPCs sent at once, their answers collected: the caller side of the process-level fault tests."""
import json
import time
import uuid

import pika

RPC_EXCHANGE = "nameko-rpc"


class RpcBurst:
    """One connection that publishes calls with confirms and gathers their replies by correlation id.

    A call answered twice (it ran again after a redelivery) counts once in ``answers`` and once in
    ``repeats``; the test keeps this connection out of the faults it makes.
    """

    def __init__(self, amqp_uri):
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri.replace("pyamqp://", "amqp://", 1)))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        self.reply_key = str(uuid.uuid4())
        queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(queue, RPC_EXCHANGE, routing_key=self.reply_key)
        self.channel.basic_consume(queue, self._on_reply, auto_ack=True)
        self.calls, self.answers, self.repeats = {}, {}, 0

    def send(self, service, method, calls):
        """Publish ``{call_id: kwargs}`` as calls of ``service.method`` (mandatory: the service's queue must exist)."""
        for call_id, kwargs in calls.items():
            correlation_id = str(uuid.uuid4())
            self.calls[correlation_id] = call_id
            properties = pika.BasicProperties(reply_to=self.reply_key, correlation_id=correlation_id, delivery_mode=2,
                                              content_type="application/json", content_encoding="utf-8")
            self.channel.basic_publish(RPC_EXCHANGE, f"{service}.{method}",
                                       json.dumps({"args": [], "kwargs": kwargs}), properties, mandatory=True)

    def _on_reply(self, _channel, _method, properties, body):
        call_id = self.calls[properties.correlation_id]
        if call_id in self.answers:
            self.repeats += 1
        else:
            self.answers[call_id] = json.loads(body)

    def wait(self, count, timeout):
        """Take replies until ``count`` calls are answered or ``timeout`` seconds pass; return how many are."""
        deadline = time.monotonic() + timeout
        while len(self.answers) < count and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=min(0.2, max(0.0, deadline - time.monotonic())))
        return len(self.answers)

    def close(self):
        try:
            self.connection.close()
        except Exception:
            pass
