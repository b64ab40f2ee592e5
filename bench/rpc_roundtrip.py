"""One RPC round trip: the project's client (gateway.rpc.RpcClient) against raw pika.

Both call the same no-op nameko service (bench/echo_service.py, run exactly as in production
with ``python -m shared.run``) on a throw-away RabbitMQ vhost. The raw pika client gives the
same delivery guarantees as the project's - publisher confirms, persistent messages,
mandatory publish, an exclusive reply queue bound to the nameko-rpc exchange, a correlation
id and a timeout - so the difference is what the project's client adds on top of the minimum
a correct client must do. The two run interleaved in blocks (ABBA order) in one process, one
call at a time, so machine noise hits both alike.

    .venv/bin/python bench/rpc_roundtrip.py [--calls 200] [--rounds 10] [--warmup 200]
                                            [--amqp-host 127.0.0.1]

Prints median, p90, p99 (ms), calls/s (one caller, one call at a time) and the calling
thread's CPU time per call for each client, and the ratio of the medians (project / raw;
the target is at most 1.5x - reported, never enforced).
"""
import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.rpc import ReplyChannel, RpcClient, connection_parameters  # noqa: E402
from portico_testing import Passports, ServiceProcess, Vhost, wait_for  # noqa: E402

SERVICE, METHOD = "bench_echo", "echo"
TARGET = "bench.echo_service:EchoService"
RATIO_TARGET = 1.5


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(latencies_ns):
    values = sorted(latencies_ns)
    ms = lambda ns: ns / 1e6  # noqa: E731
    return {
        "median": ms(percentile(values, 0.5)),
        "p90": ms(percentile(values, 0.9)),
        "p99": ms(percentile(values, 0.99)),
        "rate": len(values) / (sum(values) / 1e9),
        "n": len(values),
    }


def run_block(call, calls, sink):
    """Make ``calls`` calls, append each one's wall time (ns); return the CPU time (ns) they used."""
    clock = time.perf_counter_ns
    cpu_start = time.thread_time_ns()
    for i in range(calls):
        start = clock()
        result = call(i)
        sink.append(clock() - start)
        if result != i:
            raise AssertionError(f"echo returned {result!r} for {i!r}")
    return time.thread_time_ns() - cpu_start


def start_service(vhost, log_dir, amqp_host):
    env = {**os.environ, "AMQP_URI": vhost.uri(host=amqp_host), "LOG_LEVEL": "WARNING", **Passports().env}
    service = ServiceProcess(TARGET, env, log_dir)
    service.start()
    return service


def wait_until_up(service, client):
    def answers():
        if service.process.poll() is not None:
            raise SystemExit(f"the echo service exited:\n{service.log()[-3000:]}")
        return client.call(SERVICE, METHOD, "ping", timeout=1) == "ping"
    wait_for(answers, timeout=30, interval=0.1, message="the echo service to answer")


def benchmark(args):
    vhost = Vhost(host=args.amqp_host, prefix="portico-bench")
    service = project = raw = None
    log_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    try:
        vhost.create()
        uri = vhost.uri(host=args.amqp_host)
        service = start_service(vhost, log_dir.name, args.amqp_host)
        project = RpcClient(uri, timeout=5.0, pool_size=4)
        wait_until_up(service, project)
        raw = ReplyChannel(connection_parameters(uri))

        clients = {
            "project": lambda value: project.call(SERVICE, METHOD, value),
            "raw pika": lambda value: raw.call(SERVICE, METHOD, [value], {}, {}, 5.0)["result"],
        }
        discard = {name: [] for name in clients}
        for name, call in clients.items():  # warm-up: connections, queues, caches
            run_block(call, args.warmup, discard[name])

        latencies = {name: [] for name in clients}
        cpu_ns = {name: 0 for name in clients}
        order = list(clients)
        print(f"{args.rounds} rounds x {args.calls} calls per client, interleaved "
              f"(warm-up {args.warmup} each), vhost {vhost.name}")
        for round_number in range(args.rounds):
            medians = {}
            for name in order:
                block = []
                cpu_ns[name] += run_block(clients[name], args.calls, block)
                latencies[name] += block
                medians[name] = summary(block)["median"]
            order.reverse()  # ABBA: neither client always runs first
            print(f"  round {round_number + 1:2d}: project {medians['project']:.3f} ms, "
                  f"raw {medians['raw pika']:.3f} ms, "
                  f"ratio {medians['project'] / medians['raw pika']:.2f}x")
        report(latencies, cpu_ns)
        if service.process.poll() is not None:
            print("warning: the echo service exited during the run", file=sys.stderr)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second signal must not skip the clean-up
            signal.signal(signum, signal.SIG_IGN)
        for closer in (project, raw):
            if closer is not None:
                closer.close()
        if service is not None:
            service.stop()
        vhost.delete()
        log_dir.cleanup()


def report(latencies, cpu_ns):
    print()
    print(f"{'client':<10} {'calls':>7} {'median ms':>10} {'p90 ms':>8} {'p99 ms':>8} {'calls/s':>9} "
          f"{'caller CPU us/call':>19}")
    stats = {name: summary(values) for name, values in latencies.items()}
    for name, s in stats.items():
        print(f"{name:<10} {s['n']:>7} {s['median']:>10.3f} {s['p90']:>8.3f} {s['p99']:>8.3f} "
              f"{s['rate']:>9.0f} {cpu_ns[name] / s['n'] / 1e3:>19.0f}")
    ratio = stats["project"]["median"] / stats["raw pika"]["median"]
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    print(f"\nratio of medians project/raw: {ratio:.2f}x (target <= {RATIO_TARGET}x: {verdict})")


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per block (default 200)")
    parser.add_argument("--rounds", type=int, default=10, help="blocks per client (default 10)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up calls per client (default 200)")
    parser.add_argument("--amqp-host", default="127.0.0.1",
                        help="RabbitMQ host (default 127.0.0.1); the vhost is made with the local rabbitmqctl")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--calls and --rounds must be positive, --warmup not negative")
    # SIGTERM takes the same clean-up path as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        benchmark(args)
    except KeyboardInterrupt:
        print("\ninterrupted; the service was stopped and the vhost deleted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
