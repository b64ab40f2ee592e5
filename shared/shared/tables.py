"""Tables every service keeps in its own database: outbox, processed events, tenant settings."""
from sqlalchemy import (JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase


class PlatformTables:
    """The shared tables, attached to one service's metadata."""

    def __init__(self, metadata):
        self.outbox = Table(
            "outbox", metadata,
            Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                   autoincrement=True),
            Column("event_id", String(36), nullable=False, unique=True),
            Column("event_type", String(100), nullable=False),
            Column("tenant_id", Integer, nullable=True),
            Column("body", JSON, nullable=False),
            Column("headers", JSON, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("sent_at", DateTime(timezone=True), nullable=True, index=True),
            Column("attempts", Integer, nullable=False, default=0),
        )
        self.processed_events = Table(
            "processed_events", metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("consumer", String(200), nullable=False),
            Column("event_id", String(36), nullable=False),
            Column("processed_at", DateTime(timezone=True), nullable=False),
            UniqueConstraint("consumer", "event_id", name="uq_processed_event"),
        )
        self.tenant_settings = Table(
            "tenant_settings", metadata,
            Column("tenant_id", Integer, primary_key=True),
            Column("tab", String(40), primary_key=True),
            Column("values", JSON, nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
        )


def service_base():
    """Return a new declarative base for one service's tables, and the shared tables on its metadata."""

    class Base(DeclarativeBase):
        pass

    return Base, PlatformTables(Base.metadata)


def create_platform_tables(op):
    """Create the shared tables from inside an Alembic migration."""
    metadata = MetaData()
    PlatformTables(metadata)
    metadata.create_all(bind=op.get_bind())


def drop_platform_tables(op):
    """Drop the shared tables from inside an Alembic migration."""
    metadata = MetaData()
    PlatformTables(metadata)
    metadata.drop_all(bind=op.get_bind())
