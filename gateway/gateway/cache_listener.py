"""Each gateway process's ear on the bus: the events that end what gateway/caches.py keeps.

One thread per process (per gunicorn worker) holds a connection with an exclusive, auto-delete queue of
its own, bound to accounts' ``access_changed`` and ``settings_updated`` (everything kept is accounts'
answer): each process hears every event (a shared queue would hand each event to one process only). The
queue exists only while the connection does, so the caches are in use only then (``Caches.set_connected``).
The gateway may bind to ``accounts.events`` but not declare it: until accounts (or a subscriber) has
declared it, binding fails and the caches stay bypassed, retrying each second.
"""
import json
import logging
import threading

import pika

from gateway.rpc import connection_parameters
from shared.events import ACCESS_CHANGED, SETTINGS_UPDATED, events_exchange

log = logging.getLogger(__name__)

EVENTS = (ACCESS_CHANGED, SETTINGS_UPDATED["accounts"])
HEARTBEAT_SECONDS = 10  # a silently dead link is noticed within two of these; a closed socket at once
RECONNECT_SECONDS = 1.0


class CacheListener:
    """Receive the caches' events in a daemon thread; reconnect after any failure."""

    def __init__(self, caches, amqp_uri):
        self.caches = caches
        self.parameters = connection_parameters(amqp_uri)
        self.parameters.heartbeat = HEARTBEAT_SECONDS
        self.stopping = threading.Event()
        self.connection = None
        self.thread = threading.Thread(target=self._run, name="cache-listener", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        connection = self.connection
        if connection is not None:
            try:
                connection.add_callback_threadsafe(connection.close)
            except Exception:
                pass
        self.thread.join(timeout=5)

    def _run(self):
        failures = 0
        while not self.stopping.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as exc:
                failures += 1
                # The first failure says why; a broker that stays away is not logged every second.
                (log.warning if failures == 1 else log.debug)("cache listener disconnected: %s", exc)
            finally:
                self.connection = None
                self.caches.set_connected(False)
            self.stopping.wait(RECONNECT_SECONDS)

    def _listen(self):
        connection = pika.BlockingConnection(self.parameters)
        self.connection = connection
        try:
            channel = connection.channel()
            queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
            for contract in EVENTS:
                channel.queue_bind(queue, events_exchange(contract.source), routing_key=contract.name)
            channel.basic_consume(queue, self._on_event, auto_ack=True)
            self.caches.set_connected(True)  # bound: from now on no event is missed
            while not self.stopping.is_set():
                connection.process_data_events(time_limit=1.0)
        finally:
            if connection.is_open:
                connection.close()

    def _on_event(self, _channel, method, _properties, body):
        try:
            event = json.loads(body)
            tenant_id = event["tenant_id"]
            data = event.get("data") or {}
            if method.routing_key == ACCESS_CHANGED.name:
                self.caches.access_changed(tenant_id, data.get("staff_user_ids") or (),
                                           data.get("portal_user_ids") or (), bool(data.get("whole_business")))
            else:
                self.caches.settings_updated(tenant_id)
        except Exception:
            # An event it cannot read may have meant anything: keep nothing that it could have changed.
            log.exception("unreadable cache event; clearing the caches")
            self.caches.clear()


def start_listener(amqp_uri):
    """A ``Caches(start_listener=...)`` argument: listen on ``amqp_uri`` for the caches given."""
    return lambda caches: CacheListener(caches, amqp_uri).start()
