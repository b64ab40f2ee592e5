"""Tables private to the notifications service."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


platform = PlatformTables(Base.metadata)


class TenantBranding(Base):
    """This service's copy of each tenant's name and contact details, for message templates."""

    __tablename__ = "tenant_branding"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
