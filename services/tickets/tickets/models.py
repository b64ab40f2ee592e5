"""Tables private to the tickets service."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.tables import service_base


Base, platform = service_base()


# --- documents (documents.py) -----------------------------------------------------------------------

class Document(Base):
    """A file shared with a client account: by staff, or uploaded by one of the account's portal users."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_tenant_account", "tenant_id", "account_id"),)

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
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentAccount(Base):
    """A client account that accounts confirmed as the business's, before documents were shared with it."""

    __tablename__ = "document_accounts"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The last time a portal user of the account said they had sent everything, and who.
    done_uploading_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    done_uploading_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
