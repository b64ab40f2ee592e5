"""The mailroom: workers queue messages into it; a background green thread delivers them."""
import logging

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider

from notifications import mailbox
from notifications.delivery import Courier, DeliverySettings, email_transport, sms_provider
from shared.db import service_engine

log = logging.getLogger(__name__)


class Postbox:
    """Per-worker handle: queue drafts in the worker's transaction; the courier wakes after it."""

    def __init__(self, settings):
        self.settings = settings
        self.queued = False

    @property
    def base_url(self):
        return self.settings.base_url

    def queue(self, session, draft):
        message = mailbox.queue(session, draft)
        self.queued = self.queued or message is not None
        return message


class Mailroom(DependencyProvider):
    """Deliver queued messages from one managed thread, woken when a worker queued one.

    It also looks every ``poll_seconds`` for retries falling due and for rows another
    instance queued. Every instance runs one; ``Courier`` keeps them off each other's rows.
    """

    def __init__(self, poll_seconds=0.5):
        self.poll_seconds = poll_seconds
        self.wakeups = LightQueue(maxsize=1)
        self.postboxes = {}
        self.running = False
        self.thread = None
        self.settings = None
        self.courier = None

    def setup(self):
        self.settings = DeliverySettings.from_env()
        self.courier = Courier(service_engine(self.container), email_transport(self.settings),
                               sms_provider(self.settings.sms_provider), self.settings.retry_delays)

    def start(self):
        self.running = True
        self.thread = self.container.spawn_managed_thread(self._run)

    def stop(self):
        self.running = False
        self.wake()
        if self.thread is not None:
            # Let a send under way finish, so its outcome is recorded rather than left to the lease.
            with eventlet.Timeout(10, False):
                self.thread.wait()

    def kill(self):
        self.running = False
        self.wake()

    def wake(self):
        try:
            self.wakeups.put_nowait(True)
        except Exception:
            pass  # a wake-up is already pending

    def _run(self):
        while self.running:
            try:
                while self.running and self.courier.deliver_next():
                    pass
            except Exception as error:  # e.g. the database is unreachable: try again shortly
                log.warning("mail delivery paused (%s); retrying", type(error).__name__)
                eventlet.sleep(min(self.poll_seconds * 4, 5))
                continue
            try:
                self.wakeups.get(timeout=self.poll_seconds)
            except Empty:
                pass

    def get_dependency(self, worker_ctx):
        postbox = Postbox(self.settings)
        self.postboxes[worker_ctx] = postbox
        return postbox

    def worker_teardown(self, worker_ctx):
        # After the worker, so its transaction has committed and the courier can see the rows.
        postbox = self.postboxes.pop(worker_ctx, None)
        if postbox is not None and postbox.queued:
            self.wake()
