"""The compose stack as the container test drives it: docker-compose and docker commands, and the gateway over HTTP."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_SHOT = {"broker-users", "seed"}  # jobs that run to completion; every other container stays up


def run(*args, timeout=600, check=True, env=None):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args[:4])}... failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def uses_local_bases():
    """Whether scripts/images.sh built the broker and the database from Debian's packages (no registry answered)."""
    def present(image):
        return run("docker", "image", "inspect", image, check=False).returncode == 0
    return present("portico-base/rabbitmq:local") and not present("python:3.11-slim")


def compose_files():
    """docker-compose.yml, the local bases' override when they are what the images were built on, the test's own."""
    files = ["docker-compose.yml", *(["docker-compose.local-bases.yml"] if uses_local_bases() else []),
             "tests/containers/compose.test.yml"]
    return os.pathsep.join(files)


class Stack:
    """One compose project: its own name, its own secrets and ports; the same docker-compose.yml users run."""

    def __init__(self, project, settings, ports):
        self.project, self.ports = project, ports
        self.env = {**os.environ, **settings, **{name: str(port) for name, port in ports.items()},
                    "COMPOSE_PROJECT_NAME": project, "COMPOSE_FILE": compose_files()}
        self.gateway = f"http://127.0.0.1:{ports['GATEWAY_PORT']}"
        self.processor = f"http://127.0.0.1:{ports['SANDBOX_PROCESSOR_PORT']}"
        self.mailbox = f"http://127.0.0.1:{ports['MAILBOX_PORT']}"

    def compose(self, *args, timeout=600, check=True):
        return run("docker-compose", *args, timeout=timeout, check=check, env=self.env)

    def build(self):
        """Build every image as ``make images`` does (a local base when no registry answers); print their sizes.
        On a machine whose image store was empty, the local bases exist only from now on: compose is told again."""
        built = run("scripts/images.sh", timeout=1800, env=self.env).stdout
        self.env["COMPOSE_FILE"] = compose_files()
        return built

    # --- containers --------------------------------------------------------------------------------

    def containers(self, service=None):
        """Every container of the project (of one service), as ``docker inspect`` describes it, by name."""
        ids = run("docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={self.project}").stdout.split()
        found = json.loads(run("docker", "inspect", *ids).stdout) if ids else []
        return sorted((c for c in found
                       if service in (None, c["Config"]["Labels"]["com.docker.compose.service"])),
                      key=lambda c: c["Name"])

    @staticmethod
    def health(container):
        return (container["State"].get("Health") or {}).get("Status") or container["State"]["Status"]

    def unhealthy(self):
        """The containers that should be up and are not (yet) healthy, with their state."""
        return {c["Name"].lstrip("/"): self.health(c) for c in self.containers()
                if c["Config"]["Labels"]["com.docker.compose.service"] not in ONE_SHOT and self.health(c) != "healthy"}

    def wait_healthy(self, timeout=300):
        """Wait until every long-running container is healthy; return the seconds it took."""
        started = time.monotonic()
        while (waiting := self.unhealthy()) or not self.containers("gateway"):
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not healthy after {timeout} s: {waiting}")
            time.sleep(0.5)
        return time.monotonic() - started

    def wait_health(self, container, wanted, timeout=120):
        started = time.monotonic()
        while (state := self.health(self.inspect(container))) != wanted:
            assert time.monotonic() - started < timeout, f"{container} still {state} after {timeout} s"
            time.sleep(0.5)
        return time.monotonic() - started

    @staticmethod
    def inspect(name):
        return json.loads(run("docker", "inspect", name).stdout)[0]

    @staticmethod
    def logs(name):
        result = run("docker", "logs", name)
        return result.stdout + result.stderr

    def json_logs(self, name, message):
        """The JSON log records of a container whose message is ``message``."""
        records = []
        for line in self.logs(name).splitlines():
            if line.startswith("{") and f'"{message}"' in line:
                record = json.loads(line)
                if record.get("message") == message:
                    records.append(record)
        return records

    def memory(self):
        """Each running container's memory now and at its peak (cgroup v1's high-water mark, where it is kept), MiB."""
        found = {}
        for container in self.containers():
            if container["State"]["Running"]:
                folder = Path("/sys/fs/cgroup/memory/docker") / container["Id"]
                found[container["Name"].lstrip("/")] = {
                    name: round(int((folder / f"memory.{file}").read_text()) / 2 ** 20)
                    for name, file in (("now", "usage_in_bytes"), ("peak", "max_usage_in_bytes"))
                    if (folder / f"memory.{file}").exists()}
        return found

    def sql(self, database, statement):
        """Rows of a statement run in one service's database, inside the PostgreSQL container."""
        result = self.compose("exec", "-T", "postgres", "psql", "-U", "postgres", "-d", database, "-At", "-F", "\t",
                              "-c", statement, timeout=60)
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def processor_charges(self, token):
        """The sandbox processor's succeeded charges on a card, as (amount, idempotency key), from its own database."""
        script = ("import json, os, sqlite3; from sandbox_processor.app import default_database_url as database_url;"
                  "db = sqlite3.connect(database_url().split(':///', 1)[1]);"
                  "print(json.dumps(db.execute(\"SELECT amount, idempotency_key FROM charges "
                  "WHERE token = ? AND status = 'succeeded'\", (os.environ['TOKEN'],)).fetchall()))")
        result = self.compose("exec", "-T", "-e", f"TOKEN={token}", "sandbox-processor", "python", "-c", script,
                              timeout=60)
        return [tuple(row) for row in json.loads(result.stdout)]

    def save_logs(self):
        """Every container's log in var/containers-test.log, for whoever looks into a failure."""
        (ROOT / "var").mkdir(exist_ok=True)
        (ROOT / "var" / "containers-test.log").write_text(self.compose("logs", "--no-color", check=False).stdout)

    def down(self):
        return self.compose("down", "-v", "--remove-orphans", "--timeout", "20", timeout=300, check=False)

    def leftovers(self):
        """Containers, volumes and networks of the project still on the machine."""
        label = f"label=com.docker.compose.project={self.project}"
        return {kind: run("docker", *command, "--filter", label).stdout.split()
                for kind, command in (("containers", ("ps", "-aq")), ("volumes", ("volume", "ls", "-q")),
                                      ("networks", ("network", "ls", "-q")))}

    # --- the gateway --------------------------------------------------------------------------------

    def api(self, method, path, body=None, token=None, base=None, **headers):
        """Call the gateway's API (or ``base``); return (status, decoded JSON body)."""
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request((base or self.gateway) + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, (json.loads(raw) if raw else None)

    def ok(self, method, path, body=None, token=None, expect=(200, 201, 202), **headers):
        status, answer = self.api(method, path, body, token, **headers)
        assert status in expect, f"{method} {path}: {status} {answer}"
        return answer
