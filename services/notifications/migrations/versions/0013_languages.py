"""Languages: each client account's choice (accounts' ACCOUNT_SAVED) on its copy of the account's name, and the
business's default (the profile event) on its copy of the profile, so each message goes out in its reader's.

Revision ID: 0013_languages
Revises: 0012_brand_colour
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_languages"
down_revision = "0012_brand_colour"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenant_branding", sa.Column("default_language", sa.String(8), nullable=False,
                                               server_default="en"))
    op.add_column("account_names", sa.Column("language", sa.String(8)))


def downgrade():
    with op.batch_alter_table("account_names") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("tenant_branding") as batch:
        batch.drop_column("default_language")
