"""The invoice lists at 1,000,000 invoices against 10,000: p99 of a first page and of filtered pages, and the ratio.

One fresh PostgreSQL database (portico_testing.Databases), billing migrated, two businesses filled with set-based
SQL (``INSERT ... SELECT generate_series``): the large one with ``--large`` invoices (1,000,000), the small one with
``--small`` (10,000). Both have the same shape: issue dates over the same three years, totals $0-$1,000, about 85%
paid, 12% open, 3% void, and a client per 100 invoices (a client's own list is as long in both). Each case asks
billing's own list function (``billing.invoice_list.list_invoices``, the query and the shaping behind the
``list_invoices`` and ``my_invoices`` entrypoints) for one page, with the same filter values at both sizes; the two
businesses alternate in ABBA blocks, so the machine's noise falls on both. What the RPC and the gateway add per
page does not depend on the list's length and is left out.

    .venv/bin/python bench/invoice_list.py                       # 1,000,000 vs 10,000, 400 pages per case
    .venv/bin/python bench/invoice_list.py --large 200000 --repeat 100   # a quicker look

It prints, per case, the p50 and p99 at both sizes and the ratio of the p99s against the target (at most 1.5x), met
or not met; and, for comparison, the list as it was before keyset paging (the first 200 by due date, no index for
the order) at both sizes. With ``--rpc`` the pages are asked of billing running as its own process over RabbitMQ
(``list_invoices`` as staff, ``my_invoices`` as the client), as the gateway asks them. With ``--every-row`` it then pages
through the whole large list, 200 a page, while another connection adds invoices (some newest, some on a date in
the middle), and says whether every invoice there at the start was shown exactly once.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from billing import invoice_list, invoices  # noqa: E402
from billing.models import Invoice  # noqa: E402
from gateway.rpc import RpcClient  # noqa: E402
from portico_testing import Databases, Passports, ServiceProcess, Vhost, wait_for  # noqa: E402
from portico_testing.inprocess import client, staff  # noqa: E402
from shared.db import make_engine  # noqa: E402

TARGET = 1.5
LARGE_TENANT, SMALL_TENANT = 1, 2
INVOICES_PER_CLIENT = 100
FILL = """
INSERT INTO invoices (tenant_id, account_id, number, job_id, issue_date, due_date, total, balance, status, autopay,
                      created_at)
SELECT :tenant, 1 + (i * 7919) % :clients, 1000 + i, NULL, DATE '2027-01-01' + ((i * 104729) % 1095)::int,
       DATE '2027-01-31' + ((i * 104729) % 1095)::int, (i * 48271) % 100001,
       CASE WHEN s < 12 THEN (i * 48271) % 100001 ELSE 0 END,
       CASE WHEN s < 12 THEN 'open' WHEN s < 15 THEN 'void' ELSE 'paid' END, s < 6, now()
FROM generate_series(1::bigint, :count) AS i,
     -- the status varies within a client's invoices too (the client is i modulo the clients, this is not)
     LATERAL (SELECT ((i / :clients) * 37 + i) % 100 AS s) AS mix
"""
# The same filter values at both sizes: what a person types does not depend on how many invoices there are.
CASES = {
    "staff: first page": {},
    "staff: number": {"number": 1000 + 4_321},
    "staff: issue dates (30 days)": {"date_from": "2028-03-01", "date_to": "2028-03-30"},
    "staff: amount $100-$150": {"amount_min": 10_000, "amount_max": 15_000},
    "staff: dates + amount + unpaid": {"date_from": "2028-01-01", "date_to": "2028-06-30", "amount_min": 50_000,
                                       "status": "unpaid"},
    "staff: 20th page (cursor)": {"pages": 20},
    "client tab: first page (unpaid)": {"client": True, "status": "unpaid"},
    "client tab: all, amount >= $500": {"client": True, "status": "all", "amount_min": 50_000},
}


def fill(engine, tenant, count):
    started = time.monotonic()
    with engine.begin() as connection:
        connection.execute(text(FILL), {"tenant": tenant, "count": count,
                                        "clients": max(1, count // INVOICES_PER_CLIENT)})
        connection.execute(text("INSERT INTO invoice_counters (tenant_id, last_number) VALUES (:tenant, :last)"),
                           {"tenant": tenant, "last": 1000 + count})
    return time.monotonic() - started


def cursor_after(session, tenant, filters, pages):
    """The cursor of page ``pages`` + 1, followed from the first page as a caller would."""
    cursor = None
    for _ in range(pages):
        cursor = invoice_list.list_invoices(session, tenant, {**filters, "cursor": cursor})["next"]
    return cursor


class BillingOverRpc:
    """Billing as its own process on a throw-away vhost, asked for pages as the gateway asks it (``--rpc``)."""

    def __init__(self, billing_url, directory):
        self.vhost = Vhost(prefix="portico-bench").create()
        self.passports = Passports()
        env = {**os.environ, "AMQP_URI": self.vhost.uri(), "BILLING_DATABASE_URL": billing_url,
               "PORTICO_VAR_DIR": directory, "PAYMENT_PROCESSOR_URL": "http://127.0.0.1:9", **self.passports.env}
        self.service = ServiceProcess("billing", env, directory)
        self.service.start()
        self.rpc = RpcClient(self.vhost.uri(), timeout=10)
        wait_for(lambda: self.rpc.call("billing", "ping", timeout=1)["database"], timeout=60,
                 message="billing to answer")

    def page(self, tenant, filters, account):
        if account is None:
            return self.rpc.call("billing", "list_invoices", filters, context=self.passports.context(staff(tenant)))
        return self.rpc.call("billing", "my_invoices", filters,
                             context=self.passports.context(client(tenant, 1, account)))

    def close(self):
        self.rpc.close()
        self.service.stop()
        self.vhost.delete()


def one_page(engine, tenant, case):
    """The seconds one page of ``case`` takes, and how many rows it held."""
    filters = {key: value for key, value in case.items() if key not in ("client", "pages")}
    account = 1 + (4_321 * 7919) % max(1, tenant_size[tenant] // INVOICES_PER_CLIENT) if case.get("client") else None
    if case.get("pages"):
        filters["cursor"] = cursor_at[tenant]
    if over_rpc:
        started = time.perf_counter()
        page = over_rpc[0].page(tenant, filters, account)
        return time.perf_counter() - started, len(page["items"])
    with Session(engine) as session:
        started = time.perf_counter()
        page = invoice_list.list_invoices(session, tenant, filters, account_id=account)
        return time.perf_counter() - started, len(page["items"])


def old_first_page(engine, tenant):
    """The staff list as it was before keyset paging: the first 200 by due date and number."""
    with Session(engine) as session:
        started = time.perf_counter()
        session.scalars(select(Invoice).where(Invoice.tenant_id == tenant)
                        .order_by(Invoice.due_date, Invoice.number).limit(200)).all()
        return time.perf_counter() - started


tenant_size, cursor_at, over_rpc = {}, {}, []
BEFORE = "before keyset: first 200 by due date"


def p(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def measure(engine, name, repeat):
    """``{tenant: [seconds]}`` of ``repeat`` pages per size, one of each in turn in ABBA order."""
    timings, rows = {LARGE_TENANT: [], SMALL_TENANT: []}, {}
    order = (LARGE_TENANT, SMALL_TENANT)
    for turn in range(repeat):
        for tenant in (order if turn % 2 == 0 else order[::-1]):
            if name == BEFORE:
                timings[tenant].append(old_first_page(engine, tenant))
            else:
                seconds, rows[tenant] = one_page(engine, tenant, CASES[name])
                timings[tenant].append(seconds)
    return timings, rows


def explain(engine, name):
    """PostgreSQL's plan of case ``name`` at the large size, as billing's list asks it."""
    case = CASES[name]
    filters = {key: value for key, value in case.items() if key not in ("client", "pages")}
    if case.get("pages"):
        filters["cursor"] = cursor_at[LARGE_TENANT]
    with Session(engine) as session:
        captured = []
        listen = lambda conn, cursor, statement, parameters, context, many: captured.append((statement, parameters))  # noqa: E731
        from sqlalchemy import event
        event.listen(engine, "before_cursor_execute", listen)
        try:
            account = 1 + (4_321 * 7919) % (tenant_size[LARGE_TENANT] // INVOICES_PER_CLIENT) if case.get(
                "client") else None
            invoice_list.list_invoices(session, LARGE_TENANT, filters, account_id=account)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        statement, parameters = captured[-1]
        plan = session.connection().exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters).scalars().all()
    print(f"--- {name}\n" + "\n".join(plan))


def add_invoices(engine, tenant, stop, added):
    """Add invoices to ``tenant`` one transaction at a time, as billing does, until ``stop``."""
    while not stop.is_set():
        with Session(engine) as session:
            row = invoices.create_invoice(session, tenant, {
                "account_id": 1, "issue_date": "2028-06-15" if len(added) % 2 else None, "due_date": "2031-01-01",
                "lines": [{"description": "Mowing", "unit_price": 2_500}]})
            session.commit()
            added.append(row.number)


def every_row_once(engine, tenant, count):
    """Page through all of ``tenant``'s invoices (200 a page) while invoices are added; check each shows once."""
    stop, added, seen, cursor = threading.Event(), [], [], None
    adding = threading.Thread(target=add_invoices, args=(engine, tenant, stop, added))
    started = time.monotonic()
    adding.start()
    try:
        while True:
            with Session(engine) as session:
                page = invoice_list.list_invoices(session, tenant, {"limit": 200, "cursor": cursor})
            seen += [item["number"] for item in page["items"]]
            cursor = page["next"]
            if cursor is None:
                break
    finally:
        stop.set()
        adding.join()
    once = len(seen) == len(set(seen)) and set(range(1001, 1001 + count)) <= set(seen) <= set(
        range(1001, 1001 + count)) | set(added)
    print(f"every row once: {len(seen):,} rows in {time.monotonic() - started:.1f} s while {len(added):,} were "
          f"added: {'yes' if once else 'NO'}", flush=True)


def report(name, timings, rows, judged=True):
    large, small = timings[LARGE_TENANT], timings[SMALL_TENANT]
    ratio = p(large, 0.99) / p(small, 0.99)
    verdict = ("met" if ratio <= TARGET else "NOT MET") if judged else "(for comparison)"
    shown = f"{rows.get(LARGE_TENANT, '-'):>4}/{rows.get(SMALL_TENANT, '-'):<4}" if rows else "200/200 "
    print(f"{name:<38} {shown} {statistics.median(large) * 1000:8.2f} {p(large, 0.99):8.2f} "
          f"{statistics.median(small) * 1000:8.2f} {p(small, 0.99):8.2f} {ratio:6.2f}x  <= {TARGET}x {verdict}")
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", type=int, default=1_000_000, help="invoices of the large business")
    parser.add_argument("--small", type=int, default=10_000, help="invoices of the small business")
    parser.add_argument("--repeat", type=int, default=400, help="pages per case and size (p99 needs 100 or more)")
    parser.add_argument("--skip-before", action="store_true", help="leave out the list as it was before")
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plan of each case (large size)")
    parser.add_argument("--rpc", action="store_true", help="ask billing over RabbitMQ, as the gateway does")
    parser.add_argument("--every-row", action="store_true",
                        help="then page through the whole large list while invoices are added: each row once?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        databases = Databases("postgresql", directory, services=("billing",))
        try:
            databases.migrate()
            if args.rpc:
                over_rpc.append(BillingOverRpc(databases.urls["billing"], directory))
            run(make_engine(databases.urls["billing"]), args)
        finally:
            for billing in over_rpc:
                billing.close()
            databases.drop()


def run(engine, args):
    tenant_size.update({LARGE_TENANT: args.large, SMALL_TENANT: args.small})
    for tenant, count in tenant_size.items():
        print(f"filling business {tenant} with {count:,} invoices: {fill(engine, tenant, count):.1f} s", flush=True)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE invoices"))
    with Session(engine) as session:
        cursor_at.update({tenant: cursor_after(session, tenant, {}, CASES["staff: 20th page (cursor)"]["pages"])
                          for tenant in tenant_size})
    print(f"\nload average at the start: {os.getloadavg()[0]:.2f}; {args.repeat} pages per case and size; "
          f"{'over RPC' if over_rpc else 'in process'}; ms\n")
    print(f"{'case':<38} {'rows':<9} {'p50 1M':>8} {'p99 1M':>8} {'p50 10k':>8} {'p99 10k':>8} {'ratio':>7}  target")
    worst = 0.0
    for name in CASES:
        timings, rows = measure(engine, name, args.repeat)
        worst = max(worst, report(name, timings, rows))
    if not args.skip_before:
        timings, _ = measure(engine, BEFORE, min(args.repeat, 50))
        report(BEFORE, timings, {}, judged=False)
    if args.explain:
        for name in CASES:
            explain(engine, name)
    if args.every_row:
        every_row_once(engine, LARGE_TENANT, args.large)
    print(f"\nworst p99 ratio {worst:.2f}x (target <= {TARGET}x: {'met' if worst <= TARGET else 'NOT MET'}); "
          f"load average at the end: {os.getloadavg()[0]:.2f}")
    engine.dispose()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
