"""One RabbitMQ user per Portico process, each allowed only what its part of the topology needs.

RabbitMQ grants a user three regular expressions per vhost, matched against exchange and queue
names: *configure* (declare, delete), *write* (publish to an exchange, bind a queue) and *read*
(consume from a queue, bind to an exchange); and, per topic exchange, which routing keys it may
publish with and bind with. The grants below are derived from the event contracts
(``shared.events``) and nameko's naming, and explained in docs/security.md.

``python -m shared.broker_users`` creates the users through the management API (compose's
``broker-users`` job); ``ensure_local_users`` creates them with rabbitmqctl (``make up``).
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from shared.config import var_dir
from shared.events import (CONTRACTS, SERVICES, dead_letter_queue, direct_exchange, events_exchange,
                           subscriber_queue)

RPC_EXCHANGE = "nameko-rpc"
PROCESSES = (*SERVICES, "gateway", "operator")
NOTHING = "^$"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Queues RabbitMQ names itself: the exclusive reply queues of the gateway's RPC client.
SERVER_NAMED = r"amq\.gen-[A-Za-z0-9_-]+"
GATEWAY_REPLY_KEY = f"portico-gateway-{UUID}"
METHOD = "[A-Za-z_][A-Za-z0-9_]*"
# The only calls one service makes to another (nameko's RpcProxy, with a reply queue of its own).
SERVICE_CALLS = {"billing": ("accounts.get_client",),
                 # staff-opened tickets, assignment; the calling client's names for staff alerts; the sender
                 # of a mail to a business's support address; a client's ticket about a visit (billing names it)
                 "tickets": ("accounts.get_client", "accounts.list_staff_users", "accounts.get_my_names",
                             "accounts.find_mail_sender", "billing.my_visit_reference"),
                 # a support-address mail, before answering; the accounts an announcement names
                 "notifications": ("tickets.open_ticket_from_mail", "accounts.get_client")}


@dataclass(frozen=True)
class Grant:
    """What one user may do in the vhost: the three resource patterns and the RPC routing keys."""

    configure: str
    write: str
    read: str
    rpc_publish_keys: str  # routing keys it may publish to nameko-rpc with
    rpc_bind_keys: str  # binding keys it may bind a queue to nameko-rpc with


def _either(literals=(), patterns=()):
    """A pattern matching exactly one of ``literals`` or of ``patterns``."""
    choices = sorted({name.replace(".", r"\.") for name in literals}) + list(patterns)
    return f"^({'|'.join(choices)})$" if choices else NOTHING


def service_grant(service, contracts=CONTRACTS):
    """What ``service`` needs: its RPC queue, its own events, its subscriptions, its retries and dead letters."""
    published = [contract for contract in contracts if contract.source == service]
    subscribed = [contract for contract in contracts if service in contract.subscribers]
    own_exchange = [events_exchange(service)] if published else []
    # The publisher declares its subscribers' queues, so an event waits for a consumer not yet started.
    outgoing = [subscriber_queue(service, contract.name, name) for contract in published
                for name in contract.subscribers]
    incoming = [subscriber_queue(contract.source, contract.name, service) for contract in subscribed]
    sources = [events_exchange(contract.source) for contract in subscribed]
    failures = [direct_exchange(service), dead_letter_queue(service)] if subscribed else []
    retries = [rf"portico\.retry\.{service}\.[0-9]+ms"] if subscribed else []
    calls = SERVICE_CALLS.get(service, ())
    # nameko's RpcProxy listens on rpc.reply-<service>-<uuid>, bound with the bare uuid.
    patterns = retries + ([rf"rpc\.reply-{service}-{UUID}"] if calls else [])
    # Each instance's own queue for its settings_updated (shared.kept_settings), bound to its own exchange.
    patterns.append(rf"portico\.settings\.{service}\.{UUID}")
    rpc = [RPC_EXCHANGE, f"rpc-{service}"]
    return Grant(
        configure=_either(rpc + own_exchange + outgoing + sources + incoming + failures, patterns),
        write=_either(rpc + own_exchange + outgoing + incoming + failures, patterns),
        read=_either(rpc + own_exchange + sources + incoming + failures[:1], patterns),
        # Replies (to the gateway's keys and to nameko's own callers', a bare uuid), and its own few calls.
        rpc_publish_keys=_either(calls, [f"(portico-gateway-)?{UUID}"]),
        rpc_bind_keys=_either(patterns=[rf"{service}\.\*"] + ([UUID] if calls else [])),
    )


def caller_grant(operator=False):
    """What the gateway needs to call services and hear what ends its caches (binding to accounts' events, not
    publishing them); the operator may also read and replay dead letters."""
    rpc = _either([RPC_EXCHANGE], [SERVER_NAMED])
    return Grant(
        configure=rpc,
        write=_either([RPC_EXCHANGE], [SERVER_NAMED, r"portico\.direct\.[a-z_]+"] if operator else [SERVER_NAMED]),
        read=_either([RPC_EXCHANGE], [SERVER_NAMED, r"dead-letters\.[a-z_]+"] if operator else
                     [SERVER_NAMED, r"accounts\.events"]),
        rpc_publish_keys=f"^({'|'.join(SERVICES)})\\.{METHOD}$",
        rpc_bind_keys=f"^{GATEWAY_REPLY_KEY}$",
    )


def grant(process):
    if process in SERVICES:
        return service_grant(process)
    if process in ("gateway", "operator"):
        return caller_grant(operator=process == "operator")
    raise ValueError(f"no broker user for {process!r}; expected one of {PROCESSES}")


def password_hash(password):
    """RabbitMQ's salted SHA-256 of ``password``, as its definitions carry it."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(vhost, passwords, user_name=lambda process: f"portico-{process}"):
    """RabbitMQ definitions creating ``vhost`` and a user with its grant for each ``{process: password}``."""
    users, permissions, topic_permissions = [], [], []
    for process, password in passwords.items():
        name, allowed = user_name(process), grant(process)
        users.append({"name": name, "password_hash": password_hash(password),
                      "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""})
        permissions.append({"user": name, "vhost": vhost, "configure": allowed.configure,
                            "write": allowed.write, "read": allowed.read})
        topic_permissions.append({"user": name, "vhost": vhost, "exchange": RPC_EXCHANGE,
                                  "write": allowed.rpc_publish_keys, "read": allowed.rpc_bind_keys})
    return {"vhosts": [{"name": vhost}], "users": users, "permissions": permissions,
            "topic_permissions": topic_permissions}


def import_with_rabbitmqctl(document):
    """Import definitions into the broker on this machine (root, or rabbitmq's Erlang cookie, needed)."""
    subprocess.run(["rabbitmqctl", "-q", "import_definitions"], input=json.dumps(document).encode(),
                   check=True, capture_output=True, timeout=60, start_new_session=True)


def import_over_http(api_url, admin_user, admin_password, document, wait_seconds=60):
    """Post definitions to the management API, waiting up to ``wait_seconds`` for it to answer."""
    token = base64.b64encode(f"{admin_user}:{admin_password}".encode()).decode()
    request = urllib.request.Request(f"{api_url.rstrip('/')}/api/definitions", data=json.dumps(document).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Authorization": f"Basic {token}"})
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError:
            raise  # the API answered: wrong credentials or a refused definition, waiting will not help
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def amqp_uri(user, password, host, port, vhost):
    return f"pyamqp://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}/{quote(vhost, safe='')}"


def ensure_local_users(base_uri, vhost="/"):
    """Create each process's user on the local broker (passwords kept under var/); return ``{process: uri}``."""
    path = var_dir() / "broker-users.json"
    passwords = json.loads(path.read_text()) if path.exists() else {}
    passwords = {process: passwords.get(process) or secrets.token_urlsafe(24) for process in PROCESSES}
    path.touch(mode=0o600)
    path.write_text(json.dumps(passwords, indent=2))
    import_with_rabbitmqctl(definitions(vhost, passwords))
    broker = urlsplit(base_uri)
    host, port = broker.hostname or "127.0.0.1", broker.port or 5672
    return {process: amqp_uri(f"portico-{process}", password, host, port, vhost)
            for process, password in passwords.items()}


def main(argv=None):
    """Create every process's user through the management API, passwords from ``<PROCESS>_BROKER_PASSWORD``."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--api", default=os.environ.get("RABBITMQ_API_URL", "http://rabbitmq:15672"))
    parser.add_argument("--vhost", default="/")
    args = parser.parse_args(argv)
    needed = [f"{process.upper()}_BROKER_PASSWORD" for process in PROCESSES] + ["RABBITMQ_ADMIN_PASSWORD"]
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        print(f"broker users: set {', '.join(missing)}", file=sys.stderr)
        return 2
    passwords = {process: os.environ[f"{process.upper()}_BROKER_PASSWORD"] for process in PROCESSES}
    import_over_http(args.api, os.environ.get("RABBITMQ_ADMIN_USER", "admin"), os.environ["RABBITMQ_ADMIN_PASSWORD"],
                     definitions(args.vhost, passwords))
    print(f"broker users ready: {', '.join(f'portico-{process}' for process in PROCESSES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
