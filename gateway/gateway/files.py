"""Files in and out of HTTP, for the API and the pages alike: an uploaded logo; the logo and PDFs served back.

Files never travel inside messages: an upload goes into the blob store and only its id to the
service that checks it, and what a service stored is read here by id (gateway.features). What
is served carries the content type its owner checked, ``nosniff`` and a policy under which
nothing in it can run or be framed; a document is a download, never a page.
"""
import hashlib

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.errors import invalid
from shared.i18n import N_, _

# accounts takes at most 512 KiB of image; the cap leaves room for multipart framing and
# refuses anything larger before it is read (or stored).
LOGO_REQUEST_LIMIT = 1024 * 1024
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
LOGO_TOO_LARGE = N_("The logo must be at most 512 KB.")
LOGO_HOW = N_("Send the image as the multipart/form-data field \"logo\", or as the request body "
              "with Content-Type image/png, image/jpeg, image/gif or image/webp.")
# Whatever a served file holds, a browser that opens it as a document runs, loads and frames nothing. Inline
# styles only let a browser's own image viewer lay the picture out (nothing can be fetched with them).
FILE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'; base-uri 'none'; "
               "form-action 'none'")


def uploaded_logo():
    """Return the bytes of the logo sent with this request; raise InvalidInput on ``logo``.

    The declared type is only a hint and is not kept: accounts looks at the bytes themselves.
    """
    if (request.content_length or 0) > LOGO_REQUEST_LIMIT:
        raise invalid("logo", _(LOGO_TOO_LARGE))
    request.max_content_length = LOGO_REQUEST_LIMIT  # bounds a body sent without a length too
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("logo")
            if upload is None or not upload.filename:
                raise invalid("logo", _("Choose an image file to upload."))
            data = upload.read()
        elif request.mimetype in LOGO_TYPES:
            data = request.get_data(cache=False)
        else:
            raise invalid("logo", _(LOGO_HOW))
    except RequestEntityTooLarge:
        raise invalid("logo", _(LOGO_TOO_LARGE)) from None
    if not data:
        raise invalid("logo", _("The file is empty."))
    return data


def file_response(data, content_type, filename, download):
    """Answer with a stored file: an ``attachment`` when it is a ``download``, else ``inline`` (an image)."""
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    return response


def private_download(data, content_type, filename):
    """Answer with a client's or business's file as a download that no cache keeps."""
    response = file_response(data, content_type, filename, download=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def pdf_response(document):
    """Answer with a PDF ``document`` (``{"filename", "data"}``) as a download that no cache keeps."""
    return private_download(document["data"], "application/pdf", document["filename"])


def logo_etag(logo):
    """The validator of a logo: a new upload is a new blob; the blob id itself stays private."""
    return hashlib.sha256(logo["blob_id"].encode()).hexdigest()[:32]


def logo_response(logo, read, cache_control):
    """Answer with the business's ``logo`` inline, reading it with ``read`` unless the browser's copy is current."""
    etag = logo_etag(logo)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        extension = LOGO_TYPES[logo["content_type"]]  # accounts stores no other type (gateway.features.business)
        response = file_response(read(logo), logo["content_type"], f"logo.{extension}", download=False)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response
