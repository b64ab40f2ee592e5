"""Test support: isolated broker vhosts and databases, service processes and a cuttable TCP link."""
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from alembic import command
from alembic.config import Config

from shared.broker_users import amqp_uri, definitions, import_with_rabbitmqctl

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("accounts", "billing", "tickets", "notifications")
POSTGRES_ADMIN_URL = os.environ.get("PORTICO_TEST_POSTGRES_URL",
                                    "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


class Vhost:
    """A throw-away RabbitMQ virtual host, so tests never meet a running system's queues.

    ``guest`` may do anything in it (the tests' own calls and checks); with ``users``, each
    Portico process named also gets a user of its own with the grants ``make up`` and compose
    give it (``shared.broker_users``), created in the same import. The names are chosen before
    anything is created, so ``delete`` can always clean up.
    """

    def __init__(self, host="127.0.0.1", port=5672, prefix="portico-test", users=()):
        self.name = f"{prefix}-{secrets.token_hex(4)}"
        self.host, self.port = host, port
        self.passwords = {process: secrets.token_urlsafe(16) for process in users}

    def user_name(self, process):
        return f"{self.name}-{process}"

    def create(self):
        document = definitions(self.name, self.passwords, self.user_name)
        document["permissions"].append({"user": "guest", "vhost": self.name, "configure": ".*", "write": ".*",
                                        "read": ".*"})
        import_with_rabbitmqctl(document)
        return self

    def uri(self, host=None, port=None, process=None):
        """The vhost's URI as guest, or as ``process``'s own user."""
        user, password = (self.user_name(process), self.passwords[process]) if process else ("guest", "guest")
        return amqp_uri(user, password, host or self.host, port or self.port, self.name)

    def delete(self):
        deleting = [subprocess.Popen(["rabbitmqctl", "-q", *command], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
                    for command in [("delete_vhost", self.name)] + [
                        ("delete_user", self.user_name(process)) for process in self.passwords]]
        for process in deleting:
            process.wait(60)


def row_changes(before, after):
    """Of two ``Databases.rows`` readings, the tables that differ: (rows gone, rows come) for each."""
    before = before or {}
    return {table: (sorted(set(before.get(table, [])) - set(after.get(table, []))),
                    sorted(set(after.get(table, [])) - set(before.get(table, []))))
            for table in set(before) | set(after) if before.get(table) != after.get(table)}


class Databases:
    """One fresh database per service, on SQLite files or on the local PostgreSQL."""

    def __init__(self, backend, directory, services=SERVICES):
        self.backend = backend
        self.prefix = f"portico_test_{secrets.token_hex(4)}"
        self.directory = Path(directory)
        self.urls = {service: self._create(service) for service in services}

    def rows(self, tenants=None, skip_tables=(), skip_columns=()):
        """Every row of every table of every service database, as sorted reprs keyed ``<service>.<table>``;
        of a table with a business column (``tenant_id``), only the rows of ``tenants`` when they are given."""
        from sqlalchemy import MetaData, create_engine, select
        found = {}
        for service, url in self.urls.items():
            engine = create_engine(url)
            try:
                metadata = MetaData()
                metadata.reflect(engine)
                with engine.connect() as connection:
                    for table in metadata.sorted_tables:
                        if table.name in skip_tables:
                            continue
                        query = select(*[column for column in table.c if column.name not in skip_columns])
                        if tenants is not None and "tenant_id" in table.c:
                            query = query.where(table.c.tenant_id.in_(tenants))
                        found[f"{service}.{table.name}"] = sorted(map(repr, connection.execute(query)))
            finally:
                engine.dispose()
        return found

    def settled_rows(self, *args, timeout=30, **kwargs):
        """``rows(...)`` once events still on their way have run their course (two equal readings in a row)."""
        deadline, last = time.monotonic() + timeout, None
        while True:
            current = self.rows(*args, **kwargs)
            if current == last:
                return current
            assert time.monotonic() < deadline, f"the databases still change: {row_changes(last, current)}"
            last = current
            time.sleep(0.5)

    def _create(self, service):
        if self.backend == "sqlite":
            return f"sqlite:///{self.directory / service}.db"
        name = f"{self.prefix}_{service}"
        self._admin(f'CREATE DATABASE "{name}"')
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def _admin(self, statement):
        from sqlalchemy import create_engine, text
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def alembic_config(self, service):
        """The Alembic configuration of ``service``'s migrations, pointed at its database here."""
        config = Config(str(ROOT / "services" / service / "alembic.ini"))
        config.set_main_option("sqlalchemy.url", self.urls[service])
        return config

    def migrate(self):
        for service in self.urls:
            command.upgrade(self.alembic_config(service), "head")

    def drop(self):
        if self.backend == "postgresql":
            for service in self.urls:
                self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)')


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent():
    """In the child, before exec: SIGTERM it when the test process dies (Linux), so a killed or crashed
    test run never leaves services behind holding database connections and CPU. The kernel follows the
    thread that started the child: start services from a thread that outlives them (the main one)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ServiceProcess:
    """One service running as ``python -m shared.run``, exactly as in production."""

    def __init__(self, target, env, log_dir):
        self.target = target
        self.env = env
        self.log_path = Path(log_dir) / f"{target.replace(':', '_')}.log"
        self.process = None

    def start(self, **env_overrides):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "shared.run", self.target],
            env={**self.env, **env_overrides}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent)
        log.close()

    def stop(self, kill=False):
        if self.process and self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_for(predicate, timeout=20.0, interval=0.05, message="condition"):
    """Poll ``predicate`` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the thing polled may not be up yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message} (last error: {last_error!r})")


def at_once(count, action):
    """Run ``action(ready)`` in ``count`` threads and return what each returned. ``ready()`` waits until every thread
    has called it, so their work overlaps however long each took to set up; the first error raised is raised here."""
    barrier = threading.Barrier(count, timeout=60)  # a thread that failed before ready() breaks it for the others
    results, errors = [], []

    def run():
        try:
            results.append(action(barrier.wait))
        except BaseException as error:  # noqa: B902 (raised again in the test's thread)
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise next((error for error in errors if not isinstance(error, threading.BrokenBarrierError)), errors[0])
    return results


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpLink:
    """A TCP proxy the test controls: ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.up = True
        self.connections = []
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.up = False
        with self.lock:
            for sock in self.connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass
            self.connections = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.server.close()


class Passports:
    """A signing key of the test run's own, as accounts holds one: its services verify what it signs.

    ``env`` goes to every service process; ``context(claims)`` is the call context of a caller
    accounts would vouch for, for tests that call a service over RPC directly.
    """

    def __init__(self, key_id="test-run", lifetime=3600):
        from shared.passport import PassportSigner, new_key

        self.private_key, self.public_key = new_key(key_id)
        # Long-lived, so a test may keep a context for its whole run; expiry itself is tested where it is decided.
        self.signer = PassportSigner(self.private_key, lifetime=lifetime)

    @property
    def env(self):
        return {"PASSPORT_PRIVATE_KEY": self.private_key, "PASSPORT_PUBLIC_KEYS": self.public_key}

    def context(self, claims):
        return {"passport": self.signer.issue(claims)}
