"""The names alerts use: client accounts' names and contact details, staff members' names and emails.

Revision ID: 0009_names
Revises: 0008_audit_entries
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_names"
down_revision = "0008_audit_entries"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_names",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("mobile_phone", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_members",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("staff_user_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("staff_members")
    op.drop_table("account_names")
