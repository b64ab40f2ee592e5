"""The tickets service's entrypoints for documents: staff share them with an account, clients read and upload.

A mixin of TicketsService (tickets/service.py), which provides ``db``, ``ctx``, ``outbox``, ``blobs``,
``accounts`` and ``_tickets_settings``. Staff name an account, which accounts confirms as the business's
client the first time; a client only ever reaches the account their passport names. With
``documents_enabled`` off a client sees nothing; uploads, the "Done uploading" button and the "completely
done" box each need their own setting.
"""
from shared import audit
from shared.batch import batchable
from shared.context import tenant_rpc
from shared.errors import InvalidInput, PermissionDenied
from shared.events import DOCUMENT_SHARED
from shared.i18n import _
from shared.validation import load_or_raise
from tickets import access, audit_facts, documents, known_accounts, names

CLIENT_FEATURES = ("allow_client_uploads", "done_uploading_button", "done_uploading_checkbox")
UPLOAD_RIGHT = "pay"  # a view-only link reads the account; sending files acts on it


class DocumentEntrypoints:

    def _client_documents(self, needs="view"):
        """The client's tenant, account and settings, once documents are on for clients."""
        tenant_id, account_id = access.client_account(self.ctx, needs)
        settings = access.require_setting(self._tickets_settings(), "documents_enabled",
                                          _("Documents are not shown in this portal."))
        return tenant_id, account_id, settings

    # --- staff ------------------------------------------------------------------------------

    @tenant_rpc
    def account_documents(self, account_id, page=None):
        """Staff view of a page (``{cursor?, limit?}``) of an account's documents: who shared or uploaded what and
        when, and the done mark."""
        tenant_id = access.staff_tenant(self.ctx)
        known_accounts.ensure_known(self.db, self.accounts, tenant_id, account_id)
        listed, next_cursor = documents.list_documents(self.db, tenant_id, account_id,
                                                       load_or_raise(documents.PageInput, page or {}), for_staff=True)
        return {"documents": listed, "more": next_cursor is not None, "next": next_cursor,
                "done_uploading": documents.done_state(self.db, tenant_id, account_id)}

    @tenant_rpc
    def share_document(self, account_id, document):
        """Share a file (``document``: ``upload_id``, ``title``, optional ``folder`` and ``filename``)."""
        tenant_id, staff_id = access.staff_tenant(self.ctx), self.ctx.claims.actor_id
        staff_name = names.of_staff_member(self.db, self.accounts, staff_id)  # before a transaction begins
        known_accounts.ensure_known(self.db, self.accounts, tenant_id, account_id)
        if isinstance(document, dict) and document.get("done"):
            raise InvalidInput(_("Only a client says they are done uploading."), {"done": [_("Unknown field.")]})
        row, __ = documents.new_document(self.db, self.blobs, tenant_id, account_id, document,
                                        ("staff", staff_id, staff_name))
        audit_facts.document(self.db, self.outbox, row, audit.who(self.ctx))
        self.outbox.add(self.db, DOCUMENT_SHARED, {"document_id": row.id, "account_id": row.account_id,
                                                   "title": row.title, "actor": self.ctx.actor})
        self.db.commit()
        return documents.describe(row, for_staff=True)

    @tenant_rpc
    def document_file(self, document_id):
        """``{"filename", "blob_id", "content_type"}`` of one of the business's documents, to download."""
        return documents.file_of(documents.find_document(self.db, access.staff_tenant(self.ctx), document_id))

    @tenant_rpc
    def delete_document(self, document_id):
        row = documents.find_document(self.db, access.staff_tenant(self.ctx), document_id)
        audit_facts.document(self.db, self.outbox, row, audit.who(self.ctx), deleted=True)
        blob_id = documents.delete_document(self.db, row)
        self.db.commit()
        documents.discard(self.blobs, blob_id)
        return {}

    # --- the client's Documents tab ---------------------------------------------------------------

    @batchable
    @tenant_rpc
    def my_documents(self, page=None):
        """A page (``{cursor?, limit?}``) of the client's account's documents, newest first, and which upload
        features are on."""
        tenant_id, account_id, settings = self._client_documents()
        wanted = load_or_raise(documents.PageInput, page or {})
        listed, next_cursor = documents.list_documents(self.db, tenant_id, account_id, wanted)
        return {"documents": listed, "more": next_cursor is not None, "next": next_cursor,
                "done_uploading": documents.done_state(self.db, tenant_id, account_id),
                "features": {key: settings[key] for key in CLIENT_FEATURES}}

    @tenant_rpc
    def my_document_file(self, document_id):
        tenant_id, account_id, __ = self._client_documents()
        return documents.file_of(documents.find_document(self.db, tenant_id, document_id, account_id))

    @tenant_rpc
    def upload_my_document(self, document):
        """Send the business a file; ``done`` (when the tenant offers the box) says it is the last one."""
        tenant_id, account_id, settings = self._client_documents(UPLOAD_RIGHT)
        access.require_setting(settings, "allow_client_uploads", _("Uploading documents is turned off."))
        if isinstance(document, dict) and document.get("done") and not settings["done_uploading_checkbox"]:
            raise PermissionDenied(_("The completely-done box is turned off."))
        portal_user_id = self.ctx.claims.actor_id
        who = names.of_calling_client(self.db, self.accounts)
        row, done = documents.new_document(self.db, self.blobs, tenant_id, account_id, document,
                                           ("client", portal_user_id, who["person"]))
        documents.announce_upload(self.outbox, self.db, row, done, who["account"])
        audit_facts.document(self.db, self.outbox, row, audit.who(self.ctx))
        if done:
            documents.mark_done(self.db, self.outbox, tenant_id, account_id, portal_user_id, "checkbox", who)
            audit_facts.upload_done(self.db, self.outbox, tenant_id, account_id, audit.who(self.ctx))
        self.db.commit()
        return documents.describe(row)

    @tenant_rpc
    def done_uploading(self):
        """Tell the business the client has sent every document asked for."""
        tenant_id, account_id, settings = self._client_documents(UPLOAD_RIGHT)
        access.require_setting(settings, "allow_client_uploads", _("Uploading documents is turned off."))
        access.require_setting(settings, "done_uploading_button", _("The done-uploading button is turned off."))
        who = names.of_calling_client(self.db, self.accounts)
        state = documents.mark_done(self.db, self.outbox, tenant_id, account_id, self.ctx.claims.actor_id, "button",
                                    who)
        audit_facts.upload_done(self.db, self.outbox, tenant_id, account_id, audit.who(self.ctx))
        self.db.commit()
        return {"done_uploading": state}
