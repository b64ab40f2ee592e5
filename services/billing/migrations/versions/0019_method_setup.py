"""Methods saved at the processor from its own fields (Stripe's SetupIntents): each account's customer there, and a
bank account's debit authorisation (the mandate, the words agreed to, when), which names the business: billing's
copy of its profile keeps its name (written again whenever accounts announces the profile).

Revision ID: 0019_method_setup
Revises: 0018_refunds
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_method_setup"
down_revision = "0018_refunds"
branch_labels = None
depends_on = None

MANDATE_COLUMNS = (("mandate_id", sa.String(100)), ("mandate_text", sa.String(1000)),
                   ("mandate_accepted_at", sa.DateTime(timezone=True)))


def upgrade():
    op.create_table(
        "processor_customers",
        sa.Column("tenant_id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    for name, kind in MANDATE_COLUMNS:
        op.add_column("payment_methods", sa.Column(name, kind))
    op.add_column("business_looks", sa.Column("display_name", sa.String(200)))


def downgrade():
    op.drop_column("business_looks", "display_name")
    for name, _kind in MANDATE_COLUMNS:
        op.drop_column("payment_methods", name)
    op.drop_table("processor_customers")
