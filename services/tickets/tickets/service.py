"""The tickets service's entrypoints."""
from eventlet import tpool
from nameko.rpc import RpcProxy

from tickets import VERSION, document_files
from tickets.document_entrypoints import DocumentEntrypoints
from tickets.models import platform
from tickets.settings import TABS
from shared.blobs import BlobStore
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Outbox
from shared.settings_store import read_settings

document_files.run_cpu_bound = tpool.execute  # decoding an image is CPU work: off the event loop


class TicketsService(DocumentEntrypoints, StandardEntrypoints):
    name = "tickets"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    outbox = Outbox(platform)
    blobs = BlobStore()
    accounts = RpcProxy("accounts")  # carries the caller's passport, so accounts answers as it would them

    def _tickets_settings(self):
        return read_settings(self.db, platform.tenant_settings, self.ctx.tenant_id, TABS, "tickets")
