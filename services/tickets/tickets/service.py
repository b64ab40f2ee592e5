"""The tickets service's entrypoints."""
from tickets import VERSION
from tickets.models import platform
from tickets.settings import TABS
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Outbox


class TicketsService(StandardEntrypoints):
    name = "tickets"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    outbox = Outbox(platform)
