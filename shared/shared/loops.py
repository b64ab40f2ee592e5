"""Background work inside a service: one managed green thread that works, waits for a wake-up, and works again."""
import logging

import eventlet
from eventlet.queue import Empty, Full, LightQueue
from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)


class BackgroundLoop(DependencyProvider):
    """Run ``work_once`` in a managed green thread for as long as the service runs.

    ``wake()`` (say, once a worker committed new work) starts a pass at once; otherwise the loop
    looks every ``poll_seconds`` for work others left. A pass that raises is retried after a
    back-off that doubles up to ``max_backoff`` seconds. Stopping lets a pass under way finish.
    """

    stop_timeout = 10.0  # seconds a pass under way may take to finish when the service stops
    log_error_text = True  # False where an error's text could carry an address or a secret

    def __init__(self, poll_seconds=1.0, max_backoff=5.0):
        self.poll_seconds = poll_seconds
        self.max_backoff = max_backoff
        self.wakeups = LightQueue(maxsize=1)
        self.running = False
        self.thread = None

    def work_once(self):
        """Do one batch of work; return truthy while more is waiting."""
        raise NotImplementedError

    def finish(self):
        """Release what the loop holds once it has stopped."""

    def start(self):
        self.running = True
        self.thread = self.container.spawn_managed_thread(self._run)

    def stop(self):
        self.running = False
        self.wake()
        if self.thread is not None:
            with eventlet.Timeout(self.stop_timeout, False):
                self.thread.wait()

    def kill(self):
        self.running = False
        self.wake()

    def wake(self):
        try:
            self.wakeups.put_nowait(True)
        except Full:
            pass  # a wake-up is already pending

    def _run(self):
        first_backoff = backoff = min(0.5, self.max_backoff)
        while self.running:
            try:
                while self.running and self.work_once():
                    pass
                backoff = first_backoff
            except Exception as error:  # e.g. the broker or the database is unreachable for now
                detail = f"{type(error).__name__}: {error}" if self.log_error_text else type(error).__name__
                log.warning("%s paused (%s); retrying in %.1f s", type(self).__name__, detail, backoff)
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            try:
                self.wakeups.get(timeout=self.poll_seconds)
            except Empty:
                pass
        self.finish()
