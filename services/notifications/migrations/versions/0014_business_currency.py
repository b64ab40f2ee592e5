"""The business's currency on notifications' copy of its profile (``tenant_profile_updated``), for the amounts in
its messages.

Revision ID: 0014_business_currency
Revises: 0013_languages
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_business_currency"
down_revision = "0013_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenant_branding", sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))


def downgrade():
    op.drop_column("tenant_branding", "currency")
