"""Documents: staff share files with a client account; clients list, download and (when allowed) upload theirs.

An upload goes into the blob store and only its id to tickets, which checks the bytes, keeps a copy of its
own and answers with what it kept; the upload itself is deleted here once tickets answered. A download
reads, by the id tickets names, the copy it checked, served as an attachment with ``nosniff``.
"""
import re

from flask import request
from marshmallow import RAISE, Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.features import tab_bar
from gateway.features.clients import find_client
from gateway.services import blobs, rpc
from shared.errors import invalid
from shared.fields import TRIMMED, Pattern
from shared.i18n import N_, _
from shared.validation import load_or_raise

MAX_FILE_BYTES = 10 * 1024 * 1024  # tickets' own cap (tickets/document_files.py)
REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024  # room for the form's other fields and the multipart framing
TOO_LARGE = N_("The file must be at most 10 MB.")
DONE_VALUES = {"true": True, "on": True, "1": True, "false": False, "": False}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Empty (no folder) or text without spaces around it.
FOLDER = Pattern(rf"^(?:{TRIMMED.regex.pattern[1:-1]})?$", error=TRIMMED.error)


class DocumentFormSchema(Schema):
    """The text fields sent with a file."""

    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), TRIMMED])
    folder = fields.String(allow_none=True, load_default=None, validate=[validate.Length(max=100), FOLDER])
    done = fields.String(load_default="", validate=validate.OneOf(list(DONE_VALUES)))


def tickets(method, *args):
    return rpc().call("tickets", method, *args)


def uploaded_document(allow_done=False, from_page=False):
    """Return ``(document, bytes)`` of a multipart upload; raise InvalidInput on the field at fault.

    A page's form always sends its title and folder inputs, empty when left so: ``from_page`` reads an empty
    one as not sent (the API refuses an empty title, as its document says).
    """
    if (request.content_length or 0) > REQUEST_LIMIT:
        raise invalid("file", _(TOO_LARGE))
    request.max_content_length = REQUEST_LIMIT
    if request.mimetype != "multipart/form-data":
        raise invalid("file", _("Send the file as the multipart/form-data field \"file\", with a \"title\"."))
    try:
        upload = request.files.get("file")
        form = {name: request.form[name] for name in request.form if name != "csrf_token"}  # the pages' token
    except RequestEntityTooLarge:
        raise invalid("file", _(TOO_LARGE)) from None
    if not allow_done:
        form.pop("done", None)  # only a client says they are done
    if from_page:
        form = {name: value for name, value in form.items() if value.strip() or name not in ("title", "folder")}
    form.setdefault("title", default_title(upload))
    values = load_or_raise(DocumentFormSchema, form)
    if upload is None or not upload.filename:
        raise invalid("file", _("Choose a file to upload."))
    data = upload.read(REQUEST_LIMIT + 1)
    if len(data) > MAX_FILE_BYTES:
        raise invalid("file", _(TOO_LARGE))
    if not data:
        raise invalid("file", _("The file is empty."))
    document = {"title": values["title"], "folder": values["folder"] or None,
                "filename": CONTROL.sub("", upload.filename)[-255:] or None, "done": DONE_VALUES[values["done"]]}
    return document, data


def default_title(upload):
    """The file's name without its extension, when no title was sent."""
    name = CONTROL.sub("", (upload.filename or "") if upload is not None else "")
    return (name.rsplit(".", 1)[0] if "." in name else name).strip()[:200].strip() or _("Document")


def hand_over(method, first, document, data):
    """Put ``data`` in the blob store and call tickets' ``method`` with its id; delete the upload afterwards."""
    upload_id = blobs().put(data, "application/octet-stream")  # unchecked: served to nobody
    try:
        return tickets(method, *first, {**document, "upload_id": upload_id})
    finally:
        blobs().delete(upload_id)


def file_of(found):
    """``{"filename", "content_type", "data"}`` of the document tickets named."""
    return {"filename": found["filename"], "content_type": found["content_type"],
            "data": blobs().get(found["blob_id"]).data}


# --- staff ------------------------------------------------------------------------------------

def check_account(account_id):
    """Raise NotFound unless ``account_id`` is this business's client."""
    find_client(account_id)


def account_documents(account_id, page=None):
    """A page (``{cursor?, limit?}``) of the account's documents, newest first; ``next`` names the following one."""
    return tickets("account_documents", account_id, page or {})


def share_document(account_id, document, data):
    document.pop("done", None)
    return hand_over("share_document", (account_id,), document, data)


def document_file(document_id):
    return file_of(tickets("document_file", document_id))


def delete_document(document_id):
    tickets("delete_document", document_id)


# --- clients ------------------------------------------------------------------------------------

def my_documents(page=None):
    return tickets("my_documents", page or {})


def documents_shown():
    """Whether the client's Documents tab is shown (features/tab_bar.py): off, or tickets down, hides it."""
    return tab_bar.shown()["documents"]


def my_document_file(document_id):
    return file_of(tickets("my_document_file", document_id))


def upload_my_document(document, data):
    return hand_over("upload_my_document", (), document, data)


def done_uploading():
    return tickets("done_uploading")
