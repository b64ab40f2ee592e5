"""Indexes for the invoice lists, paged by ``(issue_date, number)`` newest first (billing/invoice_list.py).

- ``ix_invoices_list``: a business's invoices in the list's order; the plain list and a date range read one range.
- ``ix_invoices_account_list``: one client's (the Billing tab, and staff filtering by client).
- ``ix_invoices_status_list``: open, paid or void ones, in the same order.
- ``ix_invoices_total``: an amount range narrow enough that reading it and sorting beats walking the dates.

The number filter uses the unique ``(tenant_id, number)`` already there.

Revision ID: 0012
Revises: 0011_visit_reminders
"""
from alembic import op

revision = "0012"
down_revision = "0011_visit_reminders"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_invoices_list": ["tenant_id", "issue_date", "number"],
    "ix_invoices_account_list": ["tenant_id", "account_id", "issue_date", "number"],
    "ix_invoices_status_list": ["tenant_id", "status", "issue_date", "number"],
    "ix_invoices_total": ["tenant_id", "total"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "invoices", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="invoices")
