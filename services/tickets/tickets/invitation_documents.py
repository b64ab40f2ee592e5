"""The invitation email's welcome document: one file a business attaches to its invitation, which every new
client finds in Documents at their first sign-in.

Notifications owns the invitation's text; the file is a document of the business, so it lives here, checked
as any shared document is (document_files.py) and kept in the blob store under tickets' own copy. When
accounts announces a portal user's first sign-in (``portal_user_activated``), each of their main accounts gets
a copy of its own, once per account: a later user of the same account, or a redelivered event, adds nothing.
The copy is an ordinary document shared by the business, so the client may keep it after the business
replaces or removes the welcome document, and staff may delete it like any other. With the Documents setting
off, nothing is attached or shared and the invitation mentions nothing.
"""
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from shared.blobs import BLOB_ID
from shared.clock import iso_utc, utcnow
from shared.errors import PermissionDenied
from shared.events import INVITATION_DOCUMENT_CHANGED
from shared.fields import ONE_LINE, TRIMMED
from shared.i18n import N_, _
from shared.validation import load_or_raise
from tickets.documents import checked_copy
from tickets.models import Document, InvitationDocument, InvitationDocumentShare

DOCUMENTS_OFF = N_("Documents are turned off: turn them on in Settings to attach a document to the invitation.")


class InvitationDocumentSchema(Schema):
    """The welcome document to attach: the blob the gateway stored and what to call it."""

    class Meta:
        unknown = RAISE

    upload_id = fields.String(required=True, validate=validate.Regexp(BLOB_ID.pattern + "$"))
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), TRIMMED])
    filename = fields.String(allow_none=True, load_default=None, validate=[validate.Length(max=255), ONE_LINE])


def require_documents(settings):
    if not settings["documents_enabled"]:
        raise PermissionDenied(_(DOCUMENTS_OFF))


def describe(row):
    if row is None:
        return None
    return {"title": row.title, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "uploaded_at": iso_utc(row.uploaded_at), "uploaded_by_id": row.uploaded_by_id}


def state(session, tenant_id, settings):
    """What the invitation editor shows: whether documents are on, and the attached document."""
    return {"documents_enabled": bool(settings["documents_enabled"]),
            "document": describe(session.get(InvitationDocument, tenant_id))}


def attach(session, store, tenant_id, request, staff_id):
    """Attach (or replace) the welcome document; return ``(row, the replaced copy's blob id or None)``."""
    values = load_or_raise(InvitationDocumentSchema, request)
    kept = checked_copy(store, values)
    row = session.get(InvitationDocument, tenant_id)
    replaced = row.blob_id if row is not None else None
    if row is None:
        row = InvitationDocument(tenant_id=tenant_id)
        session.add(row)
    row.title, row.uploaded_by_id, row.uploaded_at = values["title"], staff_id, utcnow()
    for name, value in kept.items():
        setattr(row, name, value)
    session.flush()
    return row, replaced


def remove(session, tenant_id):
    """Remove the welcome document; return its blob id (to delete once committed), or None."""
    row = session.get(InvitationDocument, tenant_id)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return row.blob_id


def announce(session, outbox, tenant_id, settings, only_if_attached=False):
    """Tell notifications what the invitation should say awaits a new client (nothing when documents are off)."""
    row = session.get(InvitationDocument, tenant_id)
    if row is None and only_if_attached:
        return
    title = row.title if row is not None and settings["documents_enabled"] else None
    outbox.add(session, INVITATION_DOCUMENT_CHANGED, {"title": title},
               tenant_id=tenant_id)


def share_on_first_sign_in(session, store, tenant_id, account_ids, settings):
    """Give each account in ``account_ids`` its copy of the welcome document, unless it has had one; return the
    new documents."""
    row = session.get(InvitationDocument, tenant_id)
    if row is None or not settings["documents_enabled"]:
        return []
    wanted = {account_id for account_id in account_ids
              if isinstance(account_id, int) and not isinstance(account_id, bool) and 0 < account_id < 2 ** 63}
    had = set(session.scalars(select(InvitationDocumentShare.account_id).where(
        InvitationDocumentShare.tenant_id == tenant_id, InvitationDocumentShare.account_id.in_(wanted))))
    shared = []
    for account_id in sorted(wanted - had):
        copy = Document(tenant_id=tenant_id, account_id=account_id, title=row.title, folder=None,
                        filename=row.filename, content_type=row.content_type, size=row.size,
                        blob_id=store.put(store.get(row.blob_id).data, row.content_type),
                        uploaded_by_kind="staff", uploaded_by_id=row.uploaded_by_id, uploaded_at=utcnow())
        session.add(copy)
        session.flush()
        session.add(InvitationDocumentShare(tenant_id=tenant_id, account_id=account_id, document_id=copy.id,
                                           shared_at=utcnow()))
        shared.append(copy)
    return shared
