"""Payments found by the processor's charge id: a dispute or a returned bank debit names only that.

Revision ID: 0017_payments_by_charge
Revises: 0016_processor_events
"""
from alembic import op

revision = "0017_payments_by_charge"
down_revision = "0016_processor_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_payments_processor_charge_id", "payments", ["processor_charge_id"])


def downgrade():
    op.drop_index("ix_payments_processor_charge_id", "payments")
