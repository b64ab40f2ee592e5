"""The tickets service's entrypoints."""
from tickets import VERSION
from tickets.chat_entrypoints import ChatEntrypoints
from tickets.models import platform
from tickets.settings import TABS
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Outbox


class TicketsService(ChatEntrypoints, StandardEntrypoints):
    name = "tickets"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    outbox = Outbox(platform)
