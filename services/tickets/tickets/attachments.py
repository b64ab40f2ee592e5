"""Files sent with a ticket message: photos (PNG, JPEG, GIF, WebP) and PDFs, judged by their content.

The gateway (or notifications, for a mail) puts the upload into the blob store and passes its id. The
bytes are checked for what they are, never by a name or a declared type; an image is decoded and its
pixels encoded afresh (no metadata, nothing hidden after the image data, the first frame of an
animation); a PDF must start as one and end as one, and is kept as sent, served only as a download
with nosniff. What is kept is a blob of tickets' own; the upload stays its sender's to delete.

``clean_file(data, field)`` and ``keep(store, blob_id, filename, field)`` are the reusable part: other
features of the service (documents) take files the same way.
"""
import contextvars
import io
import re

from shared.errors import NotFound, invalid
from shared.i18n import N_, _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_SIDE = 8000
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SAVE_OPTIONS = {"PNG": {}, "JPEG": {"quality": 88}, "GIF": {}, "WEBP": {"quality": 88}}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "application/pdf": "pdf"}
NOT_ALLOWED = N_("Send a photo (PNG, JPEG, GIF or WebP) or a PDF.")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def unreadable():
    """What Pillow raises for bytes it cannot read. Pillow is imported with the first image, not at start: ~3 MB
    resident that a running tickets seldom needs."""
    from PIL import Image, UnidentifiedImageError

    return (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


def run_cpu_bound(fn, *args):
    """Run ``fn``; the service runs it in a thread instead, so decoding never stalls its event loop."""
    return fn(*args)


def _is_pdf(data):
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def identify_image(data):
    """``(format, (width, height))`` of ``data`` when it is a PNG, JPEG, GIF or WebP image; unreadable() otherwise."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=list(IMAGE_TYPES)) as image:
        image_format, size = image.format, image.size
        image.verify()
    return image_format, size


def reencode_image(data, image_format):
    """``data`` decoded and saved again as ``image_format``: upright, with no metadata but transparency (so
    nothing hidden in the file survives); unreadable() when it cannot be decoded."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data), formats=[image_format]) as image:
        image.seek(0)
        clean = ImageOps.exif_transpose(image)
        clean.info = {key: value for key, value in image.info.items() if key == "transparency"}
        output = io.BytesIO()
        clean.save(output, format=image_format, **SAVE_OPTIONS[image_format])
    return output.getvalue()


def _clean_image(data, field):
    try:
        image_format, (width, height) = identify_image(data)
    except unreadable():
        raise invalid(field, _(NOT_ALLOWED)) from None
    if width > MAX_SIDE or height > MAX_SIDE:
        raise invalid(field, _("A photo must be at most %(most)s pixels on each side.", most=MAX_SIDE))
    try:
        return reencode_image(data, image_format), IMAGE_TYPES[image_format]
    except unreadable():
        raise invalid(field, _(NOT_ALLOWED)) from None


def clean_file(data, field="attachments"):
    """Return ``(bytes, content type)`` to keep for ``data``, or raise InvalidInput on ``field``."""
    if not data:
        raise invalid(field, _("The file is empty."))
    if len(data) > MAX_BYTES:
        raise invalid(field, _("A file must be at most 10 MB."))
    if _is_pdf(data):
        return data, "application/pdf"
    return _clean_image(data, field)


def safe_filename(filename, content_type):
    """A plain name for a download: no path, no odd characters, the extension its content has."""
    stem = SAFE_NAME.sub("", str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    stem = stem.rsplit(".", 1)[0][:100] or "file"
    return f"{stem}.{EXTENSIONS[content_type]}"


def keep(store, blob_id, filename, field="attachments"):
    """Check the upload ``blob_id`` names and keep a clean copy: ``{blob_id, filename, content_type, size}``."""
    try:
        upload = store.get(blob_id)
    except NotFound:
        raise invalid(field, _("A file was not found: send it again.")) from None
    # In another thread (run_cpu_bound) with this one's context: its refusals are in the caller's language.
    data, content_type = run_cpu_bound(contextvars.copy_context().run, clean_file, upload.data, field)
    return {"blob_id": store.put(data, content_type), "filename": safe_filename(filename, content_type),
            "content_type": content_type, "size": len(data)}


def discard(store, blob_ids):
    """Delete kept copies nothing refers to (a request that failed after keeping them)."""
    for blob_id in blob_ids:
        try:
            store.delete(blob_id)
        except NotFound:
            pass
