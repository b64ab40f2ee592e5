"""A service with nothing but what every service shares (shared.entrypoints) and one settings tab, for shared's tests."""
from marshmallow import Schema
from sqlalchemy.orm import DeclarativeBase

from shared.context import CallContext
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.fields import StrictBoolean
from shared.messaging import Outbox
from shared.tables import PlatformTables


class Base(DeclarativeBase):
    pass


class ExampleTab(Schema):
    enabled = StrictBoolean(load_default=True)


class ExampleService(StandardEntrypoints):
    name = "example"
    version = "1"
    tables = PlatformTables(Base.metadata)
    settings_tabs = {"example": ExampleTab}

    db = Database()
    ctx = CallContext()
    outbox = Outbox(tables)
