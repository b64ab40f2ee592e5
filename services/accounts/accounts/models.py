"""Tables private to the accounts service."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.tables import service_base


Base, platform = service_base()


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    facebook_page: Mapped[str | None] = mapped_column(String(100))
    twitter_handle: Mapped[str | None] = mapped_column(String(15))
    linkedin_slug: Mapped[str | None] = mapped_column(String(100))
    logo_blob_id: Mapped[str | None] = mapped_column(String(34))  # the re-encoded image, in the blob store
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    brand_colour: Mapped[str | None] = mapped_column(String(7))  # #rrggbb, readable with white (brand.py)
    welcome_message: Mapped[str | None] = mapped_column(String(300))  # on the portal's sign-in page
    default_language: Mapped[str] = mapped_column(String(8), default="en")  # for those who have not chosen one
    currency: Mapped[str] = mapped_column(String(3), default="USD")  # of every amount, for the business's life
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Two-step sign-in (accounts/staff_totp.py): the secret being set up, the one in use once confirmed (both
    # sealed with ACCOUNTS_DATA_KEYS), and the last time step a code was accepted for (never taken twice).
    totp_pending_secret: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class StaffRecoveryCode(Base):
    """A single-use code that stands in for a two-step code, stored as a hash."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffPasswordReset(Base):
    """A single-use link that lets a staff member choose a new password, stored as a hash."""

    __tablename__ = "staff_password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionColumns:
    """What every session row holds: the token's hash, its CSRF token, its tenant and its timers."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(SessionColumns, Base):
    __tablename__ = "staff_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    # None once signed in; "code" while the two-step code is awaited, "enrol" while two-step sign-in must
    # be set up first. A session in either step grants nothing but that step.
    pending_step: Mapped[str | None] = mapped_column(String(10))


class ThrottleCounter(Base):
    """One throttling bucket's count (accounts/throttling.py), kept where every accounts instance sees it."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the bucket: no login kept
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch, as ``limits`` counts


class ClientAccount(Base):
    """A client of the business; ``parent_id`` makes it a related property of another account."""

    __tablename__ = "client_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    mobile_phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("client_accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PortalUser(Base):
    """A person who signs in to the portal; linked to one or more client accounts."""

    __tablename__ = "portal_users"
    __table_args__ = (UniqueConstraint("tenant_id", "email"), UniqueConstraint("tenant_id", "username"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    username: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    security_answers: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(8))  # chosen on the Account tab; None: the browser's


class PortalLink(Base):
    """A portal user's access to one client account, with its own rights."""

    __tablename__ = "portal_links"

    portal_user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("client_accounts.id"), primary_key=True, index=True)
    rights: Mapped[str] = mapped_column(String(10))


class CustomField(Base):
    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(10))
    choices: Mapped[list | None] = mapped_column(JSON)


class CustomFieldValue(Base):
    __tablename__ = "custom_field_values"

    account_id: Mapped[int] = mapped_column(ForeignKey("client_accounts.id"), primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))


class SignInToken(Base):
    """A single-use secret: an invitation or reset link, a login code or an email-change code."""

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    portal_user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    attempt_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    guesses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClientSession(SessionColumns, Base):
    __tablename__ = "client_sessions"

    portal_user_id: Mapped[int] = mapped_column(ForeignKey("portal_users.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("client_accounts.id"))
