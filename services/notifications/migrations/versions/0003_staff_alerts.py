"""Staff alerts: one row per staff member alerted about a client action.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "staff_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, nullable=False),
        sa.Column("staff_user_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("account_id", sa.Integer),
        sa.Column("source_event_id", sa.String(36)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("read_at", TZ),
        sa.UniqueConstraint("source_event_id", "staff_user_id", name="uq_staff_alerts_source_event_staff"),
    )
    with op.batch_alter_table("staff_alerts") as batch:
        batch.create_index("ix_staff_alerts_tenant_id_staff_user_id_id",
                           ["tenant_id", "staff_user_id", "id"])


def downgrade():
    with op.batch_alter_table("staff_alerts") as batch:
        batch.drop_index("ix_staff_alerts_tenant_id_staff_user_id_id")
    op.drop_table("staff_alerts")
