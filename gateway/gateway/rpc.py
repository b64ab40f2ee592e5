"""A pooled RPC client speaking nameko's wire protocol over pika, with a timeout on every call.

Each pooled channel owns one connection and an exclusive reply queue. A request thread borrows a
channel for one call; a channel that errs is thrown away. Calls to a service with no queue fail at
once (the broker returns a mandatory publish); a silent service times out. A request waits for no
publisher confirm: its answer says it arrived, a returned request says nobody takes it, a broker
that fails ends the connection, and anything else ends in the timeout - a confirm would only add a
round trip before the answer.
A request body over the message limit is refused before it is published (MessageTooLarge).
"""
import contextvars
import json
import logging
import queue
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, unquote

import pika
from pika.adapters.select_connection import SelectConnection

from shared.call_headers import DEADLINE_KEY
from shared.errors import PorticoError, ServiceTimeout, ServiceUnavailable, from_remote
from shared.i18n import _
from shared.message_size import refuse_oversize

log = logging.getLogger(__name__)
RPC_EXCHANGE = "nameko-rpc"


def connection_parameters(amqp_uri):
    """Turn a kombu-style AMQP URI into pika parameters."""
    parts = urlsplit(amqp_uri)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return pika.ConnectionParameters(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5672, virtual_host=vhost or "/",
        credentials=pika.PlainCredentials(unquote(parts.username or "guest"),
                                          unquote(parts.password or "guest")),
        heartbeat=0, connection_attempts=1, socket_timeout=3, blocked_connection_timeout=10,
        stack_timeout=5)


def request_body(service, args, kwargs):
    """Return the JSON body of a call to ``service``; raise MessageTooLarge when it is over the limit."""
    body = json.dumps({"args": args, "kwargs": kwargs})  # ASCII: as many bytes as characters
    refuse_oversize(len(body), _("This request to the %(service)s service", service=service))
    return body


class RemoteFailure(PorticoError):
    """A service failed with an error that is not one of the platform's own."""

    code = "internal_error"


class OneWriteConnection(SelectConnection):
    """pika's connection, handing each message to the socket in one write.

    pika sends a message's frames (method, header, body) with one send() each: three system calls for the
    caller and three TCP segments for the broker to take in, where one does.
    """

    def _output_marshaled_frames(self, marshaled_frames):
        if len(marshaled_frames) > 1:
            marshaled_frames = [b"".join(marshaled_frames)]
        super()._output_marshaled_frames(marshaled_frames)


class ReplyChannel:
    """One connection with its reply queue and mandatory publishes; used by one thread at a time."""

    def __init__(self, parameters):
        # pika 1.x's way to choose the connection under BlockingConnection (constraints.txt pins pika)
        self.connection = pika.BlockingConnection(parameters, _impl_class=OneWriteConnection)
        self.channel = self.connection.channel()
        self.channel.add_on_return_callback(self._on_return)
        self.channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
        self.reply_queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        self.routing_key = f"portico-gateway-{uuid.uuid4()}"
        self.channel.queue_bind(self.reply_queue, RPC_EXCHANGE, routing_key=self.routing_key)
        self.channel.basic_consume(self.reply_queue, self._on_reply, auto_ack=True)
        self.awaiting = None
        self.reply = None
        self.returned = False

    def _on_reply(self, _channel, _method, properties, body):
        if properties.correlation_id == self.awaiting:  # late replies to timed-out calls are dropped
            self.reply = body

    def _on_return(self, _channel, _method, properties, _body):
        if properties.correlation_id == self.awaiting:  # no queue took the request
            self.returned = True

    def call(self, service, method, args, kwargs, headers, timeout):
        return self.send(service, method, request_body(service, args, kwargs), headers, timeout)

    def send(self, service, method, body, headers, timeout):
        """Publish the request ``body`` (JSON) to ``service.method`` and return its decoded reply."""
        correlation_id = str(uuid.uuid4())
        self.awaiting, self.reply, self.returned = correlation_id, None, False
        # The broker drops a request nobody will wait for; the service checks the deadline header too,
        # for a request it had already taken off the queue. A request is transient: its answer can only go to
        # this connection's reply queue, which a broker restart ends (the call then fails here), so a request
        # kept on disk across one would only run for nobody - and writing it there doubled the broker's work.
        properties = pika.BasicProperties(
            reply_to=self.routing_key, correlation_id=correlation_id, delivery_mode=1,
            content_type="application/json", content_encoding="utf-8", expiration=str(max(1, int(timeout * 1000))),
            headers={**headers, f"nameko.{DEADLINE_KEY}": int((time.time() + timeout) * 1000)})
        self.channel.basic_publish(RPC_EXCHANGE, f"{service}.{method}", body, properties, mandatory=True)
        deadline = time.monotonic() + timeout
        while self.reply is None:
            if self.returned:
                self.awaiting = None
                raise ServiceUnavailable(_("The %(service)s service is not available.", service=service))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServiceTimeout(_("The %(service)s service did not answer in time.", service=service))
            self.connection.process_data_events(time_limit=min(remaining, 1.0))
        self.awaiting = None
        return json.loads(self.reply)

    def close(self):
        try:
            self.connection.close()
        except Exception:
            pass


class RpcClient:
    """Thread-safe client: ``call(service, method, *args, context=..., **kwargs)``."""

    def __init__(self, amqp_uri, timeout=5.0, pool_size=32):
        self.parameters = connection_parameters(amqp_uri)
        self.timeout = timeout
        self.idle = queue.LifoQueue()
        self.slots = threading.BoundedSemaphore(pool_size)
        self.executor = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="rpc")

    def call(self, service, method, *args, context=None, timeout=None, **kwargs):
        """Call ``service.method`` and return its result, or raise the error it raised."""
        timeout = self.timeout if timeout is None else timeout
        headers = {f"nameko.{key}": value for key, value in (context or {}).items() if value is not None}
        body = request_body(service, list(args), kwargs)  # refused before a channel is even borrowed
        if not self.slots.acquire(timeout=timeout):
            raise ServiceTimeout(_("The gateway is too busy to call the services right now."))
        try:
            channel = self._borrow()
            try:
                answer = channel.send(service, method, body, headers, timeout)
            except ServiceTimeout:
                channel.close()  # its reply queue may still receive the late answer
                raise
            except ServiceUnavailable:
                self.idle.put(channel)
                raise
            except Exception as exc:
                channel.close()
                log.warning("rpc channel failed: %s", exc)
                raise ServiceUnavailable(_("The message broker is not reachable.")) from None
            self.idle.put(channel)
        finally:
            self.slots.release()
        error = answer.get("error")
        if error:
            raise from_remote(error) or RemoteFailure(
                _("The %(service)s service failed (%(error)s).", service=service, error=error.get('exc_type')))
        return answer.get("result")

    def call_parallel(self, calls, context=None, timeout=None):
        """Run ``{key: (service, method, args)}`` at once; return ``{key: result or exception}``.

        The last call runs on the caller's own thread while the others run on the executor's: one thread
        hand-off fewer per page, and a single call is simply made.
        """
        if not calls:
            return {}
        *others, last = calls.items()
        # Each call runs in a copy of the caller's context: its messages are in the request's language.
        futures = {key: self.executor.submit(contextvars.copy_context().run, self._outcome, service, method, args,
                                             context, timeout)
                   for key, (service, method, args) in others}
        key, (service, method, args) = last
        results = {key: self._outcome(service, method, args, context, timeout)}
        results.update((key, future.result()) for key, future in futures.items())
        return {key: results[key] for key in calls}

    def _outcome(self, service, method, args, context, timeout):
        """The call's result, or the exception it raised."""
        try:
            return self.call(service, method, *args, context=context, timeout=timeout)
        except Exception as exc:
            return exc

    def _borrow(self):
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        try:
            return ReplyChannel(self.parameters)
        except Exception as exc:
            log.warning("cannot open an rpc channel: %s", exc)
            raise ServiceUnavailable(_("The message broker is not reachable.")) from None

    def close(self):
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                break
        self.executor.shutdown(wait=False)
