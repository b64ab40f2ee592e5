"""A clock a test moves by hand: the moment lives in a file that processes started with
``PORTICO_TEST_CLOCK_FILE`` naming it read at every ``shared.clock.utcnow()``.

The file holds the marker line, then the moment in ISO 8601 with its offset. Without the marker the
reader refuses the file, so the variable pointing at some other file cannot pass for a clock.
"""
from datetime import datetime, timedelta, timezone
from pathlib import Path

MARKER = "portico test clock"


def parse(text, path):
    marker, _, moment = text.partition("\n")
    if marker.strip() != MARKER:
        raise RuntimeError(f"{path} is not a test clock file (its first line must be {MARKER!r}).")
    value = datetime.fromisoformat(moment.strip())
    if value.tzinfo is None:
        raise RuntimeError(f"{path}: the test clock's moment needs its UTC offset.")
    return value.astimezone(timezone.utc)


def reader(path):
    """A function answering the file's moment (read each time, so the test moves it); checked once now."""
    path = Path(path)
    parse(path.read_text(), path)

    def now():
        return parse(path.read_text(), path)
    return now


class TestClock:
    """The writing side: ``set`` or ``advance`` the moment every process reading ``path`` sees."""

    __test__ = False  # not a pytest test class

    def __init__(self, path, moment):
        self.path = Path(path)
        self.set(moment)

    @property
    def env(self):
        return {"PORTICO_TEST_CLOCK_FILE": str(self.path)}

    def now(self):
        return parse(self.path.read_text(), self.path)

    def set(self, moment):
        if moment.tzinfo is None:
            raise ValueError("Give the test clock an aware moment.")
        partial = self.path.with_suffix(".writing")
        partial.write_text(f"{MARKER}\n{moment.astimezone(timezone.utc).isoformat()}\n")
        partial.replace(self.path)  # atomic: a reader never sees half a file

    def advance(self, **delta):
        self.set(self.now() + timedelta(**delta))
