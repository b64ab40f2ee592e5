"""Ill-formed messages on a service's RPC queue: each is answered with an error or dropped, and the service stays up.

Only the gateway and the services may publish calls (shared.broker_users), but a caller's bug or a compromised
process must not be able to stop a service with one message: nameko 2.x let a call without a reply address (or
with one the service may not publish to) kill the whole container, and the process with it.
"""
import json
import time
import uuid

import pika
import pytest

from portico_testing import SERVICES, wait_for

pytestmark = pytest.mark.backends("sqlite")

RPC_EXCHANGE = "nameko-rpc"
JSON = {"content_type": "application/json", "content_encoding": "utf-8"}
CALL = json.dumps({"args": [], "kwargs": {}})
TARGET = {"accounts": "get_client", "billing": "ping", "tickets": "ping", "notifications": "ping"}

# (what is wrong, the method or None for the TARGET, body, properties, and the answer: "error", any, or None: dropped)
ILL_FORMED = [
    ("no reply address", None, CALL, JSON, None),
    ("no reply address, no such method", "no_such_method", CALL, JSON, None),
    ("a reply address the service may not publish to", None, CALL, {**JSON, "reply_to": "billing.create_invoice"},
     None),
    ("no content type", None, CALL, {"reply_to": "REPLY"}, None),
    ("a content type it does not accept", None, b"\x80\x04K\x01.", {"content_type": "application/x-python-serialize",
                                                                     "reply_to": "REPLY"}, None),
    ("not JSON", None, "{not json", {**JSON, "reply_to": "REPLY"}, None),
    ("not an object", None, json.dumps(["args"]), {**JSON, "reply_to": "REPLY"}, "error"),
    ("no args", None, json.dumps({"kwargs": {}}), {**JSON, "reply_to": "REPLY"}, "error"),
    ("args not a list", None, json.dumps({"args": 5, "kwargs": []}), {**JSON, "reply_to": "REPLY"}, "error"),
] + [(f"a {header} header of the wrong kind", None, CALL, {**JSON, "reply_to": "REPLY", "headers": {header: value}},
        answer)
       for header, value, answer in [
           ("nameko.call_id_stack", 5, "error"), ("nameko.call_id_stack", [1, {}], "error"),
           # a public ping reads no passport and answers; the others refuse a call without a valid one
           ("nameko.passport", 12, "any"), ("nameko.deadline", "soon", "any"), ("nameko.deadline", [1], "any"),
           ("nameko.request_id", [], "any")]]


class RawCaller:
    """A connection that publishes whatever it is given and gathers the replies that come back."""

    def __init__(self, amqp_uri):
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri.replace("pyamqp://", "amqp://", 1)))
        self.channel = self.connection.channel()
        self.reply_key = str(uuid.uuid4())
        queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.channel.queue_bind(queue, RPC_EXCHANGE, routing_key=self.reply_key)
        self.channel.basic_consume(queue, self._on_reply, auto_ack=True)
        self.replies = {}

    def publish(self, routing_key, body, properties):
        correlation_id = str(uuid.uuid4())
        properties = {key: self.reply_key if value == "REPLY" else value for key, value in properties.items()}
        self.channel.basic_publish(RPC_EXCHANGE, routing_key, body,
                                   pika.BasicProperties(correlation_id=correlation_id, **properties))
        return correlation_id

    def _on_reply(self, _channel, _method, properties, body):
        self.replies[properties.correlation_id] = json.loads(body)

    def wait_for_replies(self, correlation_ids, timeout=10):
        deadline = time.monotonic() + timeout
        while not set(correlation_ids) <= set(self.replies) and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=0.2)
        return {key: self.replies.get(key) for key in correlation_ids}

    def queue_depth(self, queue):
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def close(self):
        self.connection.close()


@pytest.fixture
def caller(system):
    raw = RawCaller(system.amqp_uri)
    yield raw
    raw.close()


def test_ill_formed_calls_are_answered_or_dropped_and_every_service_stays_healthy(system, caller):
    answerable, logged_before = {}, {service: len(system.services[service].log()) for service in SERVICES}
    for service in SERVICES:
        for what, method, body, properties, answer in ILL_FORMED:
            correlation_id = caller.publish(f"{service}.{method or TARGET[service]}", body, properties)
            if answer:
                answerable[correlation_id] = (service, what, answer)

    replies = caller.wait_for_replies(answerable)
    for correlation_id, (service, what, answer) in answerable.items():
        reply = replies[correlation_id]
        assert reply is not None, (service, what)
        if answer == "error":
            assert reply["result"] is None and reply["error"]["exc_type"], (service, what, reply)

    for service in SERVICES:
        wait_for(lambda service=service: caller.queue_depth(f"rpc-{service}") == 0, timeout=10,
                 message=f"rpc-{service} to hold nothing (nothing left to come back)")
        logged = system.services[service].log()[logged_before[service]:]
        assert system.services[service].process.poll() is None, logged[-3000:]
        assert '"levelname": "ERROR"' not in logged and "not json" not in logged, logged[-3000:]
        assert logged.count("dropped a") >= 6, logged[-3000:]  # each call no answer can go to, and why
        assert system.rpc.call(service, "ping", timeout=5)["database"]
    response = system.http.get("/healthz")
    assert response.status_code == 200, response.get_json()
