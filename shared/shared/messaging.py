"""Events that are never silently lost.

- ``Outbox``: a service writes its event in the same transaction as its change; a relay
  publishes pending rows with publisher confirms and marks them sent. While the broker is
  unreachable the rows wait, and the relay drains them once the link returns.
- ``on_event``: a handler sees each event id once (a ``processed_events`` row is committed
  with the handler's own changes); a handler that raises is redelivered after a back-off,
  then parked in the service's dead-letter queue (see ``shared.deadletters``).
- ``declare_topology``: a source's exchange and its subscribers' queues, declared before publishing.
"""
import functools
import logging
import uuid

from kombu import Connection, Exchange, Producer, Queue
from nameko.events import SERVICE_POOL, EventHandler
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import config
from shared.call_headers import REQUEST_ID_KEY
from shared.clock import utcnow
from shared.confirms import ConfirmingPublisher
from shared.db import service_engine
from shared.events import CONTRACTS, dead_letter_queue, direct_exchange, retry_tier, subscriber_queue
from shared.loops import BackgroundLoop
from shared.message_size import encoded_size, refuse_oversize
from shared.outbox_rows import record_sent, take_pending
from shared.sealing import SecretBox, publishes_secrets, seal_secrets

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-portico-attempts"
QUEUE_HEADER = "x-portico-queue"
ERROR_HEADER = "x-portico-error"
WAKE_PENDING = "portico_outbox_wake_pending"  # session.info key: a relay wake-up waits for the commit


# --- topology -------------------------------------------------------------------------
# Each service's retries and dead letters stay among its own queues: a failed event waits in
# one of the service's retry tiers, then RabbitMQ dead-letters it to the service's direct
# exchange, which routes it by queue name back to the queue it came from. Nothing goes through
# the default exchange, so no service needs the right to send to every queue (docs/security.md).

def retry_exchange(service, delay_ms):
    return Exchange(retry_tier(service, delay_ms), type="fanout", durable=True)


def retry_queue(service, delay_ms):
    return Queue(retry_tier(service, delay_ms), exchange=retry_exchange(service, delay_ms), durable=True,
                 queue_arguments={"x-message-ttl": delay_ms, "x-dead-letter-exchange": direct_exchange(service)})


def redelivery_exchange(service):
    """``service``'s direct exchange: it routes a message to the service's queue named by its routing key."""
    return Exchange(direct_exchange(service), type="direct", durable=True)


def routed_by_name(service, queue_name):
    """``queue_name`` bound to ``service``'s direct exchange with its own name as the key."""
    return Queue(queue_name, exchange=redelivery_exchange(service), routing_key=queue_name, durable=True,
                 auto_delete=False)


def subscriber_queues(contracts):
    for contract in contracts:
        exchange = get_event_exchange(contract.source, {})
        for service in contract.subscribers:
            yield Queue(subscriber_queue(contract.source, contract.name, service), exchange=exchange,
                        routing_key=contract.name, durable=True, auto_delete=False)


def declare_topology(connection, source):
    """Declare ``source``'s events exchange and its subscribers' queues, so no event waits for a consumer."""
    contracts = [contract for contract in CONTRACTS if contract.source == source]
    channel = connection.channel()
    try:
        get_event_exchange(source, {})(channel).declare()
        for queue in subscriber_queues(contracts):
            queue(channel).declare()
    finally:
        channel.close()


def declare_failure_queues(channel, service, queue_name):
    """Declare ``service``'s retry tiers and dead-letter queue, and route ``queue_name``'s redeliveries back."""
    for delay in config.retry_delays_ms():
        retry_queue(service, delay)(channel).declare()
    routed_by_name(service, dead_letter_queue(service))(channel).declare()
    routed_by_name(service, queue_name)(channel).declare()


def publish_confirmed(connection, body, exchange, routing_key, headers, message_id=None):
    """Publish persistently and wait for the broker's confirm."""
    producer = Producer(connection.default_channel)
    producer.publish(body, exchange=exchange, routing_key=routing_key, headers=headers,
                     serializer="json", delivery_mode=2, message_id=message_id, retry=False)


def broker_connection(amqp_uri=None):
    return Connection(amqp_uri or config.amqp_uri(), connect_timeout=3, heartbeat=0,
                      transport_options={"confirm_publish": True})


# --- outbox ---------------------------------------------------------------------------

@functools.cache
def _payload_schema(schema_class):
    """One schema per contract, kept: building a marshmallow schema costs more than using it."""
    return schema_class()


def envelope(contract, tenant_id, data):
    """Validate ``data`` against the contract and wrap it with its identity."""
    schema = _payload_schema(contract.schema)
    errors = schema.validate(data)
    if errors:
        raise ValueError(f"{contract.name} payload does not match its contract: {errors}")
    return {"event_id": str(uuid.uuid4()), "event_type": contract.name, "source": contract.source,
            "occurred_at": utcnow().isoformat(), "tenant_id": tenant_id, "data": schema.dump(data)}


class OutboxWriter:
    """Per-worker handle: add events to the worker's own transaction.

    An event's tenant is the caller's (from its verified passport) unless the writer names one;
    it travels with the request id only, never the caller's passport. An event whose body would
    be over the message limit is refused (MessageTooLarge) before anything is written. The
    contract's secret fields are sealed with ``box`` before the row is written.
    """

    def __init__(self, tables, context, on_added, box=None):
        self.tables = tables
        self._context = context  # the worker's Context, or a function that returns it
        self.on_added = on_added
        self.box = box

    @property
    def context(self):
        return self._context() if callable(self._context) else self._context

    def headers(self):
        request_id = self.context.request_id
        return {f"nameko.{REQUEST_ID_KEY}": request_id} if request_id else {}

    def add(self, session, contract, data, tenant_id=None, tenantless=False):
        return self.add_many(session, contract, [data], tenant_id, tenantless)[0]

    def add_many(self, session, contract, payloads, tenant_id=None, tenantless=False):
        """Add events of one contract in one insert; return their envelopes.

        The payloads share one shape, so the first, checked against the contract, stands for all.
        ``tenantless``: no business is known for the event (its subscriber finds it, e.g. from a mail's
        reply token), so its ``tenant_id`` is None.
        """
        if not tenantless:
            tenant_id = tenant_id if tenant_id is not None else self.context.tenant_id
        first = envelope(contract, tenant_id, payloads[0])
        bodies = [first] + [{**first, "event_id": str(uuid.uuid4()), "data": dict(data)} for data in payloads[1:]]
        return self._insert(session, [(contract, body) for body in bodies], tenant_id)

    def add_each(self, session, events, tenant_id=None):
        """Add ``events``, (contract, payload) pairs, each checked against its contract, in one insert."""
        tenant_id = tenant_id if tenant_id is not None else self.context.tenant_id
        return self._insert(session, [(contract, envelope(contract, tenant_id, data)) for contract, data in events],
                            tenant_id)

    def _insert(self, session, events, tenant_id):
        """Write (contract, envelope) ``events`` in the session's transaction, sealed; return the envelopes."""
        bodies = []
        for contract, body in events:
            if contract.secret_fields:
                if self.box is None:
                    raise RuntimeError(f"{contract.name} carries secrets, but this outbox has no key to seal them")
                body = seal_secrets(self.box, contract, body)
            refuse_oversize(encoded_size(body), f"The {contract.name} event")  # here, not stuck in the relay
            bodies.append(body)
        headers, created_at = self.headers(), utcnow()
        session.execute(insert(self.tables.outbox), [
            {"event_id": body["event_id"], "event_type": contract.name, "tenant_id": tenant_id, "body": body,
             "headers": headers, "created_at": created_at, "attempts": 0}
            for (contract, _), body in zip(events, bodies)])
        self.wake_after_commit(session)
        return bodies

    def wake_after_commit(self, session):
        """Wake the relay once this transaction commits: woken earlier, it would find nothing yet and then
        sleep a whole poll interval, which is what a client action's alert would wait."""
        if session.info.get(WAKE_PENDING):
            return
        session.info[WAKE_PENDING] = True

        def committed(_session):
            session.info.pop(WAKE_PENDING, None)
            self.on_added()

        event.listen(session, "after_commit", committed, once=True)


class Relay:
    """Publish committed outbox rows in order, with confirms, and mark them sent."""

    def __init__(self, engine, tables, source, amqp_uri=None):
        self.engine = engine
        self.tables = tables
        self.source = source
        self.exchange = get_event_exchange(source, {})
        self.amqp_uri = amqp_uri
        self.publisher = None

    def _publisher(self):
        if self.publisher is None:
            connection = broker_connection(self.amqp_uri)
            try:
                connection.ensure_connection(max_retries=1)
                declare_topology(connection, self.source)
                self.publisher = ConfirmingPublisher(connection)
            except Exception:
                connection.release()
                raise
        return self.publisher

    def close(self):
        if self.publisher is not None:
            try:
                self.publisher.connection.release()
            except Exception:
                pass
            self.publisher = None

    def publish_pending(self, batch=200):
        """Publish up to ``batch`` pending events; return how many were sent (shared.outbox_rows says how they
        are taken and marked on each database)."""
        outbox = self.tables.outbox
        with Session(self.engine) as session:
            rows = take_pending(session, outbox, batch)
            if not rows:
                return 0
            confirmed = 0
            try:
                publisher = self._publisher()
                try:  # in a row, then one wait for all the confirms (shared/confirms.py)
                    publisher.publish_all([(row.body, self.exchange.name, row.event_type, row.headers, row.event_id)
                                           for row in rows])
                finally:
                    confirmed = publisher.confirmed
            except Exception:
                self.close()
                raise
            finally:
                record_sent(session, outbox, [row.id for row in rows], confirmed)
            return confirmed

    def pending_count(self):
        outbox = self.tables.outbox
        with Session(self.engine) as session:
            return len(session.execute(
                select(outbox.c.id).where(outbox.c.sent_at.is_(None))).all())


class Outbox(BackgroundLoop):
    """Write events with the worker's transaction; relay them to the broker in the background."""

    def __init__(self, tables, poll_seconds=1.0):
        super().__init__(poll_seconds=poll_seconds)
        self.tables = tables
        self.relay = None
        self.box = None

    def setup(self):
        self.relay = Relay(service_engine(self.container), self.tables,
                           self.container.service_name, self.container.config.get("AMQP_URI"))
        if publishes_secrets(self.container.service_name):  # refuse to start without the key
            self.box = SecretBox.from_env()

    def work_once(self):
        return self.relay.publish_pending()

    def finish(self):
        self.relay.close()

    def get_dependency(self, worker_ctx):
        return OutboxWriter(self.tables, lambda: worker_ctx.service.ctx, self.wake, self.box)


# --- consuming ------------------------------------------------------------------------

class ReliableEventHandler(EventHandler):
    """An event handler whose failures are retried with back-off, then dead-lettered.

    Its queue is named without the method name (one handler per event per service), so
    the topology declared from the contracts matches it exactly.
    """

    def __init__(self, source_service, event_type, **kwargs):
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False, **kwargs)

    def setup(self):
        service = self.container.service_name
        self.queue = Queue(subscriber_queue(self.source_service, self.event_type, service),
                           exchange=get_event_exchange(self.source_service, self.container.config),
                           routing_key=self.event_type, durable=True, auto_delete=False)
        with broker_connection(self.container.config.get("AMQP_URI")) as connection:
            channel = connection.channel()
            declare_failure_queues(channel, service, self.queue.name)
            channel.close()
        Consumer.setup(self)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        try:
            self._redeliver_later(message, exc_info[1])
        except Exception:
            log.exception("could not park a failed event; returning it to its queue")
            self.queue_consumer.requeue_message(message)
            return
        self.queue_consumer.ack_message(message)

    def _redeliver_later(self, message, error):
        queue_name = self.queue.name
        headers = dict(message.headers or {})
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        headers.update({ATTEMPTS_HEADER: attempts, QUEUE_HEADER: queue_name,
                        ERROR_HEADER: f"{type(error).__name__}: {error}"[:500]})
        headers.pop("x-death", None)
        delays = config.retry_delays_ms()
        body, service = message.payload, self.container.service_name
        with broker_connection(self.container.config.get("AMQP_URI")) as connection:
            if attempts <= len(delays):
                publish_confirmed(connection, body, retry_exchange(service, delays[attempts - 1]),
                                  queue_name, headers)
            else:
                log.error("event moved to %s after %d attempts: %s", dead_letter_queue(service), attempts, error)
                publish_confirmed(connection, body, redelivery_exchange(service), dead_letter_queue(service),
                                  headers)


class Inbox(DependencyProvider):
    """Let a handler claim an event id so each event changes the service's state once."""

    def __init__(self, tables):
        self.tables = tables

    def get_dependency(self, worker_ctx):
        return self

    def claim(self, session, consumer, event_id):
        session.execute(insert(self.tables.processed_events).values(
            consumer=consumer, event_id=event_id, processed_at=utcnow()))

    def seen(self, session, consumer, event_id):
        table = self.tables.processed_events
        return session.execute(select(table.c.id).where(
            table.c.consumer == consumer, table.c.event_id == event_id)).first() is not None


def on_event(contract):
    """Handle ``contract``'s events once each; the service needs ``db`` and ``inbox``.

    The handler receives the envelope; its changes and the claim commit together.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def handle(self, event):
            consumer = f"{self.name}.{contract.name}"
            if self.inbox.seen(self.db, consumer, event["event_id"]):
                log.info("event %s already handled by %s", event["event_id"], consumer)
                return
            self.inbox.claim(self.db, consumer, event["event_id"])
            result = fn(self, event)
            try:
                self.db.commit()
            except IntegrityError:
                self.db.rollback()
                if not self.inbox.seen(self.db, consumer, event["event_id"]):
                    raise
                # a concurrent delivery of the same event committed first
            return result

        return ReliableEventHandler.decorator(contract.source, contract.name)(handle)

    return decorate
