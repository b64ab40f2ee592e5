"""The billing service's entrypoints."""
from billing import VERSION
from billing.models import platform
from billing.settings import TABS
from shared.context import CallContext
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Outbox


class BillingService(StandardEntrypoints):
    name = "billing"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    outbox = Outbox(platform)
