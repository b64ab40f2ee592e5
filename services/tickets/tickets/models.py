"""Tables private to the tickets service."""
from shared.tables import service_base


Base, platform = service_base()


# --- chat threads (chat.py) -------------------------------------------------------------------------
from datetime import datetime  # noqa: E402  (each feature appends its tables; imports stay with them)

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text  # noqa: E402
from sqlalchemy.orm import Mapped, mapped_column  # noqa: E402


class ChatThread(Base):
    """A conversation on one topic between a client account and the business.

    ``client_read_id`` and ``staff_read_id`` are the last message each side has seen: what comes after
    them from the other side is unread. The business side is shared by its staff (one inbox)."""

    __tablename__ = "chat_threads"
    __table_args__ = (Index("ix_chat_threads_tenant_account", "tenant_id", "account_id"),
                      Index("ix_chat_threads_tenant_last", "tenant_id", "last_message_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    started_by: Mapped[str] = mapped_column(String(10))  # client, staff
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client_read_id: Mapped[int] = mapped_column(Integer, default=0)
    staff_read_id: Mapped[int] = mapped_column(Integer, default=0)


class ChatMessage(Base):
    """One text message of a chat thread, by the client (``author_kind`` client) or a staff member."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_thread", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    thread_id: Mapped[int] = mapped_column(ForeignKey("chat_threads.id", ondelete="CASCADE"))
    author_kind: Mapped[str] = mapped_column(String(10))  # client, staff
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
