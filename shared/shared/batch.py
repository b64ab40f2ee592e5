"""Several of one service's reads in one RPC: a page asks each service once for everything it needs from it.

A caller sends ``batch([{"method", "args"?, "kwargs"?}, ...])`` to one service; the service runs each call in
the same worker, one after another, exactly as if it had been called alone: through the method's own entrypoint
guard (the deadline, the passport check, the answer's size) and its own access rules, on the same verified call
context. Only methods the service marks ``@batchable`` (reads, or idempotent catch-up work done on the way) and that
are RPC entrypoints themselves may be asked; anything else is answered ``NotBatched`` unrun. Each call's error is that
call's answer, and whatever it left uncommitted is rolled back before the next one runs, so one call can neither fail
nor change another; a settings tab the calls read is read from the database once per batch. The answer is a list in
the order of the calls: ``{"result": ...}`` or ``{"error": ...}`` in nameko's own form of an error (``exc_type``,
``exc_path``, ``exc_args``, ``value``), which callers rebuild as they rebuild a direct call's error.
"""
import contextlib
import functools
import inspect
import logging

from nameko.exceptions import serialize
from sqlalchemy.engine import Engine

from shared.context import MEASURED_BY_BATCH
from shared.errors import InvalidInput, NotBatched, PorticoError
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size
from shared.settings_store import BATCH_SETTINGS

log = logging.getLogger(__name__)

MAX_CALLS = 16  # a page's questions to one service; more is not a page, and one worker should not run them all
CALL_KEYS = {"method", "args", "kwargs"}
# Room for the reply's own wrapping ({"result": [...], "error": null}) and the separators between answers.
ENVELOPE_BYTES = 64


def batchable(entrypoint):
    """Mark an RPC entrypoint that only reads (or does idempotent catch-up work) as one a batch may run."""
    entrypoint.batchable = True
    return entrypoint


def is_batchable(service_class, method):
    """Whether ``method`` names an entrypoint of ``service_class`` marked ``@batchable``.

    A guarded entrypoint (shared.context) carries ``callers``: a plain helper marked by mistake would skip the
    checks every entrypoint makes, so it is refused too.
    """
    if not isinstance(method, str) or method.startswith("_"):
        return False
    entrypoint = getattr(service_class, method, None)
    return callable(entrypoint) and getattr(entrypoint, "batchable", False) is True \
        and getattr(entrypoint, "callers", None) is not None


def run_batch(service, calls):
    """Run ``calls`` on ``service`` (the worker's service instance); return one answer per call, in order."""
    if not isinstance(calls, list) or not calls:
        raise InvalidInput("calls: a batch is a non-empty list of calls.", {"calls": ["Give a list of calls."]})
    if len(calls) > MAX_CALLS:
        raise InvalidInput(f"calls: at most {MAX_CALLS} calls in one batch.",
                           {"calls": [f"At most {MAX_CALLS} calls in one batch."]})
    answers, room = [], MAX_MESSAGE_BYTES - ENVELOPE_BYTES
    setattr(service, MEASURED_BY_BATCH, True)  # the worker's own instance: its batch ends with the worker
    with one_connection(service.db), settings_read_once(service.db):
        for call in calls:
            answer = _answer(service, call)
            size = encoded_size(answer) + 1
            if size > room:  # the others' answers filled the reply: this one is asked again on its own
                answer = _error(NotBatched("This answer does not fit in the batch's reply; ask for it on its own."))
                size = encoded_size(answer) + 1
            room -= size
            answers.append(answer)
    return answers


@contextlib.contextmanager
def one_connection(session):
    """Run the batch's calls on one pooled connection: each call still has its own transactions, but the
    connection is checked out (and pinged) once, not once per call.

    Not on SQLite, whose one pooled connection is the service's database: between two calls (and while a call
    waits on another service with no transaction open) another worker may take it.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name == "sqlite" or session.in_transaction():
        yield
        return
    with bind.connect() as connection:
        session.bind = connection
        try:
            yield
        finally:
            session.rollback()
            session.bind = bind


@contextlib.contextmanager
def settings_read_once(session):
    """Within the batch, a settings tab is read from the database once (shared.settings_store): one page asks its
    questions at one moment, and each call would otherwise read the same row again."""
    session.info[BATCH_SETTINGS] = {}
    try:
        yield
    finally:
        session.info.pop(BATCH_SETTINGS, None)


def _answer(service, call):
    """One call's answer; its uncommitted changes are rolled back whatever it did."""
    try:
        method, args, kwargs = _parse(service, call)
        return {"result": getattr(service, method)(*args, **kwargs)}
    except PorticoError as error:
        return _error(error)
    except Exception as error:  # as nameko reports an unexpected error: its type, not its details
        log.exception("%s.batch: a call failed", service.name)
        return {"error": {"exc_type": type(error).__name__, "exc_path": None, "exc_args": [], "value": ""}}
    finally:
        service.db.rollback()


def _parse(service, call):
    """``(method, args, kwargs)`` of one call; NotBatched for a method no batch may run, InvalidInput for the rest."""
    if not isinstance(call, dict) or not set(call) <= CALL_KEYS:
        raise InvalidInput("A call in a batch is {method, args, kwargs}.")
    method, args, kwargs = call.get("method"), call.get("args", []), call.get("kwargs", {})
    if not is_batchable(type(service), method):
        raise NotBatched(f"{service.name}.{method} cannot be asked in a batch; ask for it on its own.")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise InvalidInput("A call's args are a list and its kwargs an object.")
    try:
        _signature(getattr(type(service), method)).bind(service, *args, **kwargs)
    except TypeError:
        raise InvalidInput(f"The arguments do not fit {service.name}.{method}.") from None
    return method, args, kwargs


@functools.lru_cache(maxsize=None)
def _signature(entrypoint):
    return inspect.signature(entrypoint)


def _error(error):
    return {"error": serialize(error)}
