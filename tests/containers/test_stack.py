"""The container deployment run for real on this machine.

The images are built here (on bases made from Debian's packages when no registry answers). The stack starts
with billing at three replicas and takes a client's payment and a staff charge run through the gateway's
container. One billing container is killed during the run and the broker is restarted during another; each
invoice must still be charged once. A hung instance must show as unhealthy on its own. Then everything is
removed, volumes included.

``make containers-test`` runs it; ``make test`` does too when a Docker engine can be started
(scripts/ensure-docker.sh). It prints the figures docs/docker.md records: image sizes, time to healthy, memory per
container and each billing replica's share of a run.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from portico_testing import free_port
from tests.containers.stack import ROOT, Stack, run

pytestmark = pytest.mark.timeout(2400)

BILLING_REPLICAS = 3
FIRST_RUN, SECOND_RUN = 300, 100  # invoices in the run with a killed billing, and in the one with a broker restart
LATENCY_MS = 300  # the sandbox processor's answer time: long enough to act while a run is under way
PORTAL, STAFF = "/api/v1/portal/demo", "/api/v1/staff"
JORDAN = {"login": "jordan@example.com", "password": "lawn-and-order-2026"}  # scripts/seed_demo.py
OWNER = {"email": "owner@greenacres.example", "password": "green-acres-demo"}
PORTS = ("GATEWAY_PORT", "SANDBOX_PROCESSOR_PORT", "MAILBOX_PORT", "RABBITMQ_UI_PORT", "INBOUND_SMTP_PUBLISHED_PORT")
figures = {}


def new_settings(folder):
    """Fresh secrets, as a user makes them with scripts/new_env.py."""
    path = folder / ".env"
    subprocess.run([sys.executable, "scripts/new_env.py", str(path)], cwd=ROOT, check=True, capture_output=True)
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    ports = {name: free_port() for name in PORTS}
    settings = {**new_settings(tmp_path_factory.mktemp("containers")),
                "SANDBOX_PROCESSOR_LATENCY_MS": str(LATENCY_MS),
                "SANDBOX_ALLOWED_ORIGINS": f"http://127.0.0.1:{ports['GATEWAY_PORT']}"}
    stack = Stack(f"portico-test-{uuid.uuid4().hex[:8]}", settings, ports)
    started = time.monotonic()
    print("\n" + stack.build())
    figures["images built (s)"] = round(time.monotonic() - started)
    try:
        started = time.monotonic()
        stack.compose("up", "-d", "--no-build", "--scale", f"billing={BILLING_REPLICAS}")
        stack.wait_healthy()
        figures["up to every container healthy (s)"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        stack.compose("--profile", "demo", "run", "--rm", "seed", timeout=900)
        figures["demo seeded (s)"] = round(time.monotonic() - started, 1)
        yield stack
    finally:
        if stack.containers():
            stack.save_logs()
            if os.environ.get("KEEP_STACK"):
                print(f"\nKEEP_STACK: the stack is still up as project {stack.project}")
            else:
                stack.down()
        print("\nContainer test figures:")
        for name, value in figures.items():
            print(f"  {name}: {value}")


@pytest.fixture(scope="module")
def owner(stack):
    return stack.ok("POST", f"{STAFF}/sessions", OWNER)["token"]


@pytest.fixture(scope="module")
def jordan(stack):
    return stack.ok("POST", f"{PORTAL}/sessions", JORDAN)["token"]


def client_id(stack, owner, name):
    found = stack.ok("GET", f"{STAFF}/clients?q={urllib.parse.quote(name)}", token=owner)["items"]
    return next(client["id"] for client in found if client["name"] == name)


def create_invoices(stack, owner, account_id, amounts):
    due = (date.today() + timedelta(days=7)).isoformat()

    def one(amount):
        return stack.ok("POST", f"{STAFF}/invoices", {
            "account_id": account_id, "due_date": due,
            "lines": [{"description": f"Weekly visit ({amount})", "unit_price": amount}]}, token=owner)["id"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, amounts))


def card(stack):
    """A test card turned into a token at the sandbox processor, as its hosted form does in a browser."""
    answer = stack.ok("POST", "/v1/tokens", {"kind": "card", "number": "4242424242424242", "exp_month": 12,
                                             "exp_year": date.today().year + 3, "cvc": "123"}, base=stack.processor)
    return {key: answer[key] for key in ("token", "kind", "brand", "last4", "exp_month", "exp_year")}


def progress(stack, owner, run_id):
    """The run's progress, or None while the gateway cannot answer (the broker restarting)."""
    status, answer = stack.api("GET", f"{STAFF}/charge-runs/{run_id}?with_items=0", token=owner)
    return answer if status == 200 else None


def wait_for_run(stack, owner, run_id, until, timeout=600):
    started = time.monotonic()
    while not until(answer := progress(stack, owner, run_id)):
        assert time.monotonic() - started < timeout, f"charge run {run_id}: {answer} after {timeout} s"
        time.sleep(0.2)
    return answer


def autopay_card(stack, account_id):
    return stack.sql("billing", "SELECT m.token FROM autopay a JOIN payment_methods m ON m.id = a.payment_method_id "
                                f"WHERE a.account_id = {int(account_id)}")[0][0]


def assert_charged_once(stack, account_id, amounts):
    """Every amount (one per invoice) charged exactly once at the processor, and every invoice paid in billing."""
    charged = Counter(amount for amount, _ in stack.processor_charges(autopay_card(stack, account_id))
                      if amount in set(amounts))
    assert charged == Counter(amounts), {amount: n for amount, n in charged.items() if n != 1}
    unpaid = stack.sql("billing", f"SELECT count(*) FROM invoices WHERE account_id = {int(account_id)} "
                                  f"AND total BETWEEN {min(amounts)} AND {max(amounts)} AND status <> 'paid'")
    assert unpaid == [["0"]]


def test_the_stack_runs_hardened_with_three_billing_replicas(stack):
    billing = stack.containers("billing")
    assert len(billing) == BILLING_REPLICAS and {stack.health(c) for c in billing} == {"healthy"}
    for container in stack.containers():
        service = container["Config"]["Labels"]["com.docker.compose.service"]
        host = container["HostConfig"]
        assert host["Memory"] > 0 and host["NanoCpus"] > 0, f"{service} has no memory or CPU limit"
        if service not in ("rabbitmq", "postgres"):  # Portico's own: read-only, no capability, not root
            assert host["ReadonlyRootfs"] and host["CapDrop"] == ["ALL"], service
            assert container["Config"]["User"] == "portico", service
    assert stack.api("GET", "/healthz")[0] == 200
    # The replicas started together on an empty database: one ran the migrations while the others waited.
    migrated = [c["Name"] for c in billing if "migration applied" in stack.logs(c["Name"].lstrip("/"))]
    assert len(migrated) == 1, migrated


def test_a_burst_of_sign_ins_stays_inside_the_memory_limit_of_accounts(stack):
    with ThreadPoolExecutor(12) as pool:  # each password check takes 64 MiB for a moment (argon2id)
        statuses = Counter(pool.map(lambda _: stack.api("POST", f"{PORTAL}/sessions", JORDAN)[0], range(12)))
    # Sign-ins from one address are throttled (429); those let through are checked at once.
    assert set(statuses) <= {201, 429} and statuses[201] >= 4, statuses
    accounts = stack.containers("accounts")[0]
    name = accounts["Name"].lstrip("/")
    assert not accounts["State"]["OOMKilled"] and accounts["RestartCount"] == 0
    peak = stack.memory()[name]["peak"]
    figures[f"accounts' peak after {statuses[201]} sign-ins at once (MiB)"] = peak
    assert peak * 2 ** 20 < accounts["HostConfig"]["Memory"]


def test_a_client_pays_two_invoices_through_the_gateway_container(stack, jordan):
    unpaid = [invoice for invoice in stack.ok("GET", f"{PORTAL}/invoices", token=jordan)["items"]
              if invoice["balance"] > 0]
    chosen = unpaid[:2]
    assert len(chosen) == 2, unpaid
    method = card(stack)
    key = str(uuid.uuid4())
    body = {"invoice_ids": [invoice["id"] for invoice in chosen], "new_method": method}
    paid = stack.ok("POST", f"{PORTAL}/payments", body, token=jordan, **{"Idempotency-Key": key})
    again = stack.ok("POST", f"{PORTAL}/payments", body, token=jordan, **{"Idempotency-Key": key})
    assert again == paid  # a retry is answered, not charged again
    balances = {invoice["id"]: invoice["balance"] for invoice in
                stack.ok("GET", f"{PORTAL}/invoices?status=all", token=jordan)["items"]}
    assert [balances.get(invoice["id"], 0) for invoice in chosen] == [0, 0]
    charges = stack.processor_charges(method["token"])
    assert [amount for amount, _ in charges] == [sum(invoice["balance"] for invoice in chosen)]


def test_three_billing_replicas_share_a_run_and_a_killed_one_makes_no_charge_twice(stack, owner):
    sam = client_id(stack, owner, "Sam Patel")  # enrolled in autopay by the demo
    amounts = [3_001 + n for n in range(FIRST_RUN)]
    create_invoices(stack, owner, sam, amounts)
    run_id = stack.ok("POST", f"{STAFF}/charge-runs", {}, token=owner)["id"]
    total = progress(stack, owner, run_id)["total"]
    assert total >= FIRST_RUN

    def settled_here(name):
        return sum(record["charged"] for record in stack.json_logs(name, "charge group settled")
                   if record["run_id"] == run_id)

    answer = wait_for_run(stack, owner, run_id, lambda answer: answer and answer["done"] >= total // 3)
    victim = next(c["Name"].lstrip("/") for c in stack.containers("billing") if settled_here(c["Name"].lstrip("/")))
    run("docker", "kill", victim)
    figures["killed a billing replica at"] = f"{answer['done']}/{total} charged"
    time.sleep(2)
    # docker kill is a stop on purpose, which a restart policy respects; compose starts the replica again.
    stack.compose("up", "-d", "--no-build", "--no-recreate", "--scale", f"billing={BILLING_REPLICAS}")
    answer = wait_for_run(stack, owner, run_id, lambda answer: answer and answer["finished"])
    assert (answer["succeeded"], answer["failed"]) == (total, 0)
    assert_charged_once(stack, sam, amounts)
    shares = {c["Name"].lstrip("/"): settled_here(c["Name"].lstrip("/")) for c in stack.containers("billing")}
    figures[f"charged by each billing replica (run of {total})"] = shares
    assert len(shares) == BILLING_REPLICAS and all(shares.values()), shares
    assert stack.wait_health(victim, "healthy") >= 0


def test_the_services_reconnect_after_the_broker_restarts_and_nothing_is_lost(stack, owner, jordan):
    sam, jordan_id = client_id(stack, owner, "Sam Patel"), client_id(stack, owner, "Jordan Rivera")
    amounts = [4_001 + n for n in range(SECOND_RUN)]
    create_invoices(stack, owner, sam, amounts)
    run_id = stack.ok("POST", f"{STAFF}/charge-runs", {}, token=owner)["id"]
    wait_for_run(stack, owner, run_id, lambda answer: answer and answer["done"] >= 10)
    rabbitmq = stack.containers("rabbitmq")[0]["Name"].lstrip("/")
    started = time.monotonic()
    run("docker", "restart", rabbitmq, timeout=120)
    answer = wait_for_run(stack, owner, run_id, lambda answer: answer and answer["finished"])
    assert (answer["succeeded"], answer["failed"]) == (answer["total"], 0)
    assert_charged_once(stack, sam, amounts)
    stack.wait_healthy()
    figures["broker restarted, every container healthy again (s)"] = round(time.monotonic() - started, 1)
    # The gateway and notifications are back on the bus too: a new payment, and its receipt by email.
    invoice = create_invoices(stack, owner, jordan_id, [5_555])[0]
    stack.ok("POST", f"{PORTAL}/payments", {"invoice_ids": [invoice], "new_method": card(stack)}, token=jordan,
             **{"Idempotency-Key": str(uuid.uuid4())})
    deadline = time.monotonic() + 60
    while not receipts(stack, "$55.55"):
        assert time.monotonic() < deadline, "no receipt reached the mailbox after the broker restarted"
        time.sleep(0.5)


def receipts(stack, amount):
    """The emails to Jordan in the development mailbox that name ``amount`` (the demo words its receipts itself)."""
    items = stack.ok("GET", f"/items.json?{urllib.parse.urlencode({'to': JORDAN['login']})}", base=stack.mailbox)
    return [item for item in items if amount in f"{item['subject']} {item['text']}"]


def test_a_hung_billing_replica_is_unhealthy_while_the_others_stay_healthy(stack):
    victim, *others = [c["Name"].lstrip("/") for c in stack.containers("billing")]
    pid = stack.inspect(victim)["State"]["Pid"]
    os.kill(pid, signal.SIGSTOP)  # from the host: the container's own PID 1 cannot be stopped from inside
    try:
        figures["a hung replica reported unhealthy after (s)"] = round(stack.wait_health(victim, "unhealthy"), 1)
        assert {stack.health(stack.inspect(name)) for name in others} == {"healthy"}
    finally:
        os.kill(pid, signal.SIGCONT)
    stack.wait_health(victim, "healthy")


def test_everything_is_torn_down_volumes_included(stack):
    figures["memory per container"] = stack.memory()
    stack.save_logs()
    stack.down()
    assert stack.leftovers() == {"containers": [], "volumes": [], "networks": []}
