"""A test-only service whose event handler fails while a marker file exists.

Run it with ``portico_testing.ServiceProcess("tests.flaky_service:FlakyService", env, tmp)``;
it reads its database from FLAKY_DATABASE_URL and the marker's path from FLAKY_MARKER.
"""
import os
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.context import CallContext, public_rpc
from shared.db import Database
from shared.events import TENANT_PROFILE_UPDATED
from shared.clock import utcnow as now
from shared.messaging import Inbox, on_event
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


tables = PlatformTables(Base.metadata)


class HandledEvent(Base):
    """One event the handler got through."""

    __tablename__ = "handled_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FlakyService:
    name = "flaky"

    db = Database()
    ctx = CallContext()
    inbox = Inbox(tables)

    @public_rpc
    def ping(self):
        return "pong"

    @on_event(TENANT_PROFILE_UPDATED)
    def handle_tenant_profile_updated(self, event):
        if os.path.exists(os.environ["FLAKY_MARKER"]):
            raise RuntimeError("flaky is failing on purpose")
        self.db.add(HandledEvent(event_id=event["event_id"],
                                 display_name=event["data"]["display_name"], handled_at=now()))
