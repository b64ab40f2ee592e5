"""The name a calendar feed carries (the business's, as the client's calendar app shows it).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_feeds") as batch:
        batch.add_column(sa.Column("business_name", sa.String(200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("calendar_feeds") as batch:
        batch.drop_column("business_name")
