"""The business's brand colour in its copy of the profile: the messages' buttons, links and top rule.

Revision ID: 0012_brand_colour
Revises: 0011_client_messages
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_brand_colour"
down_revision = "0011_client_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tenant_branding", sa.Column("brand_colour", sa.String(7)))


def downgrade():
    op.drop_column("tenant_branding", "brand_colour")
