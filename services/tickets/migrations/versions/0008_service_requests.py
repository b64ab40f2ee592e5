"""A ticket that carries a client's service request keeps billing's request id (its outcome is added to it).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("service_request_id", sa.Integer(), nullable=True))
    op.create_index("ix_tickets_service_request_id", "tickets", ["service_request_id"])


def downgrade():
    op.drop_index("ix_tickets_service_request_id", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("service_request_id")
