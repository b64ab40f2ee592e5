"""Indexes for charging: an account's credit, and whether a charge run has items left.

- ``ix_payments_credit``: payments that still hold credit (succeeded, ``unapplied`` > 0), by
  account. Reading an account's credit no longer scans every payment it ever made.
- ``ix_charge_run_items_run_id_state`` replaces ``ix_charge_run_items_run_id`` (the unique
  (run_id, invoice_id) already serves look-ups by run): each charge asks whether its run still
  has queued or charging items, one look-up instead of counting the whole run.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HOLDS_CREDIT = "status = 'succeeded' AND unapplied > 0"


def upgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_credit", ["account_id"], unique=False,
                              postgresql_where=sa.text(HOLDS_CREDIT), sqlite_where=sa.text(HOLDS_CREDIT))
    with op.batch_alter_table("charge_run_items", schema=None) as batch_op:
        batch_op.create_index("ix_charge_run_items_run_id_state", ["run_id", "state"], unique=False)
        batch_op.drop_index("ix_charge_run_items_run_id")


def downgrade():
    with op.batch_alter_table("charge_run_items", schema=None) as batch_op:
        batch_op.create_index("ix_charge_run_items_run_id", ["run_id"], unique=False)
        batch_op.drop_index("ix_charge_run_items_run_id_state")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_credit")
