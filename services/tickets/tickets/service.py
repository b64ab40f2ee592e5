"""The tickets service's entrypoints."""
from tickets import VERSION
from tickets.chat_entrypoints import ChatEntrypoints
from tickets.models import platform
from tickets.settings import TABS
from tickets.staff_ticket_entrypoints import StaffTicketEntrypoints
from tickets.ticket_entrypoints import TicketEntrypoints
from shared.blobs import BlobStore
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Inbox, Outbox


class TicketsService(TicketEntrypoints, StaffTicketEntrypoints, ChatEntrypoints, StandardEntrypoints):
    name = "tickets"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    inbox = Inbox(platform)
    outbox = Outbox(platform)
    blobs = BlobStore()
