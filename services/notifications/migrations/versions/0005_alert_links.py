"""Alerts may link to the staff page about them (a ticket's, say).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("staff_alerts", sa.Column("link", sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table("staff_alerts") as batch:
        batch.drop_column("link")
