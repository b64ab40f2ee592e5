"""Moments in UTC, whichever database handed them back; and the tests' controllable clock.

``PORTICO_TEST_CLOCK_FILE`` (tests only, docs/configuration.md) makes ``utcnow`` read the moment from a file
the test writes (``portico_testing.clock.TestClock``), so a test can move a service through days without
sleeping. It cannot be turned on by accident in production: the file is read by the test-support package,
which no production image installs (docker/service.Dockerfile), and a process whose environment sets the
variable without that package refuses to start; the file must also begin with the test clock's marker line.
"""
import importlib
import os
from datetime import datetime, timezone

TEST_CLOCK_VARIABLE = "PORTICO_TEST_CLOCK_FILE"
_test_clock = None  # a function answering the test clock's moment, when the environment asks for one


def utcnow():
    if _test_clock is not None:
        return _test_clock()
    return datetime.now(timezone.utc)


def as_utc(moment):
    """Return ``moment`` in UTC; a zone-less one (as SQLite hands back) already is."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def iso_utc(moment):
    """A stored moment as ISO 8601 text in UTC, or None."""
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()


def _read_test_clock(path):
    # Loaded by name, as a plugin: production code never imports test support (.importlinter), and only a
    # process whose environment asks for the test clock looks for it.
    try:
        reader = importlib.import_module("portico_testing.clock").reader
    except ImportError:
        raise RuntimeError(f"{TEST_CLOCK_VARIABLE} is set, but this installation has no test clock (the "
                           "portico-testing package): unset it; it is for tests only.") from None
    return reader(path)


if os.environ.get(TEST_CLOCK_VARIABLE):
    _test_clock = _read_test_clock(os.environ[TEST_CLOCK_VARIABLE])


def occurred_at(event):
    """When an event's producer made the change (now, if its envelope does not say); a time without a zone is UTC."""
    try:
        return as_utc(datetime.fromisoformat(event["occurred_at"]))
    except (KeyError, TypeError, ValueError):
        return utcnow()
