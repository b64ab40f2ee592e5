"""What a shared or uploaded document may be: judged by its bytes, never by its name or a declared type.

The allow-list is what a service business and its clients exchange, and nothing a browser would run:
- PDF (must start with ``%PDF-``; one whose opening also reads as HTML, a polyglot, is refused);
- PNG, JPEG, GIF and WebP images, decoded by those four parsers only and re-encoded, so metadata and
  anything hidden after the pixels are gone (as the logo, accounts/logo.py);
- Word, Excel and PowerPoint files of the Open XML kind (.docx, .xlsx, .pptx): a ZIP whose
  ``[Content_Types].xml`` names the document; macro-enabled ones, and ZIPs that would unpack to more
  than ``MAX_UNPACKED`` bytes, are refused;
- plain text and CSV (UTF-8, no NUL, nothing that reads as HTML, SVG or XML), served as ``text/plain``.
Refused: SVG and HTML (they carry script), the old binary Office formats (macros, and no cheap check of
what is inside), archives, executables and anything else. Every file is at most ``MAX_BYTES``, and is
always served as a download with ``nosniff`` and the content type decided here.
"""
import io
import re
import zipfile

from shared.errors import invalid
from shared.i18n import N_, _
from tickets.attachments import identify_image, reencode_image, unreadable

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
FIELD = "file"
IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif"),
               "WEBP": ("image/webp", "webp")}
OFFICE_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
HTML_MARKERS = re.compile(rb"<\s*(html|script|body|head|iframe|svg|!doctype|meta|object|embed)\b", re.IGNORECASE)
NOT_ALLOWED = N_("This kind of file cannot be shared here: send a PDF, an image (PNG, JPEG, GIF, WebP), "
                  "a Word, Excel or PowerPoint file, or plain text.")


def run_cpu_bound(fn, *args):
    """Run ``fn``; the service runs it in a thread instead, so decoding never stalls its event loop."""
    return fn(*args)


def checked_file(data):
    """Return ``(bytes to keep, content type, extension)`` for an upload, or raise InvalidInput on ``file``."""
    if not data:
        raise invalid(FIELD, _("The file is empty."))
    if len(data) > MAX_BYTES:
        raise invalid(FIELD, _("The file must be at most %(most)s MB.", most=MAX_BYTES // (1024 * 1024)))
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    image = _image(data)
    if image is not None:
        return image
    return _text(data)


def _pdf(data):
    # A PDF reader ignores what precedes the body's objects; a browser sniffing the opening would not.
    if HTML_MARKERS.search(data[:4096]):
        raise invalid(FIELD, _("This PDF also reads as a web page, so it cannot be shared."))
    return data, "application/pdf", "pdf"


def _office(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
                raise invalid(FIELD, _("This file unpacks to too much to be shared."))
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                raise invalid(FIELD, _(NOT_ALLOWED))
            with archive.open("[Content_Types].xml") as listed:
                content_types = listed.read(1024 * 1024).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise invalid(FIELD, _(NOT_ALLOWED)) from None
    if b"macroenabled" in content_types or any(name.lower().endswith("vbaproject.bin") for name in names):
        raise invalid(FIELD, _("Files with macros cannot be shared: save it without macros and send it again."))
    for folder, (content_type, extension) in OFFICE_TYPES.items():
        if any(name.startswith(folder) for name in names):
            return data, content_type, extension
    raise invalid(FIELD, _(NOT_ALLOWED))


def _image(data):
    """The image re-encoded, or None when ``data`` is none of the four formats."""
    try:
        image_format, (width, height) = identify_image(data)
    except unreadable():
        return None
    if width * height > MAX_PIXELS:
        raise invalid(FIELD, _("The image is too large: at most 40 megapixels."))
    try:
        clean = reencode_image(data, image_format)
    except unreadable():
        raise invalid(FIELD, _("The image could not be read.")) from None
    content_type, extension = IMAGE_TYPES[image_format]
    return clean, content_type, extension


def _text(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid(FIELD, _(NOT_ALLOWED)) from None
    # Markup passes for text; a browser that ignored the declared type would run it, so it is not text here.
    if "\x00" in text or HTML_MARKERS.search(data[:4096]) or text.lstrip().startswith("<?xml"):
        raise invalid(FIELD, _(NOT_ALLOWED))
    return data, "text/plain; charset=utf-8", "txt"


SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def download_name(filename, title, extension):
    """A file name to download as: the sender's name (or the title) in safe characters, with the extension
    of what the file really is."""
    stem = (filename or "").rsplit(".", 1)[0] if "." in (filename or "") else (filename or "")
    stem = SAFE_NAME.sub("_", stem).strip(" ._")[:100] or SAFE_NAME.sub("_", title).strip(" ._")[:100] or "document"
    return f"{stem}.{extension}"
