"""Message delivery: the mailbox of emails and SMS, the invitation template, social branding.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("tenant_branding") as batch:
        batch.add_column(sa.Column("facebook_page", sa.String(200)))
        batch.add_column(sa.Column("twitter_handle", sa.String(50)))
        batch.add_column(sa.Column("linkedin_slug", sa.String(200)))
        batch.add_column(sa.Column("has_logo", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "invitation_templates",
        sa.Column("tenant_id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(150), nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("sender_name", sa.String(200)),
        sa.Column("reply_to", sa.String(254)),
        sa.Column("subject", sa.String(300)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("html", sa.Text),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("last_error", sa.String(500)),
        sa.Column("note", sa.String(200)),
        sa.Column("source_event_id", sa.String(36)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
        sa.UniqueConstraint("source_event_id", "channel", name="uq_messages_source_event_channel"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_messages_channel"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_messages_status"),
    )
    op.create_index("ix_messages_tenant_id_id", "messages", ["tenant_id", "id"])
    op.create_index("ix_messages_status_next_attempt_at", "messages", ["status", "next_attempt_at"])


def downgrade():
    op.drop_index("ix_messages_status_next_attempt_at", table_name="messages")
    op.drop_index("ix_messages_tenant_id_id", table_name="messages")
    op.drop_table("messages")
    op.drop_table("invitation_templates")
    with op.batch_alter_table("tenant_branding") as batch:
        batch.drop_column("has_logo")
        batch.drop_column("linkedin_slug")
        batch.drop_column("twitter_handle")
        batch.drop_column("facebook_page")
