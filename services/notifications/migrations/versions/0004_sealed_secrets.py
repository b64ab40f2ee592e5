"""Messages keep their one-time secret sealed beside the text, which shows a label in its place.

Messages queued before held their code or link in their text and HTML: those parts are replaced by
a notice, and the ones not sent yet are marked failed (the client asks for a new code or link).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS_WITH_SECRETS = ("invitation", "password_reset", "login_code", "email_change_code")
REMOVED = "(Removed at an upgrade: this message held a one-time code or link, which is never kept in plain text.)"
NOT_SENT = "Not sent: queued before an upgrade that removed its one-time code or link. Ask for a new one."


def upgrade():
    op.add_column("messages", sa.Column("sealed_secret", sa.Text, nullable=True))
    op.add_column("messages", sa.Column("secret_label", sa.String(60), nullable=True))
    messages = sa.table("messages", sa.column("kind", sa.String), sa.column("text", sa.Text),
                        sa.column("html", sa.Text), sa.column("status", sa.String),
                        sa.column("last_error", sa.Text))
    with_secrets = messages.c.kind.in_(KINDS_WITH_SECRETS)
    op.execute(messages.update().where(with_secrets, messages.c.status == "pending")
               .values(status="failed", last_error=NOT_SENT))
    op.execute(messages.update().where(with_secrets).values(text=REMOVED, html=None))


def downgrade():
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("secret_label")
        batch.drop_column("sealed_secret")
