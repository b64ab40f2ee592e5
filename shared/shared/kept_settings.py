"""Each service instance keeps the settings tabs it read, per business, until its own ``settings_updated`` says
a tab of that business changed - never after a guessed time (docs/caching.md, "In the services").

Nearly every call reads its business's settings (is the feature on, what may a client do): one statement per
call or batch, about a tenth of a Home batch's cost. ``SettingsListener`` holds, in a managed green thread, a
connection with an exclusive, auto-delete queue of this instance's own, bound to the service's events exchange
for ``settings_updated``; every instance hears every such event (a shared queue would hand it to one replica).
The rules are the gateway's (gateway/caches.py):

- kept settings are used only while the queue is bound: while the listener is not connected every read goes
  to the database and nothing is kept, and every (dis)connection forgets everything;
- an answer read while an event (or a reconnection) arrived is not kept: the generation moved on;
- the instance that saves a tab forgets the business when its transaction commits (``forget_on_commit``),
  so its own next call sees the change without waiting for the event that tells the other instances;
- a staff member's call reads the stored settings (``read_stored_settings``): staff are who save them, and
  their next call may reach an instance the event has not reached yet.
"""
import logging
import socket
import threading
import uuid

from kombu import Connection, Consumer, Queue
from nameko.events import get_event_exchange
from sqlalchemy import event as sqlalchemy_event

from shared.events.settings import settings_updated
from shared.loops import BackgroundLoop

log = logging.getLogger(__name__)

SESSION_KEY = "portico.kept_settings"  # ``session.info`` key of the instance's KeptSettings (shared.db)
STORED_ONLY = "portico.settings_as_stored"  # ``session.info`` key: this call reads settings as stored
HEARTBEAT_SECONDS = 10  # a silently dead link is noticed within two of these; a closed socket at once
RECONNECT_SECONDS = 1.0
MAX_ENTRIES = 10_000  # a bound on memory, far above the businesses one instance serves


class KeptSettings:
    """``{(table, business): {tab: settings}}`` read by this instance; shared by its workers (never handed out)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.kept = {}
        self.generation = 0
        self.connected = False

    def get(self, key):
        """Return ``(kept tabs or None, generation)``; pass the generation to ``keep`` with what was read."""
        with self.lock:
            return (self.kept.get(key) if self.connected else None), self.generation

    def keep(self, key, tabs, generation):
        with self.lock:
            if self.connected and generation == self.generation:
                if len(self.kept) >= MAX_ENTRIES:
                    self.kept.clear()
                self.kept[key] = tabs

    def forget(self, tenant_id):
        """A tab of the business changed: its settings are read again (and nothing read meanwhile is kept)."""
        with self.lock:
            self.generation += 1
            for key in [key for key in self.kept if key[1] == tenant_id]:
                del self.kept[key]

    def set_connected(self, connected):
        with self.lock:
            self.connected = connected
            self._clear()

    def clear(self):
        with self.lock:
            self._clear()

    def _clear(self):
        self.generation += 1
        self.kept.clear()


def read_stored_settings(session):
    """Have ``session`` (a staff member's call) read settings as stored, never as this instance kept them.

    Staff are who save settings: whichever instance answers their next call must show the save at once, not
    when its event arrives. Clients and the services' own work read what is kept (changes reach them within
    a second), and they make nearly all the calls.
    """
    if session is not None:
        session.info[STORED_ONLY] = True  # the kept settings stay reachable: a save must still forget them


def forget_on_commit(session, tenant_id):
    """Forget the business's kept settings once ``session``'s transaction commits (it saved some)."""
    kept = session.info.get(SESSION_KEY)
    if kept is not None:
        kept.forget(tenant_id)  # now too: a read of this worker's own, before the commit, is not kept either
        sqlalchemy_event.listen(session, "after_commit", lambda _session: kept.forget(tenant_id), once=True)


class SettingsListener(BackgroundLoop):
    """Hear this service's ``settings_updated`` in every instance; ``kept`` is what the instance's reads use."""

    def __init__(self):
        super().__init__(poll_seconds=RECONNECT_SECONDS, max_backoff=RECONNECT_SECONDS)
        self.kept = KeptSettings()
        self.failures = 0

    def work_once(self):
        """Listen until the connection fails; the loop tries again a second later."""
        try:
            self._listen()
        except Exception as error:
            self.failures += 1
            # The first failure says why; a broker that stays away is not logged every second.
            (log.warning if self.failures == 1 else log.debug)(
                "settings listener disconnected (settings are read from the database): %s", error)
        finally:
            self.kept.set_connected(False)
        return False

    def _listen(self):
        service = self.container.service_name
        contract = settings_updated(service)
        with Connection(self.container.config["AMQP_URI"], heartbeat=HEARTBEAT_SECONDS,
                        connect_timeout=3) as connection:
            channel = connection.channel()
            queue = Queue(f"portico.settings.{service}.{uuid.uuid4()}", get_event_exchange(service, {}),
                          routing_key=contract.name, durable=False, exclusive=True, auto_delete=True)
            with Consumer(channel, [queue], callbacks=[self._on_event], no_ack=True, accept=["json"]):
                self.kept.set_connected(True)  # bound: from now on no event is missed
                self.failures = 0
                while self.running:
                    try:
                        connection.drain_events(timeout=RECONNECT_SECONDS)
                    except socket.timeout:
                        pass
                    connection.heartbeat_check()

    def _on_event(self, body, _message):
        try:
            self.kept.forget(body["tenant_id"])
        except Exception:
            # An event it cannot read may have named any business: keep nothing.
            log.exception("unreadable settings_updated event; forgetting every kept setting")
            self.kept.clear()

    def get_dependency(self, worker_ctx):
        return self.kept


def kept_settings_of(container):
    """The KeptSettings of ``container``'s service, or None when it keeps none."""
    listeners = [extension for extension in container.extensions if isinstance(extension, SettingsListener)]
    return listeners[0].kept if listeners else None
