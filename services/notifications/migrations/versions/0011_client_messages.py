"""Client messages: one table of email templates per (tenant, kind) taking over the invitation's (its rows become
kind "invitation"), the accounts' contact details, and each account's channel preferences.

Revision ID: 0011_client_messages
Revises: 0010_announcements
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_client_messages"
down_revision = "0010_announcements"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "message_templates",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("subject", sa.String(150), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.execute("INSERT INTO message_templates (tenant_id, kind, subject, html, updated_by, updated_at) "
               "SELECT tenant_id, 'invitation', subject, html, updated_by, updated_at FROM invitation_templates")
    op.drop_table("invitation_templates")
    op.create_table(
        "message_preferences",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade():
    op.drop_table("message_preferences")
    op.create_table(
        "invitation_templates",
        sa.Column("tenant_id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(150), nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.execute("INSERT INTO invitation_templates (tenant_id, subject, html, updated_by, updated_at) "
               "SELECT tenant_id, subject, html, updated_by, updated_at FROM message_templates "
               "WHERE kind = 'invitation'")
    op.drop_table("message_templates")
