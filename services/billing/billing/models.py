"""Tables private to the billing service."""
from sqlalchemy.orm import DeclarativeBase

from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


platform = PlatformTables(Base.metadata)
