"""Tables private to the tickets service: the client accounts it knows, tickets and their conversation, chat
threads, documents (and the invitation email's welcome document)."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.tables import service_base


Base, platform = service_base()


# --- the client accounts accounts confirmed as the business's (known_accounts.py) --------------------

class KnownAccount(Base):
    """A client account accounts confirmed as the business's (asked by staff, or named by a client's passport),
    remembered for tickets, chat and documents alike; and the account's "done uploading" mark (documents.py)."""

    __tablename__ = "known_accounts"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The last time a portal user of the account said they had sent everything, and who.
    done_uploading_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    done_uploading_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    done_uploading_name: Mapped[str | None] = mapped_column(String(254), nullable=True)


# --- tickets and their conversation (ticketing.py, ticket_messages.py, attachments.py) ---------------

class TicketCategory(Base):
    """A business's ticket category; ``hidden`` ones are kept for old tickets but offered to nobody."""

    __tablename__ = "ticket_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(default=False)


class TicketCounter(Base):
    """The last ticket number handed out per business."""

    __tablename__ = "ticket_counters"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    # The lists' order (paging.py): the staff inbox by business, a client's list by account, most recently active first.
    __table_args__ = (UniqueConstraint("tenant_id", "number"), Index("ix_tickets_tenant_status", "tenant_id", "status"),
                      Index("ix_tickets_tenant_updated", "tenant_id", "updated_at", "id"),
                      Index("ix_tickets_tenant_account_updated", "tenant_id", "account_id", "updated_at", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("ticket_categories.id"))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # open, pending, on_hold, closed
    assignee_id: Mapped[int | None] = mapped_column(Integer, index=True)
    opened_by: Mapped[str] = mapped_column(String(10))  # client, staff, email
    reference: Mapped[dict | None] = mapped_column(JSON)  # {kind: visit|invoice, id, label}
    reply_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_unread: Mapped[bool] = mapped_column(default=False)  # a staff message the client has not seen
    staff_unread: Mapped[bool] = mapped_column(default=True)  # a client message no staff member has seen
    client_name: Mapped[str | None] = mapped_column(String(120))  # the account's name as accounts last told it
    service_request_id: Mapped[int | None] = mapped_column(Integer, index=True)  # billing's request it carries


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    __table_args__ = (UniqueConstraint("ticket_id", "mail_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_kind: Mapped[str] = mapped_column(String(10))  # client, staff
    author_id: Mapped[int | None] = mapped_column(Integer)  # portal user or staff member
    body: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(10))  # portal, email
    mail_id: Mapped[str | None] = mapped_column(String(300))  # an inbound mail's Message-ID
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TicketAttachment(Base):
    """A checked copy of a file sent with a message, kept in the blob store under tickets' own id."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_messages.id"), index=True)
    blob_id: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)


# --- chat threads (chat.py) -------------------------------------------------------------------------

class ChatThread(Base):
    """A conversation on one topic between a client account and the business.

    ``client_read_id`` and ``staff_read_id`` are the last message each side has seen: what comes after
    them from the other side is unread. The business side is shared by its staff (one inbox)."""

    __tablename__ = "chat_threads"
    __table_args__ = (Index("ix_chat_threads_tenant_account", "tenant_id", "account_id"),
                      Index("ix_chat_threads_tenant_last", "tenant_id", "last_message_id"),
                      Index("ix_chat_threads_tenant_account_last", "tenant_id", "account_id", "last_message_id"))

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
    client_name: Mapped[str | None] = mapped_column(String(120))  # the account's name as accounts last told it


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


# --- documents (documents.py) -----------------------------------------------------------------------

class Document(Base):
    """A file shared with a client account: by staff, or uploaded by one of the account's portal users."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_tenant_account", "tenant_id", "account_id"),
                      Index("ix_documents_tenant_account_uploaded", "tenant_id", "account_id", "uploaded_at", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str | None] = mapped_column(String(100), nullable=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    blob_id: Mapped[str] = mapped_column(String(40))
    uploaded_by_kind: Mapped[str] = mapped_column(String(10))  # staff, client
    uploaded_by_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    uploaded_by_name: Mapped[str | None] = mapped_column(String(254), nullable=True)  # as accounts told it then
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- the invitation email's welcome document (invitation_documents.py) ------------------------------

class InvitationDocument(Base):
    """The file a business attached to its invitation email: each new client finds a copy in Documents."""

    __tablename__ = "invitation_documents"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    blob_id: Mapped[str] = mapped_column(String(40))
    uploaded_by_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvitationDocumentShare(Base):
    """An account that got its copy of the welcome document: shared once per account, whatever is redelivered."""

    __tablename__ = "invitation_document_shares"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer)  # the copy made (the client or staff may delete it later)
    shared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
