"""The tickets service: tickets and their conversation, chat threads and documents, each feature's
entrypoints in a mixin of its own (ticket_entrypoints, staff_ticket_entrypoints, support_mail_entrypoints,
chat_entrypoints, document_entrypoints, invitation_document_entrypoints, request_ticket_entrypoints); what they
share is here."""
from eventlet import tpool
from nameko.rpc import RpcProxy

from tickets import VERSION, attachments, document_files
from tickets.chat_entrypoints import ChatEntrypoints
from tickets.document_entrypoints import DocumentEntrypoints
from tickets.invitation_document_entrypoints import InvitationDocumentEntrypoints
from tickets.models import platform
from tickets.request_ticket_entrypoints import RequestTicketHandlers
from tickets.settings import TABS
from tickets.staff_ticket_entrypoints import StaffTicketEntrypoints
from tickets.support_mail_entrypoints import SupportMailEntrypoints
from tickets.ticket_entrypoints import TicketEntrypoints
from shared.blob_provider import BlobStore
from shared.entrypoints import StandardEntrypoints
from shared.messaging import Inbox, Outbox
from shared.settings_store import read_settings

# Decoding a photo or an uploaded image is CPU work: off the event loop, so heartbeats flow.
attachments.run_cpu_bound = document_files.run_cpu_bound = tpool.execute


class TicketsService(TicketEntrypoints, StaffTicketEntrypoints, SupportMailEntrypoints, ChatEntrypoints,
                     DocumentEntrypoints, InvitationDocumentEntrypoints, RequestTicketHandlers, StandardEntrypoints):
    name = "tickets"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    inbox = Inbox(platform)
    outbox = Outbox(platform)
    blobs = BlobStore()
    accounts = RpcProxy("accounts")  # carries the caller's passport, so accounts answers as it would them
    billing = RpcProxy("billing")  # likewise: a client's visit reference is checked as that client

    def _tickets_settings(self, tenant_id=None):
        """The Tickets tab of ``tenant_id`` (the caller's business by default)."""
        return read_settings(self.db, platform.tenant_settings,
                             tenant_id if tenant_id is not None else self.ctx.tenant_id, TABS, "tickets")
