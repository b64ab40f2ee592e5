"""The resident memory of the whole ``make up`` stack, RabbitMQ included, after a while of Home page load.

    .venv/bin/python bench/stack_memory.py [--seconds 30] [--clients 16] [--invoices 12] [--keep-logs]

It runs ``scripts/up.py`` itself, as ``make up`` does after migrating, on a throw-away directory
(``PORTICO_VAR_DIR``: the SQLite databases, the mailbox, the logs), free ports and a throw-away RabbitMQ
vhost: the four services, the sandbox processor, the development mailbox and the gateway under gunicorn,
with the demo business seeded. Then ``--clients`` signed-in clients of a business of their own (made as
``bench/home_page.py`` makes them) ask for their Home page in a loop for ``--seconds``, and it prints, for
every process of the stack and for RabbitMQ's ``beam.smp``, the resident set (RSS) and the proportional set
(PSS: pages shared between processes, such as gunicorn's forked workers, counted once across them), and
the totals against the target (at most 800 MB, RabbitMQ included).

RabbitMQ here is the machine's one broker: its figure includes whatever other vhosts hold at the time
(other test runs), so read it with the load average printed beside it.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.rpc import RpcClient  # noqa: E402
from portico_testing import Databases, Passports, Vhost, free_port, wait_for  # noqa: E402

from bench.home_page import SECRETS_KEY, Client, drive, percentile, prepare, stop, wait_http  # noqa: E402
from bench.running import keep_logs, run_interruptibly  # noqa: E402

TARGET_MB = 800.0
BROKER = "beam.smp"


def stack_env(vhost, var_dir, passports):
    """make up's environment on throw-away ports, directory and vhost; the passport and sealing keys are the
    bench's, so it can make its clients the way home_page.py does."""
    ports = {name: str(free_port()) for name in ("PORTICO_PORT", "MAILBOX_SMTP_PORT", "MAILBOX_HTTP_PORT",
                                                 "SANDBOX_PROCESSOR_PORT", "INBOUND_SMTP_PORT")}
    environ = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    return {**environ, **ports, **passports.env, "AMQP_URI": vhost.uri(), "PORTICO_VAR_DIR": str(var_dir),
            "MESSAGE_SECRETS_KEYS": SECRETS_KEY, "PAYMENT_PROCESSOR_URL":
            f"http://127.0.0.1:{ports['SANDBOX_PROCESSOR_PORT']}"}


def start_stack(env, log_path):
    log = open(log_path, "ab")
    process = subprocess.Popen([sys.executable, "scripts/up.py"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def children(pid):
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def tree(pid):
    """``pid`` and all its descendants."""
    pids = [pid]
    for child in children(pid):
        pids += tree(child)
    return pids


def memory_kb(pid):
    """(RSS, PSS) of a process in kB, from /proc (Linux)."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def label(pid):
    """A short name for a process: the module or program it runs."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except (FileNotFoundError, ProcessLookupError):
        return str(pid)
    words = [word for word in words if word]
    if "-m" in words:
        return " ".join(words[words.index("-m") + 1:words.index("-m") + 3])
    if any(word.endswith("gunicorn") for word in words):
        return "gunicorn gateway"
    return " ".join(Path(word).name for word in words[:2])


def listening_inodes(port):
    """The socket inodes listening on TCP ``port`` (Linux /proc/net/tcp and tcp6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes


def broker_pids(port):
    """The RabbitMQ node serving ``port`` (the machine may run other nodes): its beam.smp and its children."""
    wanted = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != BROKER:
                continue
            if any(os.readlink(fd) in wanted for fd in (entry / "fd").iterdir()):
                return tree(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return []


def measure(stack_pid, amqp_port):
    """One row per process: (name, RSS kB, PSS kB)."""
    rows = [(label(pid), *memory_kb(pid)) for pid in tree(stack_pid)]
    rows += [(f"RabbitMQ {label(pid)}", *memory_kb(pid)) for pid in broker_pids(amqp_port)]
    return rows


def report(rows, load):
    print(f"\n{'process':<40} {'RSS MB':>8} {'PSS MB':>8}")
    for name, rss, pss in sorted(rows, key=lambda row: -row[1]):
        print(f"{name[:40]:<40} {rss / 1024:>8.1f} {pss / 1024:>8.1f}")
    rss, pss = sum(row[1] for row in rows) / 1024, sum(row[2] for row in rows) / 1024
    broker = sum(row[1] for row in rows if row[0].startswith("RabbitMQ")) / 1024
    print(f"{'total':<40} {rss:>8.1f} {pss:>8.1f}   (RabbitMQ RSS {broker:.1f} MB, the rest {rss - broker:.1f} MB)")
    for kind, value in (("RSS", rss), ("PSS", pss)):
        print(f"target 6: whole stack {kind} {value:.0f} MB against <= {TARGET_MB:.0f} MB: "
              f"{'met' if value <= TARGET_MB else 'NOT met'}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in load)}")


def home_load(port, slug, signed_in, seconds):
    clients = [Client(port, slug, token, expected) for token, expected in signed_in]
    for client, (token, _) in zip(clients, signed_in):
        # make up serves plain http: the session cookie has no __Host- prefix (gateway/portal_auth.py)
        client.headers["Cookie"] = f"portico_client_{slug}={token}"
        client.start()
    try:
        served = []
        elapsed = drive(clients, seconds, served)
    finally:
        for client in clients:
            client.stopping = True
            client.running.clear()
    errors = [error for client in clients for error in client.errors]
    served.sort()
    print(f"Home load: {len(served)} pages in {elapsed:.1f} s ({len(served) / elapsed:.0f} req/s), "
          f"p50 {percentile(served, 0.5) * 1000 if served else 0:.0f} ms, errors {len(errors)}"
          + (f", e.g. {errors[0]}" if errors else ""), flush=True)


def benchmark(args):
    vhost = Vhost(host="127.0.0.1", prefix="portico-bench")
    var_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    logs = Path(var_dir.name) / "log"
    stack = rpc = None
    try:
        vhost.create()
        databases = Databases("sqlite", var_dir.name)  # make up's embedded default, migrated as make up does
        databases.migrate()
        passports = Passports()
        env = stack_env(vhost, var_dir.name, passports)
        logs.mkdir()
        stack = start_stack(env, logs / "up.log")
        port = int(env["PORTICO_PORT"])
        wait_http(port, "/healthz", stack, logs / "up.log")
        wait_for(lambda: b"Portico is up" in (logs / "up.log").read_bytes() or stack.poll() is not None,
                 timeout=120, interval=0.2, message="the demo business's seeding")
        if stack.poll() is not None:
            raise SystemExit(f"make up's stack exited:\n{(logs / 'up.log').read_text(errors='replace')[-3000:]}")
        rpc = RpcClient(vhost.uri(), timeout=10)
        slug, signed_in = prepare(rpc, databases, passports, args.clients, args.invoices)
        print(f"stack up (vhost {vhost.name}); {args.clients} clients load Home for {args.seconds:g} s", flush=True)
        home_load(port, slug, signed_in, args.seconds)
        report(measure(stack.pid, vhost.port), os.getloadavg())
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        if rpc is not None:
            rpc.close()
        stop(stack)  # up.py stops its supervisor's programs on SIGTERM
        vhost.delete()
        if args.keep_logs:
            keep_logs(logs)
        var_dir.cleanup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of Home load (default 30)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--invoices", type=int, default=12, help="invoices per client's account (default 12)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the stack's logs (their directory is printed)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.invoices < 1:
        parser.error("--seconds, --clients and --invoices must be positive")
    return run_interruptibly(benchmark, args, "the stack stopped, the vhost deleted")

if __name__ == "__main__":
    sys.exit(main())
