"""The client accounts accounts confirmed to billing, per business, so billing never takes an account id on trust.

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
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "account_id"),
    )
    # The accounts staff already billed were given to billing by the business's own staff.
    op.execute("INSERT INTO known_accounts (tenant_id, account_id, confirmed_at) "
               "SELECT tenant_id, account_id, CURRENT_TIMESTAMP FROM invoices "
               "UNION SELECT tenant_id, account_id, CURRENT_TIMESTAMP FROM jobs")


def downgrade():
    op.drop_table("known_accounts")
