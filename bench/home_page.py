"""The client portal's Home page against a minimal Flask app reading the same rows straight from the databases.

    .venv/bin/python bench/home_page.py [--seconds 10] [--clients 16] [--rounds 2] [--invoices 12]
                                        [--warmup 2] [--keep-logs]

**portal**: ``GET /p/<slug>/`` served by the gateway under gunicorn (``-k gthread --workers 2
--threads 8``, as scripts/up.py runs it), with accounts and billing running as services
(``python -m shared.run``) on PostgreSQL and a throw-away RabbitMQ vhost. One page costs the
gateway a ``resolve_client_session`` call to accounts, then ``get_portal_config`` (accounts) and
``my_summary`` (billing) in parallel, and the template.

**baseline**: ``baseline_app()`` below, under the same gunicorn settings: it reads the same rows
from the same two databases itself - the session by its token's hash (moving ``last_seen_at`` at most
once a minute, as accounts does), the portal user, the linked accounts and their rights, the portal settings,
the open invoices, the credit and the billing settings - and renders the same facts (total due,
unpaid count, past-due invoices, account, rights, email, the account switcher) as a small page.
No RPC, no services: what the page would cost if the gateway read the databases itself.

Each of ``--clients`` client threads holds its own signed-in portal user (its own session row)
and one keep-alive HTTP connection, and requests its Home page in a loop. The two sides run in
blocks, ``--rounds`` each, in ABBA order, ``--seconds`` per side in all, after a warm-up. Every
answer must be 200 and show the client's total due. It prints p50 and p99 latency, requests/s and
the CPU time each side's own processes spent per page (from /proc) for each side, and the ratios
portal/baseline. On a machine shared with other work, CPU per page is the figure that moves least.
"""
import argparse
import http.client
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select  # noqa: E402

from gateway.rpc import RpcClient  # noqa: E402
from portico_testing import Databases, Passports, ServiceProcess, Vhost, free_port, wait_for  # noqa: E402
from shared.events import PORTAL_INVITATION_ISSUED  # noqa: E402
from shared.sealing import SecretBox, new_key, open_secrets  # noqa: E402

PASSWORD = "bench portal walnut lantern"
GUNICORN_ARGS = ["-k", "gthread", "--workers", "2", "--threads", "8", "--no-control-socket"]


# --- the baseline: the same data, straight from the databases ------------------------------------

BASELINE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home - {{ business }}</title></head>
<body><main>
<h1>Hello{% if user.username %}, {{ user.username }}{% endif %}</h1>
<p>You are viewing <strong>{{ current.name }}</strong>.</p>
<form method="post"><select name="account_id">
{% for linked in linked_accounts %}<option value="{{ linked.id }}"
  {%- if linked.id == current.id %} selected{% endif %}>{{ linked.name }}</option>{% endfor %}
</select><input type="hidden" name="csrf_token" value="{{ csrf_token }}"></form>
{% if show_invoices %}
<section><h2>Total due</h2><p><strong>{{ total_due }}</strong></p><p>{{ open_count }} unpaid invoices.</p></section>
<section><h2>Past-due invoices</h2><ul>
{% for invoice in past_due %}<li>Invoice #{{ invoice.number }}: {{ invoice.balance }}, due {{ invoice.due_date }}</li>{% endfor %}
</ul></section>
{% endif %}
<section><h2>Your account</h2><dl><dt>Account</dt><dd>{{ current.name }}</dd><dt>Your rights</dt>
<dd>{{ rights }}</dd><dt>Signed in as</dt><dd>{{ user.email }}</dd></dl></section>
</main></body></html>
"""


def baseline_app():
    """A Flask app that shows the portal Home page's facts by querying accounts' and billing's databases."""
    import hashlib

    from flask import Flask, abort, request
    from sqlalchemy import func, update

    from accounts.models import ClientAccount, ClientSession, PortalLink, PortalUser, Tenant
    from accounts.models import platform as accounts_tables
    from accounts.sessions import LAST_SEEN_STEP as seen_step, SESSION_ABSOLUTE as absolute, SESSION_IDLE as idle
    from billing.models import Invoice, Payment
    from billing.models import platform as billing_tables
    from shared.money import format_money

    app = Flask(__name__)
    page = app.jinja_env.from_string(BASELINE_PAGE)  # compiled once, as Flask caches a template file
    accounts_db = create_engine(os.environ["ACCOUNTS_DATABASE_URL"], pool_size=8, max_overflow=8)
    billing_db = create_engine(os.environ["BILLING_DATABASE_URL"], pool_size=8, max_overflow=8)
    rights_text = {"view": "You can see this account.", "pay": "You can see this account and pay its bills.",
                   "manage": "You can see this account, pay its bills and manage it."}

    @app.get("/p/<slug>/")
    def home(slug):
        token = request.cookies.get("portico_client", "")
        now = datetime.now(timezone.utc)
        with accounts_db.begin() as db:
            tenant = db.execute(select(Tenant.id, Tenant.display_name).where(Tenant.slug == slug)).first()
            if tenant is None:
                abort(404)
            client_session = db.execute(select(
                ClientSession.id, ClientSession.tenant_id, ClientSession.portal_user_id, ClientSession.account_id,
                ClientSession.csrf_token, ClientSession.created_at, ClientSession.last_seen_at).where(
                ClientSession.token_hash == hashlib.sha256(token.encode()).hexdigest(),
                ClientSession.revoked_at.is_(None))).first()
            if client_session is None or client_session.tenant_id != tenant.id \
                    or now - client_session.last_seen_at > idle or now - client_session.created_at > absolute:
                abort(401)
            if now - client_session.last_seen_at >= seen_step:  # accounts moves the idle timer in steps too
                db.execute(update(ClientSession).where(ClientSession.id == client_session.id)
                           .values(last_seen_at=now))
            user = db.execute(select(PortalUser.email, PortalUser.username)
                              .where(PortalUser.id == client_session.portal_user_id)).one()
            linked = db.execute(select(ClientAccount.id, ClientAccount.name, PortalLink.rights)
                                .join(PortalLink, PortalLink.account_id == ClientAccount.id)
                                .where(PortalLink.portal_user_id == client_session.portal_user_id)
                                .order_by(ClientAccount.parent_id.is_not(None), ClientAccount.name)).all()
            current = next(item for item in linked if item.id == client_session.account_id)
            settings = accounts_tables.tenant_settings
            db.execute(select(settings.c["values"]).where(settings.c.tenant_id == tenant.id,
                                                          settings.c.tab == "general")).first()
        with billing_db.connect() as db:
            settings = billing_tables.tenant_settings
            stored = db.execute(select(settings.c["values"]).where(
                settings.c.tenant_id == tenant.id, settings.c.tab == "billing")).scalar()
            invoices = db.execute(select(Invoice.number, Invoice.balance, Invoice.due_date).where(
                Invoice.tenant_id == tenant.id, Invoice.account_id == current.id, Invoice.status == "open")
                .order_by(Invoice.due_date)).all()
            db.execute(select(func.coalesce(func.sum(Payment.unapplied), 0)).where(
                Payment.tenant_id == tenant.id, Payment.account_id == current.id, Payment.status == "succeeded",
                Payment.unapplied > 0)).scalar()
        today = date.today()
        return page.render(
            business=tenant.display_name, user=user, current=current, linked_accounts=linked,
            csrf_token=client_session.csrf_token, rights=rights_text.get(current.rights, ""),
            show_invoices=(stored or {}).get("show_invoices", True),
            total_due=format_money(sum(invoice.balance for invoice in invoices)), open_count=len(invoices),
            past_due=[{"number": invoice.number, "balance": format_money(invoice.balance),
                       "due_date": invoice.due_date.isoformat()} for invoice in invoices if invoice.due_date < today])

    return app


# --- setting up a business with signed-in clients ------------------------------------------------

def prepare(rpc, databases, passports, clients, invoices_each):
    """A business with ``clients`` signed-in portal users, each with their own account and invoices.

    Returns the business's slug and one (session token, expected total due) per client.
    """
    from accounts.models import platform as accounts_tables
    from shared.money import format_money

    slug = f"bench-{secrets.token_hex(3)}"
    from portico_testing.inprocess import operator, staff as staff_member, visitor

    tenant = rpc.call("accounts", "create_tenant", {"slug": slug, "display_name": "Bench Lawn Care", "owner": {
        "email": f"owner@{slug}.example", "name": "Olive Owner", "password": PASSWORD}},
        context=passports.context(operator()))
    staff = passports.context(staff_member(tenant["id"], tenant["owner"]["id"]))
    engine = create_engine(databases.urls["accounts"])
    signed_in = []
    try:
        for number in range(clients):
            email = f"client{number}@{slug}.example"
            client = rpc.call("accounts", "create_client", {"name": f"Client {number:02d}", "email": email},
                              context=staff)
            rpc.call("accounts", "invite_clients", [client["id"]], context=staff)
            token = invitation_token(engine, accounts_tables.outbox, email)
            session = rpc.call("accounts", "accept_invitation", token, {"password": PASSWORD},
                               context=passports.context(visitor(tenant["id"])))
            total = 0
            for index in range(invoices_each):
                due = date.today() + timedelta(days=20 if index % 3 else -10 - index)  # a third past due
                amount = 2_500 + 137 * index + number
                rpc.call("billing", "create_invoice", {
                    "account_id": client["id"], "due_date": due.isoformat(), "issue_date": (due - timedelta(days=30))
                    .isoformat(), "lines": [{"description": "Lawn care", "quantity": 1, "unit_price": amount}]},
                    context=staff)
                total += amount
            signed_in.append((session["token"], format_money(total)))
    finally:
        engine.dispose()
    return slug, signed_in


SECRETS_KEY = new_key()  # MESSAGE_SECRETS_KEYS of the run's accounts
SECRET_BOX = SecretBox(SECRETS_KEY)


def invitation_token(engine, outbox, email):
    def find():
        with engine.connect() as connection:
            for body in connection.execute(select(outbox.c.body).where(
                    outbox.c.event_type == "portal_invitation_issued").order_by(outbox.c.id.desc())).scalars():
                if body["data"]["email"] == email:  # its token is sealed, as on the bus
                    return open_secrets(SECRET_BOX, PORTAL_INVITATION_ISSUED, body, body["data"])["token"]
    return wait_for(find, timeout=10, message=f"the invitation of {email}")


# --- load ------------------------------------------------------------------------------------------

class Client(threading.Thread):
    """One signed-in client asking for its Home page over one keep-alive connection, while told to."""

    def __init__(self, port, slug, token, expected):
        super().__init__(daemon=True)
        self.port, self.path, self.expected = port, f"/p/{slug}/", expected
        self.headers = {"Cookie": f"portico_client={token}", "Accept": "text/html"}
        self.connection = None
        self.sink = None
        self.running = threading.Event()
        self.stopping = False
        self.errors = []

    def run(self):
        while not self.stopping:
            if not self.running.wait(0.1):
                continue
            start = time.perf_counter()
            try:
                status, body = self.get()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
                self.connection = None
                continue
            elapsed = time.perf_counter() - start
            if status != 200 or self.expected.encode() not in body:
                self.errors.append(f"{status}: {body[:200]!r}")
            elif self.sink is not None:
                self.sink.append(elapsed)

    def get(self):
        reused = self.connection is not None
        if not reused:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.connection.request("GET", self.path, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            # The server closed the kept-alive connection while this client was idle (between
            # blocks): open a new one, as a browser would.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request("GET", self.path, headers=self.headers)
            response = self.connection.getresponse()
        return response.status, response.read()


def drive(clients, seconds, sink):
    """Let every client loop for ``seconds``; return the wall time measured."""
    for client in clients:
        client.sink = sink
    started = time.perf_counter()
    for client in clients:
        client.running.set()
    time.sleep(seconds)
    for client in clients:
        client.running.clear()
    elapsed = time.perf_counter() - started
    time.sleep(0.5)  # requests in flight finish (and are counted: they started inside the block)
    for client in clients:
        client.sink = None
    return elapsed


def cpu_seconds(pid):
    """CPU time (user + system) used so far by a process and all its descendants still running (Linux)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def percentile(sorted_values, fraction):
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


# --- processes -------------------------------------------------------------------------------------

def gunicorn(app_spec, port, env, log_path):
    log = open(log_path, "ab")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), *GUNICORN_ARGS,
                                "-b", f"127.0.0.1:{port}", app_spec], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def wait_http(port, path, process, log_path):
    def up():
        if process.poll() is not None:
            raise SystemExit(f"{path} server exited:\n{Path(log_path).read_text(errors='replace')[-3000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status < 500
        finally:
            connection.close()
    wait_for(up, timeout=60, interval=0.2, message=f"a server on port {port}")


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def benchmark(args):
    vhost = Vhost(host="127.0.0.1", prefix="portico-bench")
    log_dir = tempfile.TemporaryDirectory(prefix="portico-bench-")
    logs = Path(log_dir.name)
    databases = rpc = portal = baseline = None
    services = []
    clients = []
    try:
        vhost.create()
        databases = Databases("postgresql", log_dir.name)
        databases.migrate()
        passports = Passports()
        env = {**os.environ, "AMQP_URI": vhost.uri(), "PORTICO_VAR_DIR": log_dir.name,
               "PORTICO_SECRET_KEY": secrets.token_hex(32), **passports.env, "MESSAGE_SECRETS_KEYS": SECRETS_KEY,
               **{f"{service.upper()}_DATABASE_URL": url for service, url in databases.urls.items()}}
        rpc = RpcClient(vhost.uri(), timeout=10)
        for name in ("accounts", "billing"):
            service = ServiceProcess(name, env, log_dir.name)
            service.start()
            services.append(service)
        for name in ("accounts", "billing"):
            wait_for(lambda: rpc.call(name, "ping", timeout=1)["database"], timeout=60, message=f"{name}")
        slug, signed_in = prepare(rpc, databases, passports, args.clients, args.invoices)

        ports = {"portal": free_port(), "baseline": free_port()}
        portal = gunicorn("gateway.app:create_app()", ports["portal"], env, logs / "gateway.log")
        baseline = gunicorn("bench.home_page:baseline_app()", ports["baseline"], env, logs / "baseline.log")
        wait_http(ports["portal"], f"/p/{slug}/", portal, logs / "gateway.log")
        wait_http(ports["baseline"], f"/p/{slug}/", baseline, logs / "baseline.log")

        sides = {}
        for side in ("portal", "baseline"):
            sides[side] = [Client(ports[side], slug, token, expected) for token, expected in signed_in]
            clients += sides[side]
        for client in clients:
            client.start()
        print(f"{args.clients} clients, {args.invoices} invoices each, {args.rounds} rounds x "
              f"{args.seconds / args.rounds:.1f} s per side (ABBA), vhost {vhost.name}", flush=True)
        for side in sides:  # warm-up: connections, pools, caches, template compilation
            drive(sides[side], args.warmup, [])
        latencies = {side: [] for side in sides}
        elapsed = {side: 0.0 for side in sides}
        cpu = {side: 0.0 for side in sides}
        # The processes that do a side's work: the gateway and the two services, or the baseline app.
        parts = {"portal": {"gateway": portal.pid, **{service.target: service.process.pid for service in services}},
                 "baseline": {"baseline app": baseline.pid}}
        part_cpu = {name: 0.0 for side in parts for name in parts[side]}
        order = list(sides)
        for round_number in range(args.rounds):
            line = []
            for side in order:
                block = []
                before = {name: cpu_seconds(pid) for name, pid in parts[side].items()}
                elapsed[side] += drive(sides[side], args.seconds / args.rounds, block)
                for name, pid in parts[side].items():
                    used = cpu_seconds(pid) - before[name]
                    part_cpu[name] += used
                    cpu[side] += used
                latencies[side] += block
                line.append(f"{side} {len(block) / (args.seconds / args.rounds):.0f} req/s "
                            f"p50 {percentile(sorted(block), 0.5) * 1000:.1f} ms" if block else f"{side} -")
            order.reverse()
            print(f"  round {round_number + 1}: " + ", ".join(line), flush=True)
        errors = {side: [error for client in sides[side] for error in client.errors] for side in sides}
        report(latencies, elapsed, errors, cpu)
        served = {side: len(latencies[side]) or 1 for side in sides}
        print("CPU ms per page by process: " + ", ".join(
            f"{name} {used * 1000 / served[side]:.1f}" for side in parts for name, used in part_cpu.items()
            if name in parts[side]))
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        for client in clients:
            client.stopping = True
            client.running.clear()
        for process in (portal, baseline):
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


def report(latencies, elapsed, errors, cpu):
    print()
    print(f"{'side':<9} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'CPU ms/page':>12}")
    stats = {}
    for side, values in latencies.items():
        values = sorted(values)
        if not values:
            print(f"{side:<9} no successful request; first errors: {errors[side][:3]}")
            continue
        stats[side] = {"p50": percentile(values, 0.5) * 1000, "p99": percentile(values, 0.99) * 1000,
                       "rate": len(values) / elapsed[side], "cpu": cpu[side] * 1000 / len(values)}
        print(f"{side:<9} {len(values):>9} {len(errors[side]):>7} {stats[side]['p50']:>8.1f} "
              f"{stats[side]['p99']:>8.1f} {stats[side]['rate']:>7.0f} {stats[side]['cpu']:>12.1f}")
    for side, found in errors.items():
        if found:
            print(f"{side}: {len(found)} errors, e.g. {found[0]}")
    if len(stats) == 2:
        portal, baseline = stats["portal"], stats["baseline"]
        print(f"\nportal / baseline: p50 {portal['p50'] / baseline['p50']:.2f}x, "
              f"p99 {portal['p99'] / baseline['p99']:.2f}x, "
              f"throughput {portal['rate'] / baseline['rate']:.2f}x, "
              f"CPU per page {portal['cpu'] / baseline['cpu']:.2f}x")
    print("(CPU ms/page: the side's own processes - gateway, accounts and billing, or the baseline app;\n"
          " PostgreSQL, RabbitMQ and the load generator not counted)")


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per side (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="blocks per side, in ABBA order (default 2)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per side (default 2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--invoices", type=int, default=12, help="invoices per client's account (default 12)")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the servers' and services' logs (their directory is printed)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rounds < 1 or args.clients < 1 or args.invoices < 1 or args.warmup < 0:
        parser.error("--seconds, --rounds, --clients and --invoices must be positive")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        benchmark(args)
    except KeyboardInterrupt:
        print("\ninterrupted; servers and services stopped, databases and vhost deleted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
