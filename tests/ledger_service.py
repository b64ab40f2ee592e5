"""A test-only service with one state-changing call, idempotent by key, for the process-level fault tests.

``python -m shared.run tests.ledger_service:LedgerService`` runs it the way the real services run; its
database is LEDGER_DATABASE_URL. Its call is plain nameko ``rpc`` with no call context, so what a fault
test measures is the broker, the process and the supervisor, nothing else.
"""
import os

import eventlet
from nameko.rpc import rpc
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database
from shared.heartbeat import Heartbeat


class Base(DeclarativeBase):
    pass


class Entry(Base):
    """What a key recorded: one row per key, whatever happens to its calls."""

    __tablename__ = "entries"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)


class Run(Base):
    """One row per time a call ran, repeats after a redelivery included."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))


# Each call's own work, in seconds (LEDGER_CALL_SECONDS): a test that stops the service needs calls that are
# still running or waiting when the stop comes, however fast the machine is.
CALL_SECONDS = float(os.environ.get("LEDGER_CALL_SECONDS", "0"))


class LedgerService:
    name = "ledger"

    db = Database()
    heartbeat = Heartbeat()

    @rpc
    def record(self, key, amount):
        """Record ``amount`` under ``key`` once; a repeated call answers what the first recorded."""
        eventlet.sleep(CALL_SECONDS)
        self.db.add(Run(key=key))
        entry = self.db.get(Entry, key)
        if entry is None:
            entry = Entry(key=key, amount=amount)
            self.db.add(entry)
        self.db.commit()
        return {"key": key, "amount": entry.amount}
