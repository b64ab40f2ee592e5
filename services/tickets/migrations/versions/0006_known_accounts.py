"""One table of the client accounts accounts confirmed: known_accounts takes the rows of ticket_known_accounts and
document_accounts (with documents' "done uploading" mark), which go.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "known_accounts",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_uploading_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_uploading_by", sa.BigInteger(), nullable=True),
    )
    # An account both tables know keeps documents' row (its done mark) and the earlier confirmation.
    op.execute("INSERT INTO known_accounts (tenant_id, account_id, confirmed_at, done_uploading_at, done_uploading_by)"
               " SELECT d.tenant_id, d.account_id, CASE WHEN t.confirmed_at < d.confirmed_at THEN t.confirmed_at"
               " ELSE d.confirmed_at END, d.done_uploading_at, d.done_uploading_by FROM document_accounts d"
               " LEFT JOIN ticket_known_accounts t ON t.tenant_id = d.tenant_id AND t.account_id = d.account_id")
    op.execute("INSERT INTO known_accounts (tenant_id, account_id, confirmed_at)"
               " SELECT t.tenant_id, t.account_id, t.confirmed_at FROM ticket_known_accounts t"
               " WHERE NOT EXISTS (SELECT 1 FROM document_accounts d"
               " WHERE d.tenant_id = t.tenant_id AND d.account_id = t.account_id)")
    op.drop_table("ticket_known_accounts")
    op.drop_table("document_accounts")


def downgrade():
    """Both old tables get every known account: each of them was a cache of accounts' answer."""
    op.create_table(
        "ticket_known_accounts",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "account_id"),
    )
    op.create_table(
        "document_accounts",
        sa.Column("tenant_id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.BigInteger(), primary_key=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_uploading_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_uploading_by", sa.BigInteger(), nullable=True),
    )
    op.execute("INSERT INTO ticket_known_accounts (tenant_id, account_id, confirmed_at)"
               " SELECT tenant_id, account_id, confirmed_at FROM known_accounts WHERE account_id < 2147483648")
    op.execute("INSERT INTO document_accounts"
               " (tenant_id, account_id, confirmed_at, done_uploading_at, done_uploading_by)"
               " SELECT tenant_id, account_id, confirmed_at, done_uploading_at, done_uploading_by FROM known_accounts")
    op.drop_table("known_accounts")
