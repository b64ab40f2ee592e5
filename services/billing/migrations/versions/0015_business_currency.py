"""The business's currency on billing's copy of its profile (``tenant_profile_updated``): what its charges are in.

The businesses kept so far are USD, as every business was before the currency was chosen at creation; a copy is
written again whenever accounts announces the profile.

Revision ID: 0015_business_currency
Revises: 0014_languages
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_business_currency"
down_revision = "0014_languages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("business_looks") as batch:
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="USD"))


def downgrade():
    with op.batch_alter_table("business_looks") as batch:
        batch.drop_column("currency")
