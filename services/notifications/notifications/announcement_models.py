"""The announcements tables of notifications: what staff announce to every client or to chosen accounts, between
two dates, and which portal users dismissed the sign-in notice of each."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from notifications.models import Base

EVERYONE, CHOSEN = "everyone", "accounts"


class Announcement(Base):
    """A message from the business to its clients, shown on Home and once at sign-in while it is live
    (``starts_on`` to ``ends_on`` inclusive; no end: until withdrawn)."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_tenant_id_starts_on", "tenant_id", "starts_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    html: Mapped[str] = mapped_column(Text)  # sanitised when stored (rendering.sanitise_html)
    audience: Mapped[str] = mapped_column(String(10))  # everyone, accounts
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnnouncementAccount(Base):
    """One chosen account of an announcement whose audience is ``accounts``."""

    __tablename__ = "announcement_accounts"
    __table_args__ = (Index("ix_announcement_accounts_tenant_id_account_id", "tenant_id", "account_id"),)

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"),
                                                 primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)


class AnnouncementDismissal(Base):
    """A portal user dismissed an announcement's sign-in notice: it is not shown to them again."""

    __tablename__ = "announcement_dismissals"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"),
                                                 primary_key=True)
    portal_user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    dismissed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
