"""Staff credentials: two-step sign-in (TOTP secret, last step, recovery codes), password reset links,
and the pending step of a staff session.

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
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("totp_pending_secret", sa.String(200)))
        batch.add_column(sa.Column("totp_secret", sa.String(200)))
        batch.add_column(sa.Column("totp_last_step", sa.Integer))
    with op.batch_alter_table("staff_sessions") as batch:
        batch.add_column(sa.Column("pending_step", sa.String(10)))
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False, index=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "staff_password_resets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )


def downgrade():
    op.drop_table("staff_password_resets")
    op.drop_table("staff_recovery_codes")
    with op.batch_alter_table("staff_sessions") as batch:
        batch.drop_column("pending_step")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
        batch.drop_column("totp_pending_secret")
