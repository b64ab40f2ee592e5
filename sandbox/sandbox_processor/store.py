"""The processor's own storage: tokens, charges and refunds. No column can hold a card or account number."""
import time

from sqlalchemy import (BigInteger, Column, Integer, MetaData, String, Table, create_engine, event,
                        func, insert, select, text, update)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

tokens = Table(
    "tokens", metadata,
    Column("token", String(40), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("brand", String(20), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("exp_month", Integer),
    Column("exp_year", Integer),
    Column("behaviour", String(30), nullable=False),
    Column("created", Integer, nullable=False),
    Column("detached", Integer),
)

charges = Table(
    "charges", metadata,
    Column("id", String(40), primary_key=True),
    # The unique constraint is what makes a key charge at most once, even when two requests
    # with the same key race each other.
    Column("idempotency_key", String(255), nullable=False, unique=True),
    Column("token", String(40), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("description", String(1000)),
    Column("status", String(30), nullable=False),
    Column("message", String(200), nullable=False),
    Column("created", Integer, nullable=False),
)

refunds = Table(
    "refunds", metadata,
    Column("id", String(40), primary_key=True),
    Column("idempotency_key", String(255), nullable=False, unique=True),  # one refund per key, as charges
    Column("charge_id", String(40), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(30), nullable=False),
    Column("created", Integer, nullable=False),
)


class Store:
    """Tokens and charges in one SQLAlchemy database (a SQLite file by default)."""

    def __init__(self, url):
        options = {}
        if url.startswith("sqlite"):
            # Threads share the pool; a writer waits up to 30 s for the file lock.
            options = {"connect_args": {"timeout": 30, "check_same_thread": False},
                       "pool_size": 10, "max_overflow": 40}
        self.engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_wal)
        metadata.create_all(self.engine)

    def ping(self):
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def add_token(self, token, instrument):
        with self.engine.begin() as connection:
            connection.execute(insert(tokens).values(
                token=token, kind=instrument.kind, brand=instrument.brand,
                last4=instrument.last4, exp_month=instrument.exp_month,
                exp_year=instrument.exp_year, behaviour=instrument.behaviour,
                created=int(time.time())))

    def token(self, token):
        with self.engine.connect() as connection:
            query = select(tokens).where(tokens.c.token == token)
            return connection.execute(query).mappings().first()

    def detach_token(self, token):
        """Mark ``token`` detached; return False when it does not exist."""
        with self.engine.begin() as connection:
            # Write before reading: a SQLite read transaction cannot always become a write one.
            connection.execute(update(tokens)
                               .where(tokens.c.token == token, tokens.c.detached.is_(None))
                               .values(detached=int(time.time())))
            return connection.execute(
                select(tokens.c.token).where(tokens.c.token == token)).first() is not None

    def charge_by_key(self, idempotency_key):
        with self.engine.connect() as connection:
            query = select(charges).where(charges.c.idempotency_key == idempotency_key)
            return connection.execute(query).mappings().first()

    def add_charge(self, **values):
        """Insert a charge; return False when a charge with its idempotency key already exists."""
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(charges).values(created=int(time.time()), **values))
        except IntegrityError:
            return False
        return True

    def charge(self, charge_id):
        with self.engine.connect() as connection:
            return connection.execute(select(charges).where(charges.c.id == charge_id)).mappings().first()

    def refund_by_key(self, idempotency_key):
        with self.engine.connect() as connection:
            query = select(refunds).where(refunds.c.idempotency_key == idempotency_key)
            return connection.execute(query).mappings().first()

    def add_refund(self, charge, **values):
        """Refund part of ``charge``: False when its key was used already, None when more than what is left of the
        charge would go back (checked and written in one transaction, so refunds at once never overdraw it)."""
        try:
            with self.engine.begin() as connection:
                # The charge's row is written first: on SQLite that takes the write lock before anything is read.
                connection.execute(update(charges).where(charges.c.id == charge["id"]).values(id=charge["id"]))
                refunded = connection.execute(select(func.coalesce(func.sum(refunds.c.amount), 0)).where(
                    refunds.c.charge_id == charge["id"])).scalar_one()
                if refunded + values["amount"] > charge["amount"]:
                    return None
                connection.execute(insert(refunds).values(created=int(time.time()), charge_id=charge["id"],
                                                          **values))
        except IntegrityError:
            return False
        return True

    def count_charges(self):
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(charges)).scalar_one()

    def close(self):
        self.engine.dispose()


def _sqlite_wal(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
