"""Throttling counts through the ``limits`` library: one counter row per bucket replaces a row per failure.

The old rows counted each failure under two keys that one query added up (so every failure counted
twice); they are dropped, which forgets the failures of the last 15 minutes.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
    )
    op.drop_table("sign_in_failures")


def downgrade():
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.drop_table("throttle_counters")
