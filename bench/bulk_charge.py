"""Bulk autopay charging: billing's CPU per charge, and how a run scales from 1 billing instance to 2.

A charge run puts one message per group of ten invoices on a queue shared by every billing
instance; each instance charges up to ``max_workers`` (10) invoices at once. This measures how long a run of
``--invoices`` invoices takes end to end - queuing (start_charge_run and the outbox relay),
charging at the processor, settling - with one instance and with two, and the CPU billing spent
per charge (target: at most 5 ms). Then the scaling check: a run of ``--scaling-invoices`` at
``--scaling-latency-ms`` (500), where latency, not CPU, bounds an instance, on one instance and
then on two (target: two at least 1.8x as fast - work sharing must not regress).

    .venv/bin/python bench/bulk_charge.py [--invoices 1000] [--accounts 200] [--latency-ms 50]
                                          [--scaling-invoices 400] [--scaling-latency-ms 500]
                                          [--amqp-host 127.0.0.1] [--keep-logs]

Everything is throw-away: a RabbitMQ vhost ``portico-bench-<hex>``, fresh PostgreSQL databases
(portico_testing.Databases), the sandbox processor as its own process (so its HTTP work does not
share a GIL with anything measured) answering every charge after ``--latency-ms``. Only billing
runs; invoices, cards on file and autopay enrolments are written straight into its database.
Each run has a tenant of its own, prepared before either run starts, so both runs meet the
same database. Besides the times it prints the CPU time the billing instances spent per charge
(from /proc) and the load average during each run: on a shared machine a low ratio with a high
load average means the instances were starved of CPU, not that they do not scale.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pika  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import create_engine, func, insert, select  # noqa: E402

from billing.models import Autopay, ChargeRun, ChargeRunItem, Invoice, PaymentMethod  # noqa: E402
from bench.running import run_interruptibly  # noqa: E402
from gateway.rpc import RpcClient  # noqa: E402
from shared.events import subscriber_queue  # noqa: E402
from portico_testing import Databases, Passports, ServiceProcess, Vhost, free_port, wait_for  # noqa: E402
from portico_testing.inprocess import staff  # noqa: E402

CHARGE_QUEUE = subscriber_queue("billing", "invoice_charge_requested", "billing")
NEXT_YEAR = date.today().year + 1


class Sandbox:
    """The sandbox processor as a process of its own, on a free port, with a fixed latency."""

    def __init__(self, directory, latency_ms):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(directory) / "sandbox.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "sandbox_processor"], cwd=ROOT, stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SANDBOX_PROCESSOR_PORT": str(self.port),
                 "SANDBOX_PROCESSOR_LATENCY_MS": str(latency_ms),
                 "SANDBOX_PROCESSOR_DATABASE_URL": f"sqlite:///{directory}/sandbox.db"})
        wait_for(lambda: urllib.request.urlopen(f"{self.url}/healthz", timeout=1).status == 200,
                 timeout=30, interval=0.1, message="the sandbox processor")

    def token(self):
        body = json.dumps({"kind": "card", "number": "4242424242424242", "exp_month": 12,
                           "exp_year": NEXT_YEAR, "cvc": "123"}).encode()
        request = urllib.request.Request(f"{self.url}/v1/tokens", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def migrate_billing(url):
    config = Config(str(ROOT / "services" / "billing" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")


def prepare_tenant(engine, tenant_id, count, card, accounts):
    """``accounts`` accounts enrolled in autopay with a card on file, and ``count`` open autopay invoices.

    Written straight into billing's tables (a benchmark fixture, not how the product creates
    them: create_invoice numbers invoices one at a time under a lock, which would make setting
    up 10,000 invoices take longer than charging them). The invoices are spread over the accounts,
    as a business's are; every card on file is the same sandbox token.
    """
    first_account = (tenant_id - 1) * accounts + 1  # the autopay table is keyed by account alone
    account_ids = list(range(first_account, first_account + accounts))
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        method_ids = connection.execute(
            insert(PaymentMethod).returning(PaymentMethod.id, sort_by_parameter_order=True),
            [{"tenant_id": tenant_id, "account_id": account_id, "kind": "card",
              "token": card["token"], "brand": card["brand"], "last4": card["last4"],
              "exp_month": card["exp_month"], "exp_year": card["exp_year"], "created_at": now}
             for account_id in account_ids]).scalars().all()
        connection.execute(insert(Autopay), [
            {"tenant_id": tenant_id, "account_id": account_id, "enrolled": True, "scope": "new_jobs",
             "locked": False, "payment_method_id": method_id, "enrolled_at": now}
            for account_id, method_id in zip(account_ids, method_ids)])
        due = date.today() + timedelta(days=14)
        rows = [{"tenant_id": tenant_id, "account_id": account_ids[index % accounts], "number": 1001 + index,
                 "job_id": None, "issue_date": date.today(), "due_date": due, "total": 1_000 + index % 9_000,
                 "balance": 1_000 + index % 9_000, "status": "open", "autopay": True, "created_at": now}
                for index in range(count)]
        for start in range(0, count, 2_000):
            connection.execute(insert(Invoice), rows[start:start + 2_000])


def cpu_seconds(pid):
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def consumers(amqp_uri):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri.replace("pyamqp://", "amqp://", 1)))
    try:
        return connection.channel().queue_declare(CHARGE_QUEUE, passive=True).method.consumer_count
    finally:
        connection.close()


def run_once(label, rpc, engine, tenant_id, count, instances, sandbox, passports):
    """Start a charge run for the tenant's invoices and wait for its end; return its figures."""
    context = passports.context(staff(tenant_id, 1))
    cpu_before = [cpu_seconds(service.process.pid) for service in instances]
    sandbox_before = cpu_seconds(sandbox.process.pid)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    run = rpc.call("billing", "start_charge_run", context=context, timeout=600)
    queued = time.perf_counter() - started
    assert run["total"] == count, run

    def done():
        with engine.connect() as connection:
            return connection.execute(select(func.count()).where(
                ChargeRunItem.run_id == run["id"], ChargeRunItem.state.in_(("succeeded", "failed")))).scalar()

    last_report = time.perf_counter()
    while (finished := done()) < count:
        for service in instances:
            if service.process.poll() is not None:
                raise SystemExit(f"a billing instance exited:\n{service.log()[-3000:]}")
        if time.perf_counter() - last_report > 10:
            print(f"  {label}: {finished}/{count} after {time.perf_counter() - started:.0f} s", flush=True)
            last_report = time.perf_counter()
        time.sleep(0.2)
    wall = time.perf_counter() - started
    billing_cpu = sum(cpu_seconds(service.process.pid) - before
                      for service, before in zip(instances, cpu_before))
    sandbox_cpu = cpu_seconds(sandbox.process.pid) - sandbox_before
    progress = rpc.call("billing", "get_charge_run", run["id"], False, context=context, timeout=60)
    with engine.connect() as connection:
        created, ended = connection.execute(select(ChargeRun.created_at, ChargeRun.finished_at)
                                            .where(ChargeRun.id == run["id"])).one()
    return {"label": label, "wall": wall, "queued": queued, "succeeded": progress["succeeded"],
            "failed": progress["failed"], "db_span": (ended - created).total_seconds() if ended else None,
            "billing_cpu_ms": billing_cpu * 1000 / count, "sandbox_cpu_ms": sandbox_cpu * 1000 / count,
            "load": (load_before + os.getloadavg()[0]) / 2}


CPU_TARGET_MS = 5.0  # billing's CPU per charge, at most
SCALING_TARGET = 1.8  # a run on two instances at least this much faster than on one, at high latency


def charge_on_one_then_two(phase, rpc, engine, tenants, count, env, log_dir, sandbox, passports, amqp_uri):
    """Charge the first tenant's run on one billing instance, then the second's on two; stop them after."""
    instances, results = [], []
    try:
        for instances_wanted, tenant_id in zip((1, 2), tenants):
            while len(instances) < instances_wanted:
                service = ServiceProcess("billing", env, Path(log_dir) / f"{phase}-billing-{len(instances) + 1}")
                service.log_path.parent.mkdir(exist_ok=True)
                service.start()
                instances.append(service)
            wait_for(lambda: rpc.call("billing", "ping", timeout=1)["database"], timeout=60,
                     message="billing to answer")
            wait_for(lambda: consumers(amqp_uri) == instances_wanted, timeout=60, interval=0.2,
                     message=f"{instances_wanted} billing instance(s) on the charge queue")
            label = f"{instances_wanted} instance{'s' if instances_wanted > 1 else ''}"
            results.append(run_once(label, rpc, engine, tenant_id, count, instances, sandbox, passports))
            print(f"  {phase}, {label}: done in {results[-1]['wall']:.1f} s", flush=True)
    finally:
        for service in instances:
            service.stop()
    return results


def benchmark(args):
    vhost = Vhost(host=args.amqp_host, prefix="portico-bench")
    log_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    databases = rpc = engine = None
    sandboxes = []
    try:
        vhost.create()
        amqp_uri = vhost.uri(host=args.amqp_host)
        databases = Databases("postgresql", log_dir.name)
        billing_url = databases.urls["billing"]
        migrate_billing(billing_url)
        engine = create_engine(billing_url)
        # One sandbox per latency: its latency is set when it starts.
        phases = [("cpu", args.invoices, args.latency_ms, (1, 2))]
        if args.scaling_invoices:
            phases.append(("scaling", args.scaling_invoices, args.scaling_latency_ms, (3, 4)))
        started = time.perf_counter()
        for _, count, latency_ms, tenants in phases:
            sandboxes.append(Sandbox(log_dir.name, latency_ms))
            card = sandboxes[-1].token()
            for tenant_id in tenants:
                prepare_tenant(engine, tenant_id, count, card, args.accounts)
        print(f"{args.accounts} accounts per run; cpu: {args.invoices} invoices per run at {args.latency_ms} ms "
              f"processor latency; scaling: {args.scaling_invoices} at {args.scaling_latency_ms} ms; "
              f"vhost {vhost.name} (set-up {time.perf_counter() - started:.1f} s)", flush=True)

        passports = Passports()
        rpc = RpcClient(amqp_uri, timeout=10)
        results = {}
        for (phase, count, _, tenants), sandbox in zip(phases, sandboxes):
            env = {**os.environ, "AMQP_URI": amqp_uri, "BILLING_DATABASE_URL": billing_url,
                   "PAYMENT_PROCESSOR_URL": sandbox.url, "PORTICO_VAR_DIR": log_dir.name, **passports.env}
            results[phase] = charge_on_one_then_two(phase, rpc, engine, tenants, count, env, log_dir.name,
                                                    sandbox, passports, amqp_uri)
        report(results, args)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second signal must not skip the clean-up
            signal.signal(signum, signal.SIG_IGN)
        if rpc is not None:
            rpc.close()
        for sandbox in sandboxes:
            sandbox.stop()
        if engine is not None:
            engine.dispose()
        if databases is not None:
            databases.drop()
        vhost.delete()
        if args.keep_logs:
            kept = Path(tempfile.mkdtemp(prefix="portico-bench-logs-"))
            for path in Path(log_dir.name).rglob("*.log"):
                (kept / path.relative_to(log_dir.name)).parent.mkdir(parents=True, exist_ok=True)
                path.replace(kept / path.relative_to(log_dir.name))
            print(f"logs kept in {kept}")
        log_dir.cleanup()


def report(results, args):
    print()
    print(f"{'run':<8} {'billing':<12} {'invoices':>9} {'succeeded':>10} {'failed':>7} {'total s':>8} "
          f"{'queuing s':>10} {'charges/s':>10} {'billing CPU ms/charge':>22} {'load avg':>9}")
    for phase, runs in results.items():
        count = args.invoices if phase == "cpu" else args.scaling_invoices
        for result in runs:
            print(f"{phase:<8} {result['label']:<12} {count:>9} {result['succeeded']:>10} {result['failed']:>7} "
                  f"{result['wall']:>8.1f} {result['queued']:>10.1f} {count / result['wall']:>10.1f} "
                  f"{result['billing_cpu_ms']:>22.1f} {result['load']:>9.1f}")
    one, two = results["cpu"]
    print(f"\nat {args.latency_ms} ms: time ratio 1 instance / 2 instances {one['wall'] / two['wall']:.2f}x; "
          f"the sandbox processor used {one['sandbox_cpu_ms']:.1f} ms of CPU per charge")
    cpu = one["billing_cpu_ms"]
    print(f"billing CPU per charge (1 instance): {cpu:.1f} ms, target <= {CPU_TARGET_MS:.0f} ms: "
          f"{'met' if cpu <= CPU_TARGET_MS else 'not met'} (2 instances: {two['billing_cpu_ms']:.1f} ms)")
    if "scaling" in results:
        one, two = results["scaling"]
        ratio = one["wall"] / two["wall"]
        print(f"scaling at {args.scaling_latency_ms} ms latency, time 1 instance / 2 instances: {ratio:.2f}x, "
              f"target >= {SCALING_TARGET}x: {'met' if ratio >= SCALING_TARGET else 'not met'}")
    print("(on a busy machine read the CPU figure with the load average: CPU time per charge grows with it)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000,
                        help="invoices per run of the CPU measurement (default 1000)")
    parser.add_argument("--latency-ms", type=int, default=50,
                        help="processor latency per charge in the CPU measurement (default 50)")
    parser.add_argument("--scaling-invoices", type=int, default=400,
                        help="invoices per run of the scaling check (default 400; 0 leaves it out)")
    parser.add_argument("--scaling-latency-ms", type=int, default=500,
                        help="processor latency per charge in the scaling check (default 500)")
    parser.add_argument("--accounts", type=int, default=200,
                        help="autopay accounts the invoices are spread over, per run (default 200)")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the services' logs (their directory is printed) instead of deleting them")
    parser.add_argument("--amqp-host", default="127.0.0.1",
                        help="RabbitMQ host (default 127.0.0.1); the vhost is made with the local rabbitmqctl")
    args = parser.parse_args(argv)
    if args.invoices < 1 or args.accounts < 1 or args.scaling_invoices < 0 or min(
            args.latency_ms, args.scaling_latency_ms) < 0:
        parser.error("--invoices and --accounts must be positive, the others not negative")
    return run_interruptibly(benchmark, args, "the services were stopped, the databases and the vhost deleted")


if __name__ == "__main__":
    sys.exit(main())
