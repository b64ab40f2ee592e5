"""Idempotency claims with a lease, and the receipt address kept with each payment.

- ``idempotency_records``: ``claim_token`` and ``lease_expires_at``. A claim whose lease ran out
  before its request wrote a payment can be taken over by a retry. The state ``processing``
  splits in two: ``paying`` when the key's payment exists (only its outcome answers the key),
  ``claimed`` otherwise (its lease ends at once: no request still running wrote it).
- ``payments.receipt_to``: so a payment settled by recovery still sends its receipt.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HAS_PAYMENT = ("EXISTS (SELECT 1 FROM payments WHERE payments.idempotency_key = "
               "CAST(idempotency_records.tenant_id AS VARCHAR) || ':' || idempotency_records.key)")


def upgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_to", sa.String(length=254), nullable=True))
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE idempotency_records SET state = 'paying' WHERE state = 'processing' AND {HAS_PAYMENT}")
    op.execute("UPDATE idempotency_records SET state = 'claimed' WHERE state = 'processing'")
    op.execute("UPDATE idempotency_records SET claim_token = '', lease_expires_at = created_at")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.alter_column("claim_token", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("lease_expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    op.execute("UPDATE idempotency_records SET state = 'processing' WHERE state IN ('claimed', 'paying')")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("claim_token")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("receipt_to")
