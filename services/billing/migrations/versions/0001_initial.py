"""The shared tables (outbox, processed events, tenant settings).

Revision ID: 0001
Revises:
"""
from alembic import op

from shared.tables import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_platform_tables(op)


def downgrade():
    drop_platform_tables(op)
