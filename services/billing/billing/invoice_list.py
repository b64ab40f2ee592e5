"""The invoice lists, staff's and a client's: filtered, newest first, a page at a time (shared/keyset.py).

A page is ordered by ``(issue_date, number)``, newest first: the number is unique within a business, so the key
is too, and the date range filter is a range of the same index (migration 0012). Each filter has an index that
keeps a page's cost independent of how many invoices the business has: the number is the unique
``(tenant_id, number)``; a date range and the plain list read ``(tenant_id, issue_date, number)`` from the cursor
on; a status or an account reads its own ``(tenant_id, <column>, issue_date, number)``; an amount range is a filter
on the date index (it reads about ``page / share of rows in range`` rows, the same at 10,000 and 1,000,000) or, when
the planner finds the range narrow, ``(tenant_id, total)``. There is no total count: counting a million rows is
what a page must not do.
"""
from datetime import date

from sqlalchemy import select

from billing.invoices import describe
from billing.models import Invoice
from billing.schemas import InvoiceFiltersSchema
from shared import keyset
from shared.validation import load_or_raise

PAGE_DEFAULT, PAGE_MAX = 50, 200  # about 0.25 KB an invoice: 200 stay far under a message's 64 KiB
KEY = (keyset.DATE, keyset.ID)
PAGING = ("cursor", "limit")


def key_of(invoice):
    return invoice.issue_date, invoice.number


def _filtered(statement, values, account):
    if account is not None:
        statement = statement.where(Invoice.account_id == account)
    status = values["status"] or "all"
    if status in ("unpaid", "open"):
        statement = statement.where(Invoice.status == "open")
    elif status == "past_due":
        statement = statement.where(Invoice.status == "open", Invoice.due_date < date.today())
    elif status in ("paid", "void"):
        statement = statement.where(Invoice.status == status)
    if values["number"] is not None:
        statement = statement.where(Invoice.number == values["number"])
    if values["date_from"]:
        statement = statement.where(Invoice.issue_date >= values["date_from"])
    if values["date_to"]:
        statement = statement.where(Invoice.issue_date <= values["date_to"])
    if values["amount_min"] is not None:
        statement = statement.where(Invoice.total >= values["amount_min"])
    if values["amount_max"] is not None:
        statement = statement.where(Invoice.total <= values["amount_max"])
    if values["autopay"] is not None:
        statement = statement.where(Invoice.autopay.is_(values["autopay"]))
    return statement


def scope_of(tenant_id, account, values):
    """What a cursor of this list is good for: this business, this account, these filters (not the paging)."""
    filters = {key: value for key, value in values.items() if key not in PAGING and key != "account_id"}
    # "Any status" is one list however it was asked for (left out, or "all" as the staff's page sends it).
    return ["invoices", tenant_id, account, {**filters, "status": filters["status"] or "all"}]


def list_invoices(session, tenant_id, filters, account_id=None):
    """One page of the invoices matching ``filters``, newest first: ``{"items", "next", "limit"}``.

    ``account_id`` pins a client's own account (the filters' ``account_id`` is the staff's choice).
    """
    values = load_or_raise(InvoiceFiltersSchema, filters or {})
    account = account_id if account_id is not None else values["account_id"]
    scope = scope_of(tenant_id, account, values)
    key = keyset.decode(values["cursor"], KEY, scope)
    columns = (Invoice.issue_date, Invoice.number)
    statement = (_filtered(select(Invoice).where(Invoice.tenant_id == tenant_id), values, account)
                 .where(keyset.after(columns, key))
                 .order_by(Invoice.issue_date.desc(), Invoice.number.desc()).limit(values["limit"] + 1))
    items, next_cursor = keyset.cut(session.scalars(statement).all(), values["limit"], key_of, describe, scope)
    return {"items": items, "next": next_cursor, "limit": values["limit"]}
