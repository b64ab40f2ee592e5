"""The audit history of each client account: facts the other services record, kept once, append-only.

Revision ID: 0008_audit_entries
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_audit_entries"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(45), nullable=True),
        sa.Column("device", sa.String(200), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(200), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_audit_entries_event_id"),
    )
    op.create_index("ix_audit_entries_tenant_id_account_id_id", "audit_entries", ["tenant_id", "account_id", "id"])
    op.create_index("ix_audit_entries_occurred_at", "audit_entries", ["occurred_at"])


def downgrade():
    op.drop_index("ix_audit_entries_occurred_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_tenant_id_account_id_id", table_name="audit_entries")
    op.drop_table("audit_entries")
