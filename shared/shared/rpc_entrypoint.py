"""nameko's RPC entrypoint, made safe against ill-formed calls: one message never stops a service.

nameko 2.x answers a call by publishing to its ``reply_to`` in the request's content type. A call without a
reply address or a content type made that answer raise a KeyError in a managed thread, which kills the
container, and the process with it; so did a reply address the service's broker user may not publish to
(``shared.broker_users``: replies go only to a bare uuid or the gateway's ``portico-gateway-<uuid>``). Such a
call can never be answered: it is acknowledged and dropped with a warning, and the service carries on. A
call that can be answered but is ill-formed itself (not an object, no ``args``, arguments that do not fit, a
call id stack that is not a list) gets an error answer. A body that does not decode is dropped by the queue consumer
(``drop_undecodable``).
"""
import logging
import re

from nameko.constants import CALL_ID_STACK_CONTEXT_KEY
from nameko.exceptions import MalformedRequest
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


class GuardedRpcConsumer(RpcConsumer):
    """Every service's RPC queue consumer: drops the calls it could not answer instead of dying on them."""

    def handle_message(self, body, message):
        problem = why_unanswerable(message)
        if problem is None:
            super().handle_message(body, message)
            return
        log.warning("dropped a call to %s: %s", message.delivery_info.get("routing_key"), problem)
        self.queue_consumer.ack_message(message)


class GuardedRpc(Rpc):
    rpc_consumer = GuardedRpcConsumer()

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
