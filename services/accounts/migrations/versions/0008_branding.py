"""The business's own look: a brand colour for its portal and a welcome message on its sign-in page.

Revision ID: 0008_branding
Revises: 0007_mobile_for_codes
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_branding"
down_revision = "0007_mobile_for_codes"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenants", sa.Column("brand_colour", sa.String(7)))
    op.add_column("tenants", sa.Column("welcome_message", sa.String(300)))


def downgrade():
    op.drop_column("tenants", "welcome_message")
    op.drop_column("tenants", "brand_colour")
