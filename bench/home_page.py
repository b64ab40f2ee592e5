"""The client portal's Home page, every panel, against a monolith reading the same rows straight from the databases.

    .venv/bin/python bench/home_page.py [--seconds 10] [--clients 16] [--rounds 2] [--invoices 12] [--warmup 2]
                                        [--rate 50] [--open-seconds 10] [--keep-logs]

**portal**: ``GET /p/<slug>/`` served by the gateway under gunicorn (``-k gthread --workers 2 --threads 8``, as
scripts/up.py runs it), with the four services running as services (``python -m shared.run``) on PostgreSQL and a
throw-away RabbitMQ vhost. A page resolves the client's session with accounts, then asks every panel's and the tab
bar's questions in parallel, one request per service, and renders the portal's template.

**baseline**: ``bench/home_baseline.py``, under the same gunicorn settings: the same rows for the same panels
(billing summary and past-due invoices, services and the next visit, open tickets, documents, announcements, the
feed, the tab bar's counts), read from the same four databases by one process, rendered as a small page.

Each of ``--clients`` client threads holds its own signed-in portal user and one keep-alive connection.
1. **Closed loop**: each client asks for its Home page again as soon as answered; the sides run in ABBA blocks,
   ``--rounds`` each, ``--seconds`` per side in all, after a warm-up. Throughput and CPU per page (from /proc: the
   gateway and the four services, or the baseline app; PostgreSQL, RabbitMQ and the load generator not counted),
   and beside it the whole machine's busy CPU per page, which they are in: what the open loop's latency depends on.
2. **Open loop**: a page is due every 1/``--rate`` s, whatever the answers, for ``--open-seconds`` per side
   (ABBA, two blocks each); latency counts from when a page was due. p99 of both sides.
With ``--unbatched``, a third side: the same gateway asking every question as a request of its own
(bench/home_unbatched.py), to show what asking each service once saves.
Every answer must be 200 and show the client's total due. It prints each target's measured figure, the target, and
whether it is met: throughput portal/baseline >= 0.7x, CPU per page portal/baseline <= 1.5x, the portal's p99 at the
open-loop rate <= 30 ms (the baseline's beside it). A default run takes about two minutes, most of it setting up.
"""
import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.home_load import (Client, cpu_seconds, drive, gunicorn, machine_busy_seconds, offer,  # noqa: E402
                             percentile, stop, wait_http)
# PASSWORD and invitation_token too: other benches take the Home load and its data from here.
from bench.home_setup import PASSWORD, SECRETS_KEY, invitation_token, prepare  # noqa: E402,F401
from bench.running import run_interruptibly  # noqa: E402
from gateway.rpc import RpcClient  # noqa: E402
from portico_testing import Databases, Passports, ServiceProcess, Vhost, free_port, wait_for  # noqa: E402

SERVICES = ("accounts", "billing", "tickets", "notifications")
TARGETS = {"throughput": 0.7, "cpu": 1.5, "p99_ms": 30.0}
APPS = {"portal": "gateway.app:create_app()", "baseline": "bench.home_baseline:baseline_app()"}


def start_services(env, log_dir, rpc):
    services = []
    for name in SERVICES:
        services.append(ServiceProcess(name, env, log_dir))
        services[-1].start()
    for name in SERVICES:
        wait_for(lambda: rpc.call(name, "ping", timeout=1)["database"], timeout=90, message=name)
    return services


def closed_loop(args, sides, parts):
    """ABBA blocks of the closed loop; ``(latencies, elapsed, cpu, part_cpu)`` per side (and per process).

    ``part_cpu[side, "machine"]`` is the whole machine's busy CPU in the side's blocks: PostgreSQL, RabbitMQ and the
    load generator too, which the pages' latency at a given rate depends on as much as on the servers' own CPU.
    """
    for side in sides:  # warm-up: connections, pools, caches, template compilation
        drive(sides[side], args.warmup, [])
    latencies, elapsed, cpu = ({side: [] for side in sides}, {side: 0.0 for side in sides},
                               {side: 0.0 for side in sides})
    part_cpu = {(side, name): 0.0 for side in parts for name in [*parts[side], "machine"]}
    order, block_seconds = list(sides), args.seconds / args.rounds
    for round_number in range(args.rounds):
        line = []
        for side in order:
            block = []
            before = {name: cpu_seconds(pid) for name, pid in parts[side].items()}
            machine_before = machine_busy_seconds()
            elapsed[side] += drive(sides[side], block_seconds, block)
            part_cpu[side, "machine"] += machine_busy_seconds() - machine_before
            for name, pid in parts[side].items():
                used = cpu_seconds(pid) - before[name]
                part_cpu[side, name] += used
                cpu[side] += used
            latencies[side] += block
            line.append(f"{side} {len(block) / block_seconds:.0f} req/s p50 {percentile(sorted(block), 0.5) * 1000:.1f}"
                        " ms" if block else f"{side} -")
        order.reverse()
        print(f"  round {round_number + 1}: " + ", ".join(line), flush=True)
    return latencies, elapsed, cpu, part_cpu


def idle_cpu(parts, seconds=2.0):
    """Print the CPU the processes spend with no page asked (timers, relays, heartbeats): at a low page rate it is a
    large share of the CPU per page, and it is the same whatever a page costs."""
    pids = {f"{name} ({side})" if name == "gateway" else name: pid
            for side, names in parts.items() for name, pid in names.items()}
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    time.sleep(seconds)
    print("idle CPU ms/s: " + ", ".join(f"{name} {(cpu_seconds(pid) - before[name]) * 1000 / seconds:.0f}"
                                        for name, pid in pids.items()), flush=True)


def open_loop(args, sides):
    """ABBA blocks at ``args.rate`` pages/s; the latencies of each side, from when each page was due."""
    latencies, order = {side: [] for side in sides}, list(sides)
    for _ in range(2):
        for side in order:
            block = []
            missed = offer(sides[side], args.open_seconds / 2, args.rate, block)
            if missed:
                print(f"  open loop: {side} missed {missed} of {len(block)} pages", flush=True)
            latencies[side] += block
        order.reverse()
    return latencies


def benchmark(args):
    vhost = Vhost(host="127.0.0.1", prefix="portico-bench")
    log_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    logs = Path(log_dir.name)
    databases = rpc = None
    services, clients, servers = [], [], {}
    try:
        vhost.create()
        databases = Databases("postgresql", log_dir.name)
        databases.migrate()
        passports = Passports()
        env = {**os.environ, "AMQP_URI": vhost.uri(), "PORTICO_VAR_DIR": log_dir.name,
               "PORTICO_SECRET_KEY": secrets.token_hex(32), **passports.env, "MESSAGE_SECRETS_KEYS": SECRETS_KEY,
               "BLOB_STORE_URL": f"file://{log_dir.name}/blobs",
               **{f"{service.upper()}_DATABASE_URL": url for service, url in databases.urls.items()}}
        rpc = RpcClient(vhost.uri(), timeout=10)
        services = start_services(env, log_dir.name, rpc)
        slug, signed_in = prepare(rpc, databases, passports, args.clients, args.invoices)

        apps = {**APPS, **({"unbatched": "bench.home_unbatched:create_app()"} if args.unbatched else {})}
        ports = {side: free_port() for side in apps}
        servers = {side: gunicorn(spec, ports[side], env, logs / f"{side}.log") for side, spec in apps.items()}
        for side, server in servers.items():
            wait_http(ports[side], f"/p/{slug}/", server, logs / f"{side}.log")

        sides = {side: [Client(ports[side], slug, token, expected) for token, expected in signed_in]
                 for side in apps}
        clients = [client for side in sides.values() for client in side]
        for client in clients:
            client.start()
        print(f"{args.clients} clients, {args.invoices} invoices each, {args.rounds} rounds x "
              f"{args.seconds / args.rounds:.1f} s per side (ABBA), then {args.rate:g} pages/s for "
              f"{args.open_seconds:g} s per side; vhost {vhost.name}; load {load_average()}", flush=True)
        # The processes that do a side's work: the gateway and the four services, or the baseline app.
        pids = {service.target: service.process.pid for service in services}
        parts = {side: {"gateway": server.pid, **pids} for side, server in servers.items() if side != "baseline"}
        parts["baseline"] = {"baseline app": servers["baseline"].pid}
        idle_cpu(parts)
        latencies, elapsed, cpu, part_cpu = closed_loop(args, sides, parts)
        offered = open_loop(args, sides)
        errors = {side: [error for client in sides[side] for error in client.errors] for side in sides}
        report(latencies, elapsed, errors, cpu, offered, args.rate)
        served = {side: len(latencies[side]) or 1 for side in sides}
        for side in parts:
            print(f"CPU ms per page by process, {side}: " + ", ".join(
                f"{name} {part_cpu[side, name] * 1000 / served[side]:.1f}" for name in parts[side])
                + f"; the whole machine {part_cpu[side, 'machine'] * 1000 / served[side]:.1f}")
        print(f"load average at the end: {load_average()}")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        for client in clients:
            client.stopping = True
            client.running.clear()
        for process in servers.values():
            stop(process)
        for service in services:
            service.stop()
        if rpc is not None:
            rpc.close()
        if databases is not None:
            databases.drop()
        vhost.delete()
        if args.keep_logs:
            kept = Path(tempfile.mkdtemp(prefix="portico-bench-logs-"))
            for path in logs.glob("*.log"):
                path.replace(kept / path.name)
            print(f"logs kept in {kept}")
        log_dir.cleanup()


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def side_stats(latencies, elapsed, cpu):
    stats = {}
    for side, values in latencies.items():
        if values:
            values = sorted(values)
            stats[side] = {"p50": percentile(values, 0.5) * 1000, "p99": percentile(values, 0.99) * 1000,
                           "rate": len(values) / elapsed[side], "cpu": cpu[side] * 1000 / len(values)}
    return stats


def report(latencies, elapsed, errors, cpu, offered, rate):
    print(f"\nclosed loop\n{'side':<9} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} "
          f"{'CPU ms/page':>12}")
    stats = side_stats(latencies, elapsed, cpu)
    for side in latencies:
        if side not in stats:
            print(f"{side:<9} no successful request; first errors: {errors[side][:3]}")
            continue
        found = stats[side]
        print(f"{side:<9} {len(latencies[side]):>9} {len(errors[side]):>7} {found['p50']:>8.1f} {found['p99']:>8.1f} "
              f"{found['rate']:>7.0f} {found['cpu']:>12.1f}")
    print(f"\nopen loop at {rate:g} pages/s (latency from when each page was due)")
    p99 = {}
    for side, values in offered.items():
        if values:
            values = sorted(values)
            p99[side] = percentile(values, 0.99) * 1000
            print(f"{side:<9} {len(values):>9} pages  p50 {percentile(values, 0.5) * 1000:>7.1f} ms  "
                  f"p99 {p99[side]:>7.1f} ms")
    for side, found in errors.items():
        if found:
            print(f"{side}: {len(found)} errors, e.g. {found[0]}")
    print("\ntargets (portal against baseline)")
    if "unbatched" in stats and "baseline" in stats:
        print(f"  (unbatched / baseline: throughput {stats['unbatched']['rate'] / stats['baseline']['rate']:.2f}x, "
              f"CPU per page {stats['unbatched']['cpu'] / stats['baseline']['cpu']:.2f}x)")
    if "portal" in stats and "baseline" in stats:
        portal, baseline = stats["portal"], stats["baseline"]
        verdict("throughput portal/baseline", portal["rate"] / baseline["rate"], ">=", TARGETS["throughput"], "x")
        verdict("CPU per page portal/baseline", portal["cpu"] / baseline["cpu"], "<=", TARGETS["cpu"], "x")
    if "portal" in p99:
        beside = f" (baseline {p99['baseline']:.1f} ms)" if "baseline" in p99 else ""
        verdict(f"portal p99 at {rate:g} pages/s", p99["portal"], "<=", TARGETS["p99_ms"], " ms", beside)


def verdict(name, measured, comparison, target, unit, note=""):
    met = measured >= target if comparison == ">=" else measured <= target
    print(f"  {name}: {measured:.2f}{unit}{note}, target {comparison} {target:g}{unit}: "
          f"{'met' if met else 'NOT met'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="closed-loop seconds per side (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="closed-loop blocks per side, ABBA (default 2)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per side (default 2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--invoices", type=int, default=12, help="invoices per client's account (default 12)")
    parser.add_argument("--rate", type=float, default=50.0, help="open-loop pages per second (default 50)")
    parser.add_argument("--open-seconds", type=float, default=10.0, help="open-loop seconds per side (default 10)")
    parser.add_argument("--unbatched", action="store_true",
                        help="a third side: the gateway asking every question on its own, as before batches")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the servers' and services' logs (their directory is printed)")
    args = parser.parse_args(argv)
    if min(args.seconds, args.rounds, args.clients, args.invoices, args.rate, args.open_seconds) <= 0 \
            or args.warmup < 0:
        parser.error("--seconds, --rounds, --clients, --invoices, --rate and --open-seconds must be positive")
    return run_interruptibly(benchmark, args, "servers and services stopped, databases and vhost deleted")


if __name__ == "__main__":
    sys.exit(main())
