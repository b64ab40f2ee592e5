"""Voiding invoices: why and by whom an invoice was voided, and allocations released back to credit.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("void_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("voided_by", sa.Integer(), nullable=True))
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Before 0003 a live allocation is all there is: a released one (its amount already back in
    # the payment's unapplied credit) would count twice, so it goes.
    op.execute("DELETE FROM allocations WHERE released_at IS NOT NULL")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_column("released_at")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("voided_by")
        batch_op.drop_column("void_reason")
