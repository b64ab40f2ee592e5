"""Invoice PDFs in the blob store: rendered for what they show, kept while that stays the same.

One PDF is kept per invoice and audience (staff's names the client, a client's does not), with a
fingerprint of everything it is drawn from: the invoice as described (status, amounts, lines, the
void stamp) and the names. Asked again, billing names the kept PDF while the fingerprint matches;
any change renders a new one, and the one it replaced is deleted once that is committed. A PDF
never goes stale, the store holds at most two per invoice, and a render costs only when something
on the page changed.
"""
import hashlib
import json

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from billing.models import InvoiceDocument
from billing.pdf import render_invoice
from shared.clock import utcnow

def run_cpu_bound(fn, *args):
    """Run ``fn``; the service runs it in a thread instead, so rendering never stalls its event loop."""
    return fn(*args)


def fingerprint(invoice, business_name, account_name):
    """Return a digest of everything a PDF of ``invoice`` is drawn from."""
    drawn = json.dumps([invoice, business_name, account_name], sort_keys=True, default=str)
    return hashlib.sha256(drawn.encode()).hexdigest()


def invoice_document(session, store, tenant_id, invoice, audience, business_name, account_name=None):
    """Return ``({"filename", "blob_id"}, replaced)``: ``invoice``'s PDF for ``audience``, and the blob id it
    replaces (to delete once committed) or None."""
    drawn_from = fingerprint(invoice, business_name, account_name)
    where = (InvoiceDocument.tenant_id == tenant_id, InvoiceDocument.invoice_id == invoice["id"],
             InvoiceDocument.audience == audience)
    kept = session.execute(select(InvoiceDocument.fingerprint, InvoiceDocument.blob_id).where(*where)).first()
    if kept is not None and kept.fingerprint == drawn_from:
        return document(invoice, kept.blob_id), None
    # End the read: no transaction (on SQLite, the service's one connection) is held while the PDF
    # is rendered and stored; recording it afterwards checks that nobody recorded another meanwhile.
    session.rollback()
    data = run_cpu_bound(render_invoice, invoice, business_name, account_name)
    blob_id = store.put(data, "application/pdf")
    values = {"fingerprint": drawn_from, "blob_id": blob_id, "rendered_at": utcnow()}
    if record(session, where, kept, values, {"tenant_id": tenant_id, "invoice_id": invoice["id"],
                                               "audience": audience}):
        return document(invoice, blob_id), kept.blob_id if kept is not None else None
    store.delete(blob_id)  # another request recorded its PDF first: that one is the invoice's now
    return document(invoice, session.execute(select(InvoiceDocument.blob_id).where(*where)).scalar_one()), None


def record(session, where, kept, values, key):
    """Record the new PDF in place of ``kept`` (or as the first); return False when another request did first."""
    if kept is not None:
        changed = session.execute(update(InvoiceDocument).where(*where, InvoiceDocument.blob_id == kept.blob_id)
                                  .values(**values))
        return changed.rowcount == 1
    try:
        with session.begin_nested():
            session.execute(insert(InvoiceDocument).values(**key, **values))
    except IntegrityError:
        return False
    return True


def document(invoice, blob_id):
    return {"filename": f"invoice-{invoice['number']}.pdf", "blob_id": blob_id}


def discard(store, blob_id):
    """Delete a PDF that no row names any more."""
    if blob_id:
        store.delete(blob_id)
