"""Announcements: what staff announce to every client or chosen accounts, and the dismissed sign-in notices.

Revision ID: 0010_announcements
Revises: 0009_names
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_announcements"
down_revision = "0009_names"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_announcements_tenant_id_starts_on", "announcements", ["tenant_id", "starts_on"])
    op.create_table(
        "announcement_accounts",
        sa.Column("announcement_id", sa.Integer(), sa.ForeignKey("announcements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("account_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_announcement_accounts_tenant_id_account_id", "announcement_accounts",
                    ["tenant_id", "account_id"])
    op.create_table(
        "announcement_dismissals",
        sa.Column("announcement_id", sa.Integer(), sa.ForeignKey("announcements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("portal_user_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("announcement_dismissals")
    op.drop_index("ix_announcement_accounts_tenant_id_account_id", table_name="announcement_accounts")
    op.drop_table("announcement_accounts")
    op.drop_index("ix_announcements_tenant_id_starts_on", table_name="announcements")
    op.drop_table("announcements")
