"""No one-time secret in plain text in the outbox: the events that carried one are removed.

From now on the outbox seals the code or token of these events (``shared.sealing``). Rows written
before kept them in plain text; they are deleted rather than sealed, so the upgrade needs no key:
a sent one has done its work, and the client of one still waiting asks for a new code or link
(an invitation is sent again from Portal users).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EVENTS_WITH_SECRETS = ("portal_invitation_issued", "password_reset_issued", "login_code_issued",
                       "email_change_code_issued")


def upgrade():
    outbox = sa.table("outbox", sa.column("event_type", sa.String))
    op.execute(outbox.delete().where(outbox.c.event_type.in_(EVENTS_WITH_SECRETS)))


def downgrade():
    pass  # nothing to restore: the secrets are gone for good
