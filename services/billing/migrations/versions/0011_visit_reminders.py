"""Visit reminders: when each visit's client was reminded, and an index to find tomorrow's visits.

Revision ID: 0011_visit_reminders
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_visit_reminders"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_visits_scheduled_on_status", "visits", ["scheduled_on", "status"])


def downgrade():
    op.drop_index("ix_visits_scheduled_on_status", table_name="visits")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("reminded_at")
