"""Languages: the business's default language, and the one each portal user chose.

Revision ID: 0009_languages
Revises: 0008_branding
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_languages"
down_revision = "0008_branding"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenants", sa.Column("default_language", sa.String(8), nullable=False, server_default="en"))
    op.add_column("portal_users", sa.Column("language", sa.String(8)))


def downgrade():
    op.drop_column("portal_users", "language")
    op.drop_column("tenants", "default_language")
