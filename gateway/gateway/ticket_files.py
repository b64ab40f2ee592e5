"""Reading a ticket message from a request, for the API and the pages alike: JSON, or a form (multipart with its
files, field ``attachments``: up to five photos or PDFs of at most 10 MB each).

The message is passed on as sent: tickets judges it (after checking the caller may use the ticket it names, so a
foreign ticket is "not found" whatever the body) and names the field at fault; the gateway's schemas document it.
"""
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.errors import invalid
from shared.i18n import N_, _
from shared.validation import refuse_nul

MAX_FILES = 5
REQUEST_LIMIT = MAX_FILES * 10 * 1024 * 1024 + 256 * 1024  # five files at the cap, and the form around them
TOO_LARGE = N_("Send at most five files of at most 10 MB each.")


def multipart_body(json_schema):
    """The OpenAPI request body of an operation that takes ``json_schema`` as JSON or as a form with files."""
    return {"required": True, "content": {
        "application/json": {"schema": json_schema},
        "multipart/form-data": {"schema": {"allOf": [json_schema, {"type": "object", "properties": {
            "attachments": {"type": "array", "maxItems": MAX_FILES,
                            "items": {"type": "string", "format": "binary"}}}}]}}}}


def form_fields(form, names):
    """The form's non-empty text fields among ``names``; ``reference_*`` fields make the reference object."""
    data = {name: form[name] for name in names if form.get(name, "") != ""}
    if form.get("reference_kind"):
        data["reference"] = {"kind": form.get("reference_kind"), "id": form.get("reference_id"),
                             "label": form.get("reference_label")}
    return data


def read_message(names, numbers=()):
    """Return ``(data, files)``: the message as sent (a form's fields ``names``, those in ``numbers`` as integers)
    and its files as [(filename, bytes)]."""
    if (request.content_length or 0) > REQUEST_LIMIT:
        raise invalid("attachments", _(TOO_LARGE))
    request.max_content_length = REQUEST_LIMIT
    try:
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            data = form_fields(request.form, names)
            for name in numbers:
                if name in data:
                    data[name] = int(data[name]) if data[name].isdigit() and len(data[name]) <= 18 else data[name]
            if isinstance(data.get("reference"), dict) and str(data["reference"]["id"] or "").isdigit():
                data["reference"]["id"] = int(data["reference"]["id"][:18])
            files = [(upload.filename, upload.read()) for upload in request.files.getlist("attachments")
                     if upload.filename]
        else:
            data, files = request.get_json(silent=True), []
            data = data if isinstance(data, dict) else {}
    except RequestEntityTooLarge:
        raise invalid("attachments", _(TOO_LARGE)) from None
    if len(files) > MAX_FILES:
        raise invalid("attachments", _("Send at most %(count)s files.", count=MAX_FILES))
    refuse_nul(data)
    return data, files
