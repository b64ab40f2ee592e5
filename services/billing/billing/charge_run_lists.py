"""The charge runs' two lists, paged by keyset (shared/keyset.py) so neither stops at a fixed count: the invoices
awaiting a charge, the first due first, with the count and sum of all of them; and a run's per-invoice results in
the order they were queued."""
from marshmallow import Schema, fields
from sqlalchemy import func, select

from billing.charge_runs import awaiting
from billing.invoices import describe
from billing.models import ChargeRunItem, Invoice
from shared import keyset
from shared.fields import integer_field
from shared.validation import load_or_raise

# A page stays well under a message: about 0.25 KB an invoice awaiting a charge, 0.15 KB a run's item
# (billing/tests/test_message_sizes.py); keyset.cut also stops a page at its byte budget.
PAGE_DEFAULT, PAGE_MAX = 100, 200


class PageInput(Schema):
    cursor = keyset.cursor_field()
    limit = integer_field(1, PAGE_MAX, load_default=PAGE_DEFAULT)


def awaiting_page(session, tenant_id, page=None):
    """One page of the invoices awaiting a charge, ``{items, next, limit, count, total}``: ``count`` and ``total``
    (minor units) are of all of them, so a business with thousands sees what "charge all" would take."""
    wanted = load_or_raise(PageInput, page or {})
    scope = ["invoices_to_charge", tenant_id]
    key = keyset.decode(wanted["cursor"], (keyset.DATE, keyset.ID), scope)
    rows = session.scalars(awaiting(select(Invoice), tenant_id).where(
        keyset.after((Invoice.due_date, Invoice.id), key, descending=False)).limit(wanted["limit"] + 1)).all()
    items, next_cursor = keyset.cut(rows, wanted["limit"], lambda row: (row.due_date, row.id), describe, scope)
    # PostgreSQL sums integers as a numeric: int() keeps money in integer minor units on the wire
    count, total = session.execute(awaiting(select(func.count(), func.coalesce(func.sum(Invoice.balance), 0))
                                            .select_from(Invoice), tenant_id).order_by(None)).one()
    return {"items": items, "next": next_cursor, "limit": wanted["limit"], "count": count, "total": int(total)}


def item_page(session, tenant_id, run_id, page=None):
    """``{items, items_next}``: one page of the per-invoice results of a run of the business (the caller found it
    so), in the order they were queued."""
    wanted = load_or_raise(PageInput, page or {})
    scope = ["charge_run_items", tenant_id, run_id]
    key = keyset.decode(wanted["cursor"], (keyset.ID,), scope)
    rows = session.execute(select(ChargeRunItem, Invoice.number, Invoice.account_id).join(
        Invoice, Invoice.id == ChargeRunItem.invoice_id).where(
        ChargeRunItem.run_id == run_id, keyset.after((ChargeRunItem.id,), key, descending=False))
        .order_by(ChargeRunItem.id).limit(wanted["limit"] + 1)).all()
    items, next_cursor = keyset.cut(rows, wanted["limit"], lambda row: (row[0].id,), _describe_item, scope)
    return {"items": items, "items_next": next_cursor}


def _describe_item(row):
    item, number, account_id = row
    return {"invoice_id": item.invoice_id, "invoice_number": number, "account_id": account_id,
            "state": item.state, "message": item.message}
