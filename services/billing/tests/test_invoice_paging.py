"""The invoice lists page by cursor on both backends: every row exactly once while invoices are being added, the
filters on every page, and a cursor that is edited, malformed or from other filters refused on ``cursor``."""
import base64
import json
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from billing import invoice_list, invoices
from billing.models import Invoice
from portico_testing import Databases
from shared.db import make_engine
from shared.errors import InvalidInput

TENANT, OTHER_TENANT = 1, 2
ROWS, DAYS = 3_000, 40  # about 75 invoices a day: many share an issue date, so the number breaks the ties
FIRST_DAY = date(2030, 1, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def engines(request, tmp_path):
    """A migrated billing database and two engines on it, as two billing instances would have."""
    databases = Databases(request.param, tmp_path, services=("billing",))
    databases.migrate()
    made = [make_engine(databases.urls["billing"]) for _ in range(2)]
    yield made
    for engine in made:
        engine.dispose()
    databases.drop()


def fill(engine):
    """ROWS invoices of TENANT in one statement (numbers 1001 on), and a few of another business."""
    now = datetime.now(timezone.utc)
    rows = [{"tenant_id": tenant, "account_id": 5 + number % 3, "number": 1000 + number,
             "issue_date": FIRST_DAY + timedelta(days=number % DAYS), "due_date": FIRST_DAY + timedelta(days=60),
             "total": 100 * (number % 50), "balance": 0, "status": "paid", "autopay": False, "created_at": now}
            for tenant, count in ((TENANT, ROWS), (OTHER_TENANT, 50)) for number in range(1, count + 1)]
    with engine.begin() as connection:
        connection.execute(sa.insert(Invoice), rows)
        connection.execute(sa.text("INSERT INTO invoice_counters (tenant_id, last_number) VALUES (:t, :n)"),
                           {"t": TENANT, "n": 1000 + ROWS})


def keep_adding(engine, stop, added, committed):
    """Add invoices one transaction at a time until ``stop``: some newest, some on dates the paging is crossing."""
    day = 0
    while not stop.is_set():
        issue_date = FIRST_DAY + timedelta(days=DAYS + 1 if day % 2 else day % DAYS)
        with Session(engine) as session:
            row = invoices.create_invoice(session, TENANT, {
                "account_id": 5, "issue_date": issue_date.isoformat(), "due_date": "2031-01-01",
                "lines": [{"description": "Mowing", "unit_price": 2_500}]})
            session.commit()
            added.append(row.number)
        committed.set()
        day += 1


def page_through(engine, filters, limit=50, between_pages=lambda: None):
    """Every number the list shows, page after page, as a caller following ``next`` sees them."""
    seen, cursor, pages = [], None, 0
    while True:
        between_pages()
        with Session(engine) as session:
            page = invoice_list.list_invoices(session, TENANT, {**filters, "limit": limit, "cursor": cursor})
        seen += [item["number"] for item in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return seen, pages


def test_paging_shows_every_invoice_exactly_once_while_invoices_are_added(engines):
    reader, writer = engines
    fill(reader)
    stop, added, committed = threading.Event(), [], threading.Event()

    def after_another_invoice():  # each page is read after at least one more invoice was committed
        assert committed.wait(10)
        committed.clear()

    adding = threading.Thread(target=keep_adding, args=(writer, stop, added, committed))
    adding.start()
    try:
        seen, pages = page_through(reader, {}, between_pages=after_another_invoice)
    finally:
        stop.set()
        adding.join()
    assert len(seen) == len(set(seen)), "an invoice was shown twice"
    assert set(range(1001, 1001 + ROWS)) <= set(seen), "an invoice there from the start was never shown"
    assert set(seen) <= set(range(1001, 1001 + ROWS)) | set(added)
    assert len(added) >= pages > ROWS // 50


def test_every_page_keeps_the_filters_and_the_order(engines):
    reader, _ = engines
    fill(reader)
    filters = {"date_from": "2030-01-05", "date_to": "2030-01-20", "amount_min": 1_000, "amount_max": 2_000,
               "account_id": 6}
    seen, _ = page_through(reader, filters, limit=7)
    expected = [1000 + n for n in range(1, ROWS + 1)
                if 4 <= n % DAYS <= 19 and 10 <= n % 50 <= 20 and 5 + n % 3 == 6]
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected) > 7
    with Session(reader) as session:
        items = invoice_list.list_invoices(session, TENANT, {"limit": 200})["items"]
    keys = [(item["issue_date"], item["number"]) for item in items]
    assert keys == sorted(keys, reverse=True)


def refused(engine, filters):
    with Session(engine) as session, pytest.raises(InvalidInput) as error:
        invoice_list.list_invoices(session, TENANT, filters)
    return error.value.fields


def test_a_cursor_that_was_edited_malformed_or_made_for_other_filters_is_refused_on_cursor(engines):
    reader, _ = engines
    fill(reader)
    with Session(reader) as session:
        cursor = invoice_list.list_invoices(session, TENANT, {"status": "paid", "limit": 5})["next"]
    key, digest = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    edited = base64.urlsafe_b64encode(json.dumps([[key[0], key[1] - 1], digest]).encode()).decode().rstrip("=")
    for filters in ({"status": "paid", "cursor": edited}, {"status": "paid", "cursor": cursor[:-3]},
                    {"status": "paid", "cursor": "not-a-cursor"}, {"status": "open", "cursor": cursor},
                    {"status": "paid", "cursor": "x" * 121}):
        assert list(refused(reader, filters)) == ["cursor"], filters
    with Session(reader) as session:  # another business's list: the same cursor says nothing there either
        with pytest.raises(InvalidInput):
            invoice_list.list_invoices(session, OTHER_TENANT, {"status": "paid", "cursor": cursor})
