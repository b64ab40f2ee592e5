"""The tenant's logo: a real PNG, JPEG, GIF or WebP image of modest size, re-encoded and kept in the blob store.

The gateway puts an upload into the blob store and passes its id; the bytes are judged by what
they are (Pillow), never by a file name or a declared type. What is kept is the pixels encoded
afresh as a blob of accounts' own: metadata (EXIF, ICC profiles, text chunks, comments) and
anything hidden after the image data are gone, and an animation keeps its first frame.
"""
import io

from accounts.tenants import announce_profile
from shared.errors import NotFound, invalid
from shared.i18n import N_, _

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SAVE_OPTIONS = {"PNG": {}, "JPEG": {"quality": 90}, "GIF": {}, "WEBP": {"quality": 90}}
NOT_AN_IMAGE = N_("That file is not a PNG, JPEG, GIF or WebP image.")


def unreadable():
    """What Pillow raises for bytes it cannot read. Pillow is imported with the first image, not at start: ~3 MB
    resident that a running accounts seldom needs."""
    from PIL import Image, UnidentifiedImageError

    return (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


def run_cpu_bound(fn, *args):
    """Run ``fn``; the service runs it in a thread instead, so decoding an image never stalls its event loop."""
    return fn(*args)


def checked_format(data):
    """Return the image format of ``data`` after checking its size and header; raise InvalidInput on ``logo``."""
    if not data:
        raise invalid("logo", _("The file is empty."))
    if len(data) > MAX_BYTES:
        raise invalid("logo", _("The logo must be at most 512 KB."))
    from PIL import Image

    try:
        # Only the four formats' parsers ever see the bytes: no other decoder is exposed to an upload.
        with Image.open(io.BytesIO(data), formats=list(CONTENT_TYPES)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except unreadable():
        raise invalid("logo", _(NOT_AN_IMAGE)) from None
    if width > MAX_SIDE or height > MAX_SIDE:  # checked before any pixel is decoded
        raise invalid("logo", _("The logo must be at most %(pixels)s pixels on each side.", pixels=MAX_SIDE))
    return image_format


def clean_logo(data):
    """Return ``(bytes, content type)`` of the image in ``data`` encoded afresh, or raise InvalidInput on ``logo``."""
    from PIL import Image, ImageOps

    image_format = checked_format(data)
    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            image.seek(0)
            clean = ImageOps.exif_transpose(image)  # a copy, turned as its EXIF says, since the EXIF goes
            # A palette image's transparent colour is part of its pixels; every other note is metadata.
            clean.info = {key: value for key, value in image.info.items() if key == "transparency"}
            output = io.BytesIO()
            clean.save(output, format=image_format, **SAVE_OPTIONS[image_format])
    except unreadable():
        raise invalid("logo", _(NOT_AN_IMAGE)) from None
    return output.getvalue(), CONTENT_TYPES[image_format]


def set_logo(session, outbox, store, tenant, upload_id):
    """Keep a clean copy of the upload ``upload_id`` names as the tenant's logo and announce it.

    Return the answer and the id of the blob it replaces, to delete once this is committed. The
    upload itself is the gateway's, and stays: accounts never deletes a blob it was handed.
    """
    try:
        upload = store.get(upload_id)
    except NotFound:
        raise invalid("logo", _("The upload was not found: send the image again.")) from None
    data, content_type = run_cpu_bound(clean_logo, upload.data)
    replaced = tenant.logo_blob_id
    tenant.logo_blob_id, tenant.logo_content_type = store.put(data, content_type), content_type
    announce_profile(outbox, session, tenant)
    return {"has_logo": True, "content_type": content_type}, replaced


def remove_logo(session, outbox, tenant):
    """Remove the tenant's logo and announce it; return the answer and the blob to delete once committed."""
    removed = tenant.logo_blob_id
    tenant.logo_blob_id, tenant.logo_content_type = None, None
    announce_profile(outbox, session, tenant)
    return {"has_logo": False}, removed


def discard(store, blob_id):
    """Delete a logo's blob that nothing refers to any more."""
    if blob_id:
        store.delete(blob_id)


def logo_of(tenant):
    """Return the blob of the tenant's logo and its checked content type."""
    if not tenant.logo_blob_id:
        raise NotFound(_("This business has no logo."))
    return {"blob_id": tenant.logo_blob_id, "content_type": tenant.logo_content_type}
