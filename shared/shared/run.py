"""Run one service: ``python -m shared.run billing`` (or ``module:Class``) from the repository root."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # nameko 2.x runs on it by design

import os  # noqa: E402

import eventlet  # noqa: E402

# psycopg2 is made green only where a database is PostgreSQL: patching imports it (its libpq, libssl and
# libcrypto: ~3 MB resident a service), which the embedded SQLite default of make up never uses.
_POSTGRESQL = any(name.endswith("DATABASE_URL") and value.startswith("postgres") for name, value in os.environ.items())
eventlet.monkey_patch(all=True, psycopg=_POSTGRESQL)  # noqa: E402  (must precede every other import)

import contextlib  # noqa: E402
import importlib  # noqa: E402
import logging.config  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from amqp.exceptions import ConnectionError as AmqpConnectionError  # noqa: E402
from nameko import containers  # noqa: E402
from nameko.cli.run import run  # noqa: E402
from nameko.messaging import QueueConsumer  # noqa: E402

from shared.config import amqp_uri, load_service_config  # noqa: E402
from shared.logs import logging_config  # noqa: E402
from shared.rpc_entrypoint import drop_undecodable  # noqa: E402


def _settle_quietly(action):
    """``QueueConsumer.ack_message``/``requeue_message`` that let a lost connection be.

    nameko 2.x ignores amqp's ConnectionError here but not the socket's own (BrokenPipeError,
    ConnectionResetError): a requeue on a dead socket then raised inside the RPC consumer, which
    answered the caller with that error although the broker redelivers the call and runs it.
    Either way the broker takes back what was not acknowledged, so there is nothing to do.
    """

    def settle(self, message):
        if message.channel.connection:
            try:
                getattr(message, action)()
            except (AmqpConnectionError, OSError):
                pass

    return settle


QueueConsumer.ack_message = _settle_quietly("ack")
QueueConsumer.requeue_message = _settle_quietly("requeue")
QueueConsumer.on_decode_error = drop_undecodable

# A log line names no thread or process (shared.logs), so a record need not look them up: under eventlet,
# finding the current thread alone cost a no-op call a few percent of the service's CPU.
logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False

_NOT_TIMED = contextlib.nullcontext()
_time_and_log = containers._log_time


def _log_time_when_debugging(message, *args):
    """nameko's timing of each step of each worker (four per call), for DEBUG lines: skipped unless they are wanted."""
    if containers._log.isEnabledFor(logging.DEBUG):
        return _time_and_log(message, *args)
    return _NOT_TIMED


containers._log_time = _log_time_when_debugging


def service_class(target):
    """``billing`` means billing.service:BillingService; ``module:Class`` is taken as written."""
    module, _, cls = target.partition(":")
    if not cls:
        module, cls = f"{target}.service", f"{target.capitalize()}Service"
    return getattr(importlib.import_module(module), cls)


def main(argv=None):
    target = (argv or sys.argv[1:])[0]
    service = service_class(target)
    config_path = Path("services") / service.name / "config.yml"  # relative to the repository root
    config = load_service_config(config_path) if config_path.exists() else {}
    config.setdefault("AMQP_URI", amqp_uri())
    logging.config.dictConfig(logging_config(service.name))
    run([service], config)


if __name__ == "__main__":
    main()
