"""Refunds staff give from an invoice: money back through the processor, or credit on the account. What an invoice
and a payment have given back is kept on each (``refunded``), so their lists read it without a sum.

Revision ID: 0018_refunds
Revises: 0017_payments_by_charge
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_refunds"
down_revision = "0017_payments_by_charge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, nullable=False, index=True),
        sa.Column("account_id", sa.Integer, nullable=False, index=True),
        sa.Column("invoice_id", sa.Integer, sa.ForeignKey("invoices.id"), nullable=False, index=True),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), nullable=False, index=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("destination", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("processor_refund_id", sa.String(100)),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("reason", sa.String(300)),
        sa.Column("failure_message", sa.String(300)),
        sa.Column("requested_by", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
    )
    for table in ("payments", "invoices"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("refunded", sa.BigInteger, nullable=False, server_default="0"))


def downgrade():
    op.drop_table("refunds")
    for table in ("payments", "invoices"):
        # Not a batch: SQLite (3.35 and later) drops a column in place, where a batch would copy the table, which
        # other tables' foreign keys name.
        op.drop_column(table, "refunded")
