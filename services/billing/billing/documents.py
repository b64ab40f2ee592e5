"""Invoice and estimate PDFs in the blob store: rendered for what they show, kept while that stays the same.

One PDF is kept per invoice, audience (staff's names the client, a client's does not) and language, with a
fingerprint of everything it is drawn from: the invoice as described (status, amounts, lines, the
void stamp), the names, the business's look (its colour and logo: business_look.py) and the language.
Asked again, billing names the kept PDF while the fingerprint matches;
any change renders a new one, and the one it replaced is deleted once that is committed. A PDF
never goes stale, the store holds at most two per invoice and language, and a render costs only when something
on the page changed.

A PDF is written in the language of the work at hand: a caller's (shared.context sets it from the call's
context), so one downloaded from the portal or the staff pages is in its reader's language. Work without a caller
(an event handler's, a timer's) passes ``language``: ``business_look.language_of`` gives the business's default,
which billing keeps from the profile event (billing does not know the client accounts' own languages).
"""
import contextvars
import hashlib
import json

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from billing.field_models import EstimateDocument
from billing.models import InvoiceDocument
from billing import business_look
from billing.pdf import Letterhead, render_estimate, render_invoice
from shared.clock import utcnow
from shared.errors import NotFound
from shared.i18n import DEFAULT_LANGUAGE, current_language, known_language, speaking

def run_cpu_bound(fn, *args):
    """Run ``fn``; the service runs it in a thread instead, so rendering never stalls its event loop."""
    return fn(*args)


def fingerprint(invoice, business_name, account_name, look, language=DEFAULT_LANGUAGE):
    """Return a digest of everything a PDF of ``invoice`` is drawn from, in ``language``."""
    drawn = json.dumps([invoice, business_name, account_name, *look.fingerprint, language], sort_keys=True,
                       default=str)
    return hashlib.sha256(drawn.encode()).hexdigest()


def rendered(render, language, *args):
    """``render(*args)`` in ``language``: its labels, money and dates."""
    with speaking(language):
        return render(*args)


class Kind:
    """What one kind of document is kept by: its table, the column naming what it shows, its renderer, its name."""

    def __init__(self, table, key, render, filename):
        self.table, self.key, self.render, self.filename = table, key, render, filename


INVOICE = Kind(InvoiceDocument, "invoice_id", render_invoice, "invoice-{number}.pdf")
ESTIMATE = Kind(EstimateDocument, "estimate_id", render_estimate, "estimate-{number}.pdf")


def invoice_document(session, store, tenant_id, invoice, audience, business_name, account_name=None, language=None):
    """Return ``({"filename", "blob_id"}, replaced)``: ``invoice``'s PDF for ``audience`` in ``language`` (None: the
    caller's), and the blob id it replaces (to delete once committed) or None."""
    return kept_document(session, store, INVOICE, tenant_id, invoice, audience, business_name, account_name,
                         language)


def estimate_document(session, store, tenant_id, estimate, audience, business_name, account_name=None,
                      language=None):
    """``invoice_document`` for an estimate (as estimates.describe gives it, with its lines)."""
    return kept_document(session, store, ESTIMATE, tenant_id, estimate, audience, business_name, account_name,
                         language)


def kept_document(session, store, kind, tenant_id, shown, audience, business_name, account_name, language=None):
    language = known_language(language) or current_language.get()
    look = business_look.look_of(session, tenant_id)
    drawn_from = fingerprint(shown, business_name, account_name, look, language)
    table = kind.table
    where = (table.tenant_id == tenant_id, getattr(table, kind.key) == shown["id"], table.audience == audience,
             table.language == language)
    kept = session.execute(select(table.fingerprint, table.blob_id).where(*where)).first()
    if kept is not None and kept.fingerprint == drawn_from:
        return document(kind, shown, kept.blob_id), None
    # End the read: no transaction (on SQLite, the service's one connection) is held while the PDF
    # is rendered and stored; recording it afterwards checks that nobody recorded another meanwhile.
    session.rollback()
    # The render may run in another thread (run_cpu_bound): it takes this one's context (the component's
    # catalogue) along, and speaks ``language`` there.
    data = run_cpu_bound(contextvars.copy_context().run, rendered, kind.render, language, shown, business_name,
                         account_name, letterhead(store, look))
    blob_id = store.put(data, "application/pdf")
    values = {"fingerprint": drawn_from, "blob_id": blob_id, "rendered_at": utcnow()}
    if record(session, table, where, kept, values, {"tenant_id": tenant_id, kind.key: shown["id"],
                                                      "audience": audience, "language": language}):
        return document(kind, shown, blob_id), kept.blob_id if kept is not None else None
    store.delete(blob_id)  # another request recorded its PDF first: that one is the document's now
    return document(kind, shown, session.execute(select(table.blob_id).where(*where)).scalar_one()), None


def record(session, table, where, kept, values, key):
    """Record the new PDF in place of ``kept`` (or as the first); return False when another request did first."""
    if kept is not None:
        changed = session.execute(update(table).where(*where, table.blob_id == kept.blob_id).values(**values))
        return changed.rowcount == 1
    try:
        with session.begin_nested():
            session.execute(insert(table).values(**key, **values))
    except IntegrityError:
        return False
    return True


def letterhead(store, look):
    """The colour and logo image a PDF is drawn with; a logo the store no longer holds is left out."""
    logo = None
    if look.logo_blob_id:
        try:
            logo = store.get(look.logo_blob_id).data
        except NotFound:
            logo = None
    return Letterhead(look.brand_colour, logo)


def document(kind, shown, blob_id):
    return {"filename": kind.filename.format(number=shown["number"]), "blob_id": blob_id}


def discard(store, blob_id):
    """Delete a PDF that no row names any more."""
    if blob_id:
        store.delete(blob_id)
