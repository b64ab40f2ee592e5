"""Tickets: categories, numbering, tickets, their messages and attachments, the accounts staff confirmed.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    create_category_tables()
    create_ticket_table()
    create_conversation_tables()


def create_category_tables():
    op.create_table(
        "ticket_categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", "name"),
    )
    op.create_table(
        "ticket_counters",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )


def create_ticket_table():
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False, index=True),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("ticket_categories.id"), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True, index=True),
        sa.Column("opened_by", sa.String(10), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=True),
        sa.Column("reply_token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client_unread", sa.Boolean(), nullable=False),
        sa.Column("staff_unread", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index("ix_tickets_tenant_status", "tickets", ["tenant_id", "status"])


def create_conversation_tables():
    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False, index=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False, index=True),
        sa.Column("author_kind", sa.String(10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("mail_id", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("ticket_id", "mail_id"),
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False, index=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False, index=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("ticket_messages.id"), nullable=False, index=True),
        sa.Column("blob_id", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )
    op.create_table(
        "ticket_known_accounts",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "account_id"),
    )


def downgrade():
    for table in ("ticket_known_accounts", "ticket_attachments", "ticket_messages", "tickets", "ticket_counters",
                  "ticket_categories"):
        op.drop_table(table)
