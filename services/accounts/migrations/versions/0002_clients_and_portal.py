"""Clients, related properties, portal users and their links, custom fields, sign-in tokens,
client sessions, and the business profile's social handles and logo.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    add_profile_columns()
    create_clients_and_custom_fields()
    create_portal_users_and_links()
    create_sign_in_tokens_and_client_sessions()


def add_profile_columns():
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("facebook_page", sa.String(100)))
        batch.add_column(sa.Column("twitter_handle", sa.String(15)))
        batch.add_column(sa.Column("linkedin_slug", sa.String(100)))
        batch.add_column(sa.Column("logo", sa.LargeBinary))
        batch.add_column(sa.Column("logo_content_type", sa.String(40)))


def create_clients_and_custom_fields():
    op.create_table(
        "client_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(32)),
        sa.Column("mobile_phone", sa.String(32)),
        sa.Column("address", sa.String(300)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("client_accounts.id"), index=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False, index=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("choices", sa.JSON),
        sa.UniqueConstraint("tenant_id", "key"),
    )
    op.create_table(
        "custom_field_values",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("client_accounts.id"), primary_key=True),
        sa.Column("field_id", sa.Integer, sa.ForeignKey("custom_fields.id"), primary_key=True),
        sa.Column("value", sa.String(1000), nullable=False),
    )


def create_portal_users_and_links():
    op.create_table(
        "portal_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("username", sa.String(40)),
        sa.Column("phone", sa.String(32)),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("security_answers", sa.JSON),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("activated_at", TZ),
        sa.UniqueConstraint("tenant_id", "email"),
        sa.UniqueConstraint("tenant_id", "username"),
    )
    op.create_table(
        "portal_links",
        sa.Column("portal_user_id", sa.Integer, sa.ForeignKey("portal_users.id"), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("client_accounts.id"), primary_key=True,
                  index=True),
        sa.Column("rights", sa.String(10), nullable=False),
    )


def create_sign_in_tokens_and_client_sessions():
    op.create_table(
        "sign_in_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False, index=True),
        # No user for a code asked for an unknown login: it behaves the same but is never sent.
        sa.Column("portal_user_id", sa.Integer, sa.ForeignKey("portal_users.id"), index=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, index=True),
        sa.Column("attempt_hash", sa.String(64), index=True),
        sa.Column("new_email", sa.String(254)),
        sa.Column("guesses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "client_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("portal_user_id", sa.Integer, sa.ForeignKey("portal_users.id"), nullable=False,
                  index=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("client_accounts.id"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
    )


def downgrade():
    for table in ("client_sessions", "sign_in_tokens", "custom_field_values", "custom_fields",
                  "portal_links", "portal_users", "client_accounts"):
        op.drop_table(table)
    with op.batch_alter_table("tenants") as batch:
        for column in ("logo_content_type", "logo", "linkedin_slug", "twitter_handle", "facebook_page"):
            batch.drop_column(column)
