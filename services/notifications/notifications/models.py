"""Tables private to the notifications service."""
from datetime import datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, Index, Integer, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column

from shared.tables import service_base

CHANNELS = ("email", "sms")
STATUSES = ("pending", "sent", "failed")


Base, platform = service_base()


class TenantBranding(Base):
    """This service's copy of each tenant's name and contact details, for message templates."""

    __tablename__ = "tenant_branding"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    facebook_page: Mapped[str | None] = mapped_column(String(200))
    twitter_handle: Mapped[str | None] = mapped_column(String(50))
    linkedin_slug: Mapped[str | None] = mapped_column(String(200))
    has_logo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    brand_colour: Mapped[str | None] = mapped_column(String(7))  # the messages' accent colour
    # What the staff, and clients who chose no language, read (shared.i18n.LANGUAGES)
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")  # of its amounts
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageTemplate(Base):
    """A tenant's own subject and (sanitised) HTML of one kind of email (email_templates.KINDS: invitation,
    receipt, invoice, visit_reminder); absent means that kind's default."""

    __tablename__ = "message_templates"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    subject: Mapped[str] = mapped_column(String(150))
    html: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessagePreference(Base):
    """A client account's choice of channels for one kind of message (preferences.KINDS); absent: the default."""

    __tablename__ = "message_preferences"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)
    sms: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvitationDocumentNote(Base):
    """What a tenant's invitation says awaits a new client in Documents (tickets owns the file): its title, or
    null for nothing, as of ``changed_at``."""

    __tablename__ = "invitation_document_notes"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Message(Base):
    """One email or SMS in the mailbox: queued, then sent (or kept locally), retried or failed."""

    __tablename__ = "messages"
    __table_args__ = (
        # A redelivered event must never send the same message twice.
        UniqueConstraint("source_event_id", "channel", name="uq_messages_source_event_channel"),
        CheckConstraint("channel IN ('email', 'sms')", name="ck_messages_channel"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_messages_status"),
        Index("ix_messages_tenant_id_id", "tenant_id", "id"),
        Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254))
    sender_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    # A sign-in message's one-time code or link, sealed (shared.sealing) until it is sent, then dropped;
    # ``text`` and ``html`` hold ``secret_label`` in its place, and so does every copy staff can see.
    sealed_secret: Mapped[str | None] = mapped_column(Text)
    secret_label: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(200))
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffAlert(Base):
    """One staff member's alert about one client action, chosen on the Alerts tab; unread until read."""

    __tablename__ = "staff_alerts"
    __table_args__ = (
        # A redelivered event must never alert the same person twice.
        UniqueConstraint("source_event_id", "staff_user_id", name="uq_staff_alerts_source_event_staff"),
        Index("ix_staff_alerts_tenant_id_staff_user_id_id", "tenant_id", "staff_user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    staff_user_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(500))
    account_id: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str | None] = mapped_column(String(200))  # a staff page about it, e.g. /staff/tickets/12
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FeedItem(Base):
    """One thing the business told a client's account (a receipt, a reply, a shared document, an announcement,
    a visit reminder, an estimate), shown in the portal's notification feed; unread until read."""

    __tablename__ = "feed_items"
    __table_args__ = (
        # A redelivered event must never add the same item twice to an account's feed.
        UniqueConstraint("source_event_id", "account_id", name="uq_feed_items_source_event_account"),
        Index("ix_feed_items_tenant_id_account_id_id", "tenant_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # receipt, ticket_reply, document, announcement, ...
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(200))  # a portal page below /p/<slug>/, e.g. "tickets/12"
    source_event_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One fact of a client account's history (shared.audit): what was done, by whom, from where, what changed.

    Append-only: nothing updates a row, and only the retention rule (retention.py) deletes one. A fact is kept
    once, by the event id of its envelope, even when the event is delivered twice.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_audit_entries_event_id"),
        Index("ix_audit_entries_tenant_id_account_id_id", "tenant_id", "account_id", "id"),
        Index("ix_audit_entries_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    actor_kind: Mapped[str | None] = mapped_column(String(20))  # client, staff, system
    actor_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(200))
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [before, after]}
    link: Mapped[str | None] = mapped_column(String(200))  # the staff page of the object
    source: Mapped[str] = mapped_column(String(20))  # the service that recorded it: accounts, billing, tickets
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when the source made the change
    event_id: Mapped[str] = mapped_column(String(36))


class AccountName(Base):
    """This service's copy of each client account's name, contact details and language (accounts' ACCOUNT_SAVED), so
    alerts name the client and messages reach it in its language; the newest change wins, by when accounts made
    it."""

    __tablename__ = "account_names"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    mobile_phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))  # the client's choice; None: the business's default
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffMember(Base):
    """This service's copy of each staff member's name and email (accounts' STAFF_USER_SAVED): alerts name the
    staff member who acted, and reach the staff chosen for an action by email."""

    __tablename__ = "staff_members"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    staff_user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


from notifications import announcement_models  # noqa: E402,F401  (must follow Base)
