"""The tickets service's entrypoints for the invitation email's welcome document (rules in invitation_documents.py).

A mixin of TicketsService (tickets/service.py), which provides ``db``, ``ctx``, ``outbox``, ``blobs`` and
``_tickets_settings``. Staff attach, replace and remove it; accounts' ``portal_user_activated`` shares it with
the new client's accounts. Attaching needs ``documents_enabled``; saving the Tickets tab tells notifications
again what the invitation should say, since turning documents off withdraws the mention.
"""
import logging

from shared.context import staff_tenant, tenant_rpc
from shared.entrypoints import announce_settings
from shared.events import PORTAL_USER_ACTIVATED
from shared.messaging import on_event
from shared.settings_store import update_settings
from tickets import access, documents, invitation_documents
from tickets.settings import TABS

log = logging.getLogger(__name__)


class InvitationDocumentEntrypoints:

    @tenant_rpc
    def invitation_document(self):
        """``{documents_enabled, document}``: the welcome document attached to the invitation email, or null."""
        tenant_id = access.staff_tenant(self.ctx)
        return invitation_documents.state(self.db, tenant_id, self._tickets_settings(tenant_id))

    @tenant_rpc
    def attach_invitation_document(self, document):
        """Attach (or replace) the welcome document: ``{upload_id, title, filename?}``."""
        tenant_id = access.staff_tenant(self.ctx)
        settings = self._tickets_settings(tenant_id)
        invitation_documents.require_documents(settings)
        row, replaced = invitation_documents.attach(self.db, self.blobs, tenant_id, document,
                                                    self.ctx.claims.actor_id)
        invitation_documents.announce(self.db, self.outbox, tenant_id, settings)
        self.db.commit()
        documents.discard(self.blobs, replaced)
        return invitation_documents.state(self.db, tenant_id, settings)

    @tenant_rpc
    def remove_invitation_document(self):
        """Remove the welcome document (copies already shared stay the clients'); allowed with documents off."""
        tenant_id = access.staff_tenant(self.ctx)
        settings = self._tickets_settings(tenant_id)
        removed = invitation_documents.remove(self.db, tenant_id)
        invitation_documents.announce(self.db, self.outbox, tenant_id, settings)
        self.db.commit()
        documents.discard(self.blobs, removed)
        return invitation_documents.state(self.db, tenant_id, settings)

    @tenant_rpc
    def update_settings(self, tab, changes):
        """Save a settings tab; turning documents on or off also tells notifications whether the welcome document
        is offered."""
        tenant_id = staff_tenant(self.ctx)
        was_on = tab in TABS and self._tickets_settings(tenant_id)["documents_enabled"]
        values = update_settings(self.db, self.tables.tenant_settings, tenant_id, self.settings_tabs, tab, changes)
        announce_settings(self.outbox, self.db, self.name, tenant_id, tab)
        if tab in TABS and values["documents_enabled"] != was_on:
            invitation_documents.announce(self.db, self.outbox, tenant_id, values, only_if_attached=True)
        self.db.commit()
        return values

    @on_event(PORTAL_USER_ACTIVATED)
    def handle_portal_user_activated(self, event):
        """A client's first sign-in: their main accounts each get the welcome document, once."""
        tenant_id = event.get("tenant_id")
        if not isinstance(tenant_id, int):
            log.warning("portal_user_activated %s names no business: dropped", event.get("event_id"))
            return
        shared = invitation_documents.share_on_first_sign_in(
            self.db, self.blobs, tenant_id, event["data"].get("account_ids") or [], self._tickets_settings(tenant_id))
        log.info("welcome document shared with %d account(s)", len(shared))
