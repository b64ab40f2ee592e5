"""One no-op RPC round trip: the CPU it costs the caller, the nameko service and RabbitMQ, and its latency.

Two clients call the same no-op service (bench/echo_service.py, run exactly as in production with
``python -m shared.run``, logging at INFO as in production) on a throw-away RabbitMQ vhost: the
project's client (gateway.rpc.RpcClient) and raw pika with the same delivery guarantees - publisher
confirms, mandatory publish, an exclusive reply queue bound to the nameko-rpc exchange, a correlation
id and a timeout - the minimum a correct client must do. The two run interleaved in blocks (ABBA
order) in one process, one call at a time, so machine noise hits both alike.

CPU per call, for each client's blocks: the calling thread (``time.thread_time_ns``), the service
process and the broker (``beam.smp``), both from /proc (bench/rpc_cpu.py). Between blocks the
benchmark idles for ``--gap`` seconds and measures what the service and the broker spend meanwhile
(the broker serves the whole machine); that idle rate is taken off their figures.

    .venv/bin/python bench/rpc_roundtrip.py [--calls 200] [--rounds 10] [--warmup 200] [--gap 0.2]
                                            [--log-level INFO] [--amqp-host 127.0.0.1]

Prints, per client: median, p90, p99 (ms), calls/s, and CPU us/call of caller, service, broker and their
sum; then the project's sum against the 1.5 ms target and the ratio of the medians (project / raw, target
at most 1.5x) - reported, never enforced.
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

from bench.rpc_cpu import ProcessCpu, find_broker_pid  # noqa: E402

SERVICE, METHOD = "bench_echo", "echo"
TARGET = "bench.echo_service:EchoService"
RATIO_TARGET = 1.5
CPU_TARGET_MS = 1.5  # caller + service + broker, per no-op call


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


class Run:
    """The figures of one benchmark run: latencies, caller CPU, and the service's and broker's CPU per client."""

    def __init__(self, clients, service_pid, broker_pid):
        self.clients = clients
        self.latencies = {name: [] for name in clients}
        self.caller_ns = {name: 0 for name in clients}
        self.processes = {"service": ProcessCpu(service_pid)}
        if broker_pid is not None:
            self.processes["broker"] = ProcessCpu(broker_pid)

    def block(self, name, calls):
        """One block of ``name``'s calls, measured in every process; return its median (ms)."""
        block = []
        for process in self.processes.values():
            process.meter.start()
        self.caller_ns[name] += run_block(self.clients[name], calls, block)
        for process in self.processes.values():
            process.add(name, *process.meter.stop())
        self.latencies[name] += block
        return summary(block)["median"]

    def idle_gap(self, seconds):
        """Send nothing for ``seconds``: what the service and the broker spend meanwhile is their idle rate."""
        if seconds > 0:
            for process in self.processes.values():
                process.meter.start()
            time.sleep(seconds)
            for process in self.processes.values():
                process.background.add(*process.meter.stop())

    def cpu_us(self, name):
        """``{"caller", "service", "broker"}`` CPU microseconds per call of client ``name``."""
        calls = len(self.latencies[name])
        figures = {"caller": self.caller_ns[name] / calls / 1e3}
        for part, process in self.processes.items():
            figures[part] = process.net_ns(name) / calls / 1e3
        return figures


def start_service(vhost, log_dir, amqp_host, log_level):
    env = {**os.environ, "AMQP_URI": vhost.uri(host=amqp_host), "LOG_LEVEL": log_level, **Passports().env}
    service = ServiceProcess(TARGET, env, log_dir)
    service.start()
    return service


def wait_until_up(service, client):
    def answers():
        if service.process.poll() is not None:
            raise SystemExit(f"the echo service exited:\n{service.log()[-3000:]}")
        return client.call(SERVICE, METHOD, "ping", timeout=1) == "ping"
    wait_for(answers, timeout=30, interval=0.1, message="the echo service to answer")


def measure(args, clients, service_pid):
    broker_pid = None if args.no_broker else find_broker_pid()
    if broker_pid is None and not args.no_broker:
        print("warning: no beam.smp on this machine; the broker's CPU is not measured", file=sys.stderr)
    run = Run(clients, service_pid, broker_pid)
    for name, call in clients.items():  # warm-up: connections, queues, caches
        run_block(call, args.warmup, [])
    order = list(clients)
    print(f"{args.rounds} rounds x {args.calls} calls per client, interleaved "
          f"(warm-up {args.warmup} each, idle gap {args.gap} s), load average {load_average()}")
    for round_number in range(args.rounds):
        medians = {}
        for name in order:
            run.idle_gap(args.gap)
            medians[name] = run.block(name, args.calls)
        order.reverse()  # ABBA: neither client always runs first
        print(f"  round {round_number + 1:2d}: project {medians['project']:.3f} ms, "
              f"raw {medians['raw pika']:.3f} ms, "
              f"ratio {medians['project'] / medians['raw pika']:.2f}x")
    return run


def benchmark(args):
    vhost = Vhost(host=args.amqp_host, prefix="portico-bench")
    service = project = raw = None
    log_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    try:
        vhost.create()
        uri = vhost.uri(host=args.amqp_host)
        service = start_service(vhost, log_dir.name, args.amqp_host, args.log_level)
        project = RpcClient(uri, timeout=5.0, pool_size=4)
        wait_until_up(service, project)
        raw = ReplyChannel(connection_parameters(uri))
        clients = {
            "project": lambda value: project.call(SERVICE, METHOD, value),
            "raw pika": lambda value: raw.call(SERVICE, METHOD, [value], {}, {}, 5.0)["result"],
        }
        run = measure(args, clients, service.process.pid)
        if service.process.poll() is not None:
            print("warning: the echo service exited during the run", file=sys.stderr)
        report(run)
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


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(run):
    print()
    print(f"{'client':<10} {'calls':>6} {'median ms':>10} {'p90 ms':>7} {'p99 ms':>7} {'calls/s':>8} "
          f"{'CPU us/call:':>13} {'caller':>7} {'service':>8} {'broker':>7} {'sum':>6}")
    stats = {name: summary(values) for name, values in run.latencies.items()}
    cpu = {name: run.cpu_us(name) for name in stats}
    for name, s in stats.items():
        parts = cpu[name]
        broker = f"{parts['broker']:>7.0f}" if "broker" in parts else f"{'-':>7}"
        print(f"{name:<10} {s['n']:>6} {s['median']:>10.3f} {s['p90']:>7.3f} {s['p99']:>7.3f} {s['rate']:>8.0f} "
              f"{'':>13} {parts['caller']:>7.0f} {parts['service']:>8.0f} {broker} {sum(parts.values()):>6.0f}")
    for part, process in run.processes.items():
        print(f"({part}: idle rate {process.background.rate * 1e3:.1f} ms CPU/s taken off)")
    total_ms = sum(cpu["project"].values()) / 1e3
    verdict = "met" if total_ms <= CPU_TARGET_MS and "broker" in cpu["project"] else "NOT met"
    print(f"\nCPU per no-op call, caller + service + broker (project): {total_ms:.2f} ms "
          f"(target <= {CPU_TARGET_MS} ms: {verdict})")
    ratio = stats["project"]["median"] / stats["raw pika"]["median"]
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    print(f"ratio of medians project/raw: {ratio:.2f}x (target <= {RATIO_TARGET}x: {verdict})")


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per block (default 200)")
    parser.add_argument("--rounds", type=int, default=10, help="blocks per client (default 10)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up calls per client (default 200)")
    parser.add_argument("--gap", type=float, default=0.2,
                        help="seconds of idling before each block, to measure the broker's idle rate (default 0.2)")
    parser.add_argument("--log-level", default="INFO", help="the service's LOG_LEVEL (default INFO, as in production)")
    parser.add_argument("--no-broker", action="store_true", help="do not read the broker's CPU (a remote broker)")
    parser.add_argument("--amqp-host", default="127.0.0.1",
                        help="RabbitMQ host (default 127.0.0.1); the vhost is made with the local rabbitmqctl")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1 or args.warmup < 0 or args.gap < 0:
        parser.error("--calls and --rounds must be positive, --warmup and --gap not negative")
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
