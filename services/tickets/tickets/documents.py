"""Documents shared with a client account: by staff (title, optional folder) and, when allowed, by the client.

The gateway puts the bytes it received into the blob store and passes the blob's id; tickets reads them,
judges them by content (document_files.py) and keeps a copy of its own under the content type it
decided. The upload itself stays the gateway's: tickets never deletes a blob it was handed. Events name
a document by id and title, never its bytes.
"""
import contextvars
import functools

from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import bindparam, func, select

from shared.blobs import BLOB_ID
from shared.clock import iso_utc, utcnow
from shared.errors import NotFound, invalid
from shared.events import DOCUMENT_UPLOADED, DONE_UPLOADING
from shared.fields import ONE_LINE, TRIMMED
from shared.i18n import _
from shared.validation import load_or_raise
from tickets import document_files, known_accounts, paging
from tickets.models import Document, KnownAccount

LISTED_AT_MOST = 200  # a page of documents holds at most this many, and what fits paging.PAGE_BUDGET
PageInput = paging.page_input(LISTED_AT_MOST, LISTED_AT_MOST)
DOCUMENTS, KNOWN = Document.__table__, KnownAccount.__table__
DONE_STATE = select(KNOWN.c.done_uploading_at, KNOWN.c.done_uploading_by, KNOWN.c.done_uploading_name).where(
    KNOWN.c.tenant_id == bindparam("tenant_id"), KNOWN.c.account_id == bindparam("account_id"))


class NewDocumentSchema(Schema):
    """A document to keep: the blob the gateway stored, and what to call it."""

    class Meta:
        unknown = RAISE

    upload_id = fields.String(required=True, validate=validate.Regexp(BLOB_ID.pattern + "$"))
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), TRIMMED])
    folder = fields.String(allow_none=True, load_default=None, validate=[validate.Length(min=1, max=100), TRIMMED])
    filename = fields.String(allow_none=True, load_default=None, validate=[validate.Length(max=255), ONE_LINE])
    done = fields.Boolean(load_default=False)


def describe(row, for_staff=False):
    described = {"id": row.id, "title": row.title, "folder": row.folder, "filename": row.filename,
                 "content_type": row.content_type, "size": row.size, "uploaded_at": iso_utc(row.uploaded_at),
                 "shared_by": "business" if row.uploaded_by_kind == "staff" else "client"}
    if for_staff:
        described.update(account_id=row.account_id, uploaded_by={"kind": row.uploaded_by_kind,
                                                                   "id": row.uploaded_by_id,
                                                                   "name": row.uploaded_by_name})
    return described


def new_document(session, store, tenant_id, account_id, request, uploader):
    """Keep a checked copy of the upload ``request`` names as a document of the account; return the row.

    ``uploader`` is ``(kind, id, name)``, the name as accounts told it. A request or file that is refused changes
    nothing.
    """
    values = load_or_raise(NewDocumentSchema, request)
    kept = checked_copy(store, values)
    row = Document(tenant_id=tenant_id, account_id=account_id, title=values["title"], folder=values["folder"],
                   uploaded_by_kind=uploader[0], uploaded_by_id=uploader[1], uploaded_by_name=uploader[2],
                   uploaded_at=utcnow(), **kept)
    session.add(row)
    session.flush()
    return row, values["done"]


def checked_copy(store, values):
    """Check the upload ``values["upload_id"]`` names and keep a copy: ``{filename, content_type, size, blob_id}``."""
    try:
        upload = store.get(values["upload_id"])
    except NotFound:
        raise invalid("upload_id", _("The upload was not found: send the file again.")) from None
    # In another thread (run_cpu_bound) with this one's context: its refusals are in the caller's language.
    data, content_type, extension = document_files.run_cpu_bound(contextvars.copy_context().run,
                                                                 document_files.checked_file, upload.data)
    return {"filename": document_files.download_name(values.get("filename"), values["title"], extension),
            "content_type": content_type, "size": len(data), "blob_id": store.put(data, content_type)}


def list_documents(session, tenant_id, account_id, page, for_staff=False):
    """``(documents, next cursor)``: a page (``{cursor, limit}``) of the account's documents, newest first, as many
    of them as fit paging.PAGE_BUDGET (the next page starts after the last one that fits)."""
    key = paging.decode(page["cursor"], (paging.TIME, paging.ID))
    rows = session.connection().execute(_page(key is not None), {
        "tenant_id": tenant_id, "account_id": account_id, **paging.page_values(key, page["limit"])}).all()
    return paging.cut(rows, page["limit"], lambda row: (row.uploaded_at, row.id),
                      lambda row: describe(row, for_staff))


@functools.cache
def _page(keyed):
    """A page of an account's documents as rows, built once (Home lists the newest on every page)."""
    columns = DOCUMENTS.c
    query = select(DOCUMENTS).where(columns.tenant_id == bindparam("tenant_id"),
                                    columns.account_id == bindparam("account_id"))
    return paging.built_page(query, (columns.uploaded_at, columns.id), keyed)


def find_document(session, tenant_id, document_id, account_id=None):
    """The document ``document_id`` of the business (and of ``account_id`` when given); NotFound otherwise."""
    if not isinstance(document_id, int) or isinstance(document_id, bool):
        raise NotFound(_("No such document."))
    where = [Document.tenant_id == tenant_id, Document.id == document_id]
    if account_id is not None:
        where.append(Document.account_id == account_id)
    row = session.scalar(select(Document).where(*where))
    if row is None:
        raise NotFound(_("No such document."))
    return row


def file_of(row):
    return {"filename": row.filename, "blob_id": row.blob_id, "content_type": row.content_type}


def delete_document(session, row):
    """Delete the document; return its blob id, to delete once that is committed."""
    session.delete(row)
    return row.blob_id


def discard(store, blob_id):
    if blob_id:
        store.delete(blob_id)


def done_state(session, tenant_id, account_id):
    """When and by whom the client said they are done uploading, or None."""
    return _done(session.connection().execute(DONE_STATE, {"tenant_id": tenant_id, "account_id": account_id}).first())


def _done(known):
    if known is None or known.done_uploading_at is None:
        return None
    return {"at": iso_utc(known.done_uploading_at), "portal_user_id": known.done_uploading_by,
            "portal_user_name": known.done_uploading_name}


def client_uploads(session, tenant_id, account_id):
    return session.scalar(select(func.count(Document.id)).where(
        Document.tenant_id == tenant_id, Document.account_id == account_id, Document.uploaded_by_kind == "client"))


def announce_upload(outbox, session, row, done, client_name):
    outbox.add(session, DOCUMENT_UPLOADED, {
        "document_id": row.id, "account_id": row.account_id, "title": row.title, "filename": row.filename,
        "portal_user_id": row.uploaded_by_id, "done": done, "client_name": client_name,
        "portal_user_name": row.uploaded_by_name}, tenant_id=row.tenant_id)


def mark_done(session, outbox, tenant_id, account_id, portal_user_id, via, names):
    """Record that the client has sent everything and tell the business (alerts); ``names`` ({account, person}) as
    accounts told them."""
    known = known_accounts.remember(session, tenant_id, account_id)
    known.done_uploading_at, known.done_uploading_by = utcnow(), portal_user_id
    known.done_uploading_name = names["person"]
    outbox.add(session, DONE_UPLOADING, {
        "account_id": account_id, "portal_user_id": portal_user_id, "via": via,
        "documents": client_uploads(session, tenant_id, account_id), "client_name": names["account"],
        "portal_user_name": names["person"]}, tenant_id=tenant_id)
    return _done(known)
