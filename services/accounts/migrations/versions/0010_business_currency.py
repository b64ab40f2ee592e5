"""The business's currency, chosen when it is created and kept for its life.

Revision ID: 0010_business_currency
Revises: 0009_languages
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_business_currency"
down_revision = "0009_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenants", sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))


def downgrade():
    op.drop_column("tenants", "currency")
