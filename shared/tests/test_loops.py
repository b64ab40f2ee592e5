"""The background loop that relays events and delivers mail: it backs off on errors, wakes on demand, stops cleanly."""
import eventlet
from nameko.containers import ServiceContainer

from shared.loops import BackgroundLoop


class Recording(BackgroundLoop):
    """Fails ``failures`` times, then does one unit of work per pass while ``waiting`` lasts."""

    def __init__(self):
        super().__init__(poll_seconds=30, max_backoff=0.05)
        self.failures = 2
        self.waiting = 3
        self.done = 0
        self.finished = False

    def work_once(self):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the broker is away")
        if not self.waiting:
            return False
        self.waiting -= 1
        self.done += 1
        return self.waiting


class LoopService:
    name = "loop"
    loop = Recording()


def run_until(condition, seconds=2.0):
    deadline = eventlet.hubs.get_hub().clock() + seconds
    while not condition() and eventlet.hubs.get_hub().clock() < deadline:
        eventlet.sleep(0.01)
    return condition()


def test_the_loop_retries_after_errors_drains_what_waits_and_wakes_on_demand():
    container = ServiceContainer(LoopService, config={})
    loop = next(iter(container.dependencies))
    container.start()
    try:
        assert run_until(lambda: loop.done == 3), "the loop did not drain after the broker came back"
        loop.waiting = 2
        loop.wake()  # without it, the next look would be 30 s away
        assert run_until(lambda: loop.done == 5)
    finally:
        container.stop()
    assert not loop.running


def test_stopping_ends_the_loop_and_releases_it():
    container = ServiceContainer(LoopService, config={})
    loop = next(iter(container.dependencies))
    loop.finish = lambda: setattr(loop, "finished", True)
    container.start()
    run_until(lambda: loop.done)
    container.stop()
    assert loop.finished
