"""Tenant branding copy and the shared tables.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from shared.tables import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tenant_branding",
        sa.Column("tenant_id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("contact_email", sa.String(254)),
        sa.Column("contact_phone", sa.String(32)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_platform_tables(op)


def downgrade():
    drop_platform_tables(op)
    op.drop_table("tenant_branding")
