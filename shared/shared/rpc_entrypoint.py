"""nameko's RPC entrypoint, made safe against ill-formed calls: one message never stops a service.

nameko 2.x answers a call by publishing to its ``reply_to`` in the request's content type. A call without a
reply address or a content type made that answer raise a KeyError in a managed thread, which kills the
container, and the process with it; so did a reply address the service's broker user may not publish to
(``shared.broker_users``: replies go only to a bare uuid or the gateway's ``portico-gateway-<uuid>``). Such a
call can never be answered: it is acknowledged and dropped with a warning, and the service carries on. A
call that can be answered but is ill-formed itself (not an object, no ``args``, arguments that do not fit, a
call id stack that is not a list) gets an error answer. A body that does not decode is dropped by the queue consumer
(``drop_undecodable``).

An answer is published once the worker is done, on the channel the call came in on, and only then is the call
acknowledged (``publish_answer``). It goes as a transient message, since nobody reads an answer after a broker
restart, and without a publisher confirm (nameko waited for one, a round trip to the broker for every answer):
the acknowledgement that follows it on the same connection cannot reach the broker without it.

That channel belongs to the queue consumer's greenthread, which alone may read its socket: the answer is sent as a
bare ``Basic.Publish`` write, as an acknowledgement is. py-amqp's ``basic_publish`` first drains the socket
(``drain_events(timeout=0)``, to notice a blocked connection); from a worker, that read could take the reply the
consumer was waiting for while it set up its queues, leaving the service deaf to its events until the next
heartbeat.
"""
import inspect
import logging
import re
import sys

import amqp
import kombu.serialization
from amqp import spec
from amqp.exceptions import ConnectionError as AmqpConnectionError
from nameko.constants import CALL_ID_STACK_CONTEXT_KEY, NON_PERSISTENT, RPC_EXCHANGE_CONFIG_KEY
from nameko.exceptions import IncorrectSignature, MalformedRequest, UnserializableValueError, serialize
from nameko.rpc import Rpc, RpcConsumer

from shared.broker_users import UUID

REPLY_KEY = re.compile(f"(portico-gateway-)?{UUID}")
CONTENT_TYPE = "application/json"  # what every Portico caller sends, and the only type a service decodes

log = logging.getLogger(__name__)


def why_unanswerable(message):
    """What makes ``message`` a call no answer can be sent for, or None when it can be answered."""
    properties = message.properties
    if properties.get("content_type") != CONTENT_TYPE:
        return "it is not JSON"
    if not isinstance(properties.get("reply_to"), str) or not REPLY_KEY.fullmatch(properties["reply_to"]):
        return "it has no reply address a service may answer to"
    return None


def answer(result, exc_info):
    """``(body, result, exc_info)`` of the answer, as nameko's: a result JSON cannot carry is an error instead."""
    error = None if exc_info is None else serialize(exc_info[1])
    try:
        return kombu.serialization.dumps({"result": result, "error": error}, "json")[2], result, exc_info
    except Exception:
        exc_info = sys.exc_info()
        error = serialize(UnserializableValueError(result))  # always JSON
        return kombu.serialization.dumps({"result": None, "error": error}, "json")[2], None, exc_info


def publish_answer(body, message, exchange):
    """Publish an answer on the channel its call came in on; False when that channel's connection is gone.

    One connection carries the answer and then the call's acknowledgement, in that order: an acknowledged call's
    answer has reached the broker, and a call whose acknowledgement is lost with the connection is delivered
    again and answered again (the caller takes the first answer), all without waiting for a confirm.
    """
    if not message.channel.connection:
        return False
    properties = message.properties
    answer_message = amqp.Message(body.encode("utf-8"), content_type=CONTENT_TYPE, content_encoding="utf-8",
                                  delivery_mode=NON_PERSISTENT, correlation_id=properties.get("correlation_id"))
    try:
        # neither mandatory nor immediate: a caller that is gone has nobody to be told
        message.channel.send_method(spec.Basic.Publish, "Bssbb",
                                    (0, exchange, properties["reply_to"], False, False), answer_message)
    except (AmqpConnectionError, OSError):
        return False
    return True


class GuardedRpcConsumer(RpcConsumer):
    """Every service's RPC queue consumer: drops the calls it could not answer instead of dying on them."""

    exchange = None

    def setup(self):
        super().setup()
        self.exchange = self.container.config.get(RPC_EXCHANGE_CONFIG_KEY, "nameko-rpc")  # declared in setup

    def handle_message(self, body, message):
        problem = why_unanswerable(message)
        if problem is None:
            super().handle_message(body, message)
            return
        log.warning("dropped a call to %s: %s", message.delivery_info.get("routing_key"), problem)
        self.queue_consumer.ack_message(message)

    def handle_result(self, message, result, exc_info):
        """Answer the call, then acknowledge it (only calls ``why_unanswerable`` let through get here)."""
        body, result, exc_info = answer(result, exc_info)
        if publish_answer(body, message, self.exchange):
            self.queue_consumer.ack_message(message)
        # else the connection is gone, and the broker gives the call to a consumer again
        return result, exc_info


class GuardedRpc(Rpc):
    rpc_consumer = GuardedRpcConsumer()
    signature = None

    def setup(self):
        super().setup()
        # nameko's check, with the method's signature read once instead of on every call (inspect is slow)
        self.signature = inspect.signature(getattr(self.container.service_cls, self.method_name),
                                           follow_wrapped=False)

    def check_signature(self, args, kwargs):
        try:
            self.signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc))

    def unpack_message_headers(self, message):
        """The call's context; MalformedRequest (answered, as nameko answers a call without ``args``) for a call id
        stack that is not a list of ids, which nameko would only find out in the worker, killing the container."""
        data = super().unpack_message_headers(message)
        stack = data.get(CALL_ID_STACK_CONTEXT_KEY)
        if stack is not None and not (isinstance(stack, list) and all(isinstance(item, str) for item in stack)):
            raise MalformedRequest("The call's nameko.call_id_stack header is not a list of call ids.")
        return data


guarded_rpc = GuardedRpc.decorator


def drop_undecodable(queue_consumer, message, exc):
    """``QueueConsumer.on_decode_error``: acknowledge and drop a body that does not decode, logging neither it nor
    its headers (kombu's own handler logs the raw body)."""
    log.warning("dropped a message to %s that does not decode (%s, %s)", message.delivery_info.get("routing_key"),
                message.content_type, type(exc).__name__)
    message.ack()
