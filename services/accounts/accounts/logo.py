"""The tenant's logo: a real PNG, JPEG, GIF or WebP image of modest size, stored with the tenant."""
import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from accounts.tenants import announce_profile
from shared.errors import NotFound, invalid

MAX_BYTES = 512 * 1024
MAX_SIDE = 2000
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def check_logo(content_base64):
    """Return the image bytes and their real content type, or raise InvalidInput on ``logo``."""
    if not isinstance(content_base64, str):
        raise invalid("logo", "Upload an image file.")
    if len(content_base64) > (MAX_BYTES * 4) // 3 + 4:
        raise invalid("logo", "The logo must be at most 512 KB.")
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("logo", "Upload an image file.") from None
    if not data:
        raise invalid("logo", "The file is empty.")
    if len(data) > MAX_BYTES:
        raise invalid("logo", "The logo must be at most 512 KB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise invalid("logo", "That file is not a PNG, JPEG, GIF or WebP image.") from None
    if image_format not in CONTENT_TYPES:
        raise invalid("logo", "That file is not a PNG, JPEG, GIF or WebP image.")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise invalid("logo", f"The logo must be at most {MAX_SIDE} pixels on each side.")
    return data, CONTENT_TYPES[image_format]


def set_logo(session, outbox, tenant, content_base64):
    """Check and store the tenant's new logo, and announce the changed profile."""
    tenant.logo, tenant.logo_content_type = check_logo(content_base64)
    announce_profile(outbox, session, tenant)
    return {"has_logo": True, "content_type": tenant.logo_content_type}


def remove_logo(session, outbox, tenant):
    """Remove the tenant's logo, and announce the changed profile."""
    tenant.logo, tenant.logo_content_type = None, None
    announce_profile(outbox, session, tenant)
    return {"has_logo": False}


def logo_of(tenant):
    """Return the tenant's logo as base64 with its content type."""
    if not tenant.logo_content_type:
        raise NotFound("This business has no logo.")
    return {"content_type": tenant.logo_content_type,
            "content_base64": base64.b64encode(tenant.logo).decode()}
