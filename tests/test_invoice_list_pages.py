"""The invoice lists through the gateway: the staff's and the client's API page by cursor, a cursor that is not one
of the list is a 400 on ``cursor``, and the pages link to older invoices and explain a bad cursor.

Billing's own tests (services/billing/tests/test_invoice_paging.py) page through thousands of invoices on both
backends while invoices are added; these check what the gateway adds."""
from datetime import timedelta

import pytest

from tests.test_portal_billing_api import (TODAY, browser, business, client, error_of, page_path,  # noqa: F401
                                           sign_in_page)
from tests.test_staff_billing_api import field_errors, pages, staff  # noqa: F401

# Backends (docs/architecture.md, "Tests and backends"): PostgreSQL; the row-value comparison of the cursor also on
# SQLite.
pytestmark = pytest.mark.backends("postgresql", both=(
    "test_the_invoice_list_pages_by_cursor_and_refuses_one_that_is_not_its_own",
))


def test_the_invoice_list_pages_by_cursor_and_refuses_one_that_is_not_its_own(staff):
    ada = staff.new_client("Ada")
    made = [staff.invoice(ada["id"], 1000 * (n + 1), issue_date=f"2030-01-{n % 3 + 10}")["number"]
            for n in range(7)]
    query, seen, page_count = {"amount_min": 2000, "limit": 2}, [], 0
    while True:
        page = staff.ok("GET", "/invoices", query_string=query)
        seen += [(item["issue_date"], item["number"]) for item in page["items"]]
        page_count += 1
        if page["next"] is None:
            break
        query["cursor"] = page["next"]
    assert sorted(number for _, number in seen) == made[1:] and seen == sorted(seen, reverse=True) and page_count == 3

    first = staff.ok("GET", "/invoices", query_string={"limit": 2})
    edited = first["next"][:-2] + ("AA" if first["next"][-2:] != "AA" else "BB")
    for cursor in (edited, first["next"] + "x", "%%%", "a" * 500):
        assert list(field_errors(staff.call("GET", "/invoices", query_string={"cursor": cursor}))) == ["cursor"]
    other_filters = {"cursor": first["next"], "status": "paid"}
    assert field_errors(staff.call("GET", "/invoices", query_string=other_filters)) == {
        "cursor": ["This is not a cursor of this list: start again from the first page."]}
    assert "limit" in field_errors(staff.call("GET", "/invoices", query_string={"limit": 201}))


def test_the_invoice_page_links_to_older_invoices_and_explains_a_bad_cursor(pages):
    web, _, member = pages
    ada = member.new_client("Ada")
    numbers = [member.invoice(ada["id"], 1000)["number"] for _ in range(3)]
    first = web.get("/staff/invoices", query_string={"limit": 2})  # pages show billing's default size
    assert first.status_code == 200 and 'rel="next"' not in first.get_data(as_text=True)
    listed = member.ok("GET", "/invoices", query_string={"limit": 2})
    second = web.get("/staff/invoices", query_string={"cursor": listed["next"]}).get_data(as_text=True)
    assert f"#{numbers[0]}</a>" in second and f"#{numbers[2]}</a>" not in second and ">Newest</a>" in second
    bad = web.get("/staff/invoices", query_string={"cursor": listed["next"][:-4] + "AAAA"})
    assert bad.status_code == 400
    assert "This is not a cursor of this list: start again from the first page." in bad.get_data(as_text=True)


def test_the_invoice_list_pages_by_cursor_and_a_bad_cursor_is_a_400_on_cursor(system, client):
    made = [client.invoice(1_000 * (n + 1), issued=TODAY - timedelta(days=n % 2))["number"] for n in range(5)]
    seen, query = [], "?limit=2"
    while True:
        page = client.get(f"/invoices{query}").get_json()
        seen += [invoice["number"] for invoice in page["items"]]
        if page["next"] is None:
            break
        query = f"?limit=2&cursor={page['next']}"
    assert sorted(seen) == sorted(made) and len(seen) == 5
    first = client.get("/invoices?limit=2").get_json()
    for cursor in (first["next"][:-3] + "AAA", "bad!cursor", first["next"] + "AB"):
        bad = client.get(f"/invoices?cursor={cursor}")
        assert bad.status_code == 400 and list(error_of(bad)["fields"]) == ["cursor"], cursor
    other_filters = client.get(f"/invoices?status=paid&cursor={first['next']}")
    assert other_filters.status_code == 400 and list(error_of(other_filters)["fields"]) == ["cursor"]


def test_the_billing_page_pages_its_invoices_and_explains_a_bad_cursor(system, browser, client):
    older, newer = client.invoice(1_000, issued=TODAY - timedelta(days=3)), client.invoice(2_000)
    sign_in_page(browser, client)
    cursor = client.get("/invoices?limit=1").get_json()["next"]

    html = browser.get(page_path(client.tenant, f"billing?cursor={cursor}")).get_data(as_text=True)
    assert f'value="{older["id"]}"' in html and f'value="{newer["id"]}"' not in html and ">Newest</a>" in html
    bad = browser.get(page_path(client.tenant, f"billing?cursor={cursor[:-4]}AAAA"))
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "This is not a cursor of this list: start again from the first page." in text
    assert f'value="{older["id"]}"' in text and f'value="{newer["id"]}"' in text  # the first page instead
