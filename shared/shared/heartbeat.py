"""Each service instance's own health: a file it refreshes while its broker connection and database answer.

``python -m shared.healthcheck <service>`` (compose's check) and ``make up``'s supervisor read the
file's age, so every instance is judged by itself, never by whichever replica answers a ping.
"""
from nameko.messaging import QueueConsumer

from shared.db import is_reachable, service_engine
from shared.heartbeat_files import heartbeat_file
from shared.loops import BackgroundLoop

INTERVAL_SECONDS = 2.0
FIRST_BEAT_POLL_SECONDS = 0.2  # until the first beat, so whoever waits for the instance learns it is up soon


def consuming(container):
    """True while ``container``'s consumers are attached to an open broker connection."""
    queue_consumer = container.shared_extensions.get(QueueConsumer)
    consumers = list(getattr(queue_consumer, "_consumers", {}).values())
    # After a lost connection kombu keeps the old consumers until it has reconnected, on a dead channel.
    return bool(consumers) and all(
        consumer.channel.connection is not None and consumer.channel.connection.connected for consumer in consumers)


class Heartbeat(BackgroundLoop):
    """Touch the instance's heartbeat file every few seconds while it consumes and its database answers."""

    def __init__(self, interval=INTERVAL_SECONDS):
        super().__init__(poll_seconds=FIRST_BEAT_POLL_SECONDS, max_backoff=interval)
        self.interval = interval
        self.path = None

    def setup(self):
        self.path = heartbeat_file(self.container.service_name)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)  # a previous instance's beat says nothing about this one

    def work_once(self):
        if consuming(self.container) and is_reachable(service_engine(self.container)):
            self.path.touch()
            self.poll_seconds = self.interval
        return False

    def finish(self):
        self.path.unlink(missing_ok=True)

    def get_dependency(self, worker_ctx):
        return None
