"""The name a calendar feed carries (the business's, as the client's calendar app shows it).

Revision ID: 0009_services_tab
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_services_tab"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_feeds") as batch:
        batch.add_column(sa.Column("business_name", sa.String(200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("calendar_feeds") as batch:
        batch.drop_column("business_name")
