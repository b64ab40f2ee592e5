"""The payment processor's webhook events billing has applied, by event id: a redelivered event is applied once.

Revision ID: 0016_processor_events
Revises: 0015_business_currency
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_processor_events"
down_revision = "0015_business_currency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "processor_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("processor_events")
