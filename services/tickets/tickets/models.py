"""Tables private to the tickets service."""
from sqlalchemy.orm import DeclarativeBase

from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


platform = PlatformTables(Base.metadata)
