"""Files in and out of HTTP, for the API and the pages alike: an uploaded logo, PDF documents and images."""
import base64

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.errors import invalid

# accounts takes at most 512 KiB of image; the cap leaves room for multipart framing and
# refuses anything larger before it is read.
LOGO_REQUEST_LIMIT = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
LOGO_TOO_LARGE = "The logo must be at most 512 KB."
LOGO_HOW = ("Send the image as the multipart/form-data field \"logo\", or as the request body "
            "with Content-Type image/png, image/jpeg, image/gif or image/webp.")


def uploaded_logo():
    """Return ``(bytes, content type)`` of the logo sent with this request; raise InvalidInput on ``logo``."""
    if (request.content_length or 0) > LOGO_REQUEST_LIMIT:
        raise invalid("logo", LOGO_TOO_LARGE)
    request.max_content_length = LOGO_REQUEST_LIMIT  # bounds a body sent without a length too
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("logo")
            if upload is None or not upload.filename:
                raise invalid("logo", "Choose an image file to upload.")
            # The declared type is only a hint: accounts looks at the bytes themselves.
            data, content_type = upload.read(), upload.mimetype
        elif request.mimetype in LOGO_TYPES:
            data, content_type = request.get_data(cache=False), request.mimetype
        else:
            raise invalid("logo", LOGO_HOW)
    except RequestEntityTooLarge:
        raise invalid("logo", LOGO_TOO_LARGE) from None
    if not data:
        raise invalid("logo", "The file is empty.")
    return data, content_type


def pdf_response(document, inline=False):
    """Answer with billing's PDF ``document`` (base64 content and a filename): shown ``inline`` or downloaded."""
    response = Response(base64.b64decode(document["content_base64"]), mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{document["filename"]}"'
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # Browsers show a PDF with a plugin: the pages' object-src 'none' would leave it blank.
        response.headers["Content-Security-Policy"] = ("default-src 'none'; object-src 'self'; "
                                                       "frame-ancestors 'none'")
    return response
