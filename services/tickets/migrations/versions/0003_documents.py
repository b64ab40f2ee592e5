"""Documents shared with client accounts, and the accounts confirmed for them.

Revision ID: 0003
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("folder", sa.String(100), nullable=True),
        sa.Column("filename", sa.String(120), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("blob_id", sa.String(40), nullable=False),
        sa.Column("uploaded_by_kind", sa.String(10), nullable=False),
        sa.Column("uploaded_by_id", sa.BigInteger(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_tenant_account", "documents", ["tenant_id", "account_id"])
    op.create_table(
        "document_accounts",
        sa.Column("tenant_id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.BigInteger(), primary_key=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_uploading_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_uploading_by", sa.BigInteger(), nullable=True),
    )


def downgrade():
    op.drop_table("document_accounts")
    op.drop_index("ix_documents_tenant_account", table_name="documents")
    op.drop_table("documents")
