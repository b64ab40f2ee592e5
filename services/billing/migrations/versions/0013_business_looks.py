"""Billing's copy of the business's look for its PDFs: brand colour and logo.

Revision ID: 0013_business_looks
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_business_looks"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "business_looks",
        sa.Column("tenant_id", sa.Integer, primary_key=True),
        sa.Column("brand_colour", sa.String(7)),
        sa.Column("logo_blob_id", sa.String(34)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("business_looks")
