"""Files for the tests of uploads: real images in each format, and files that only pretend to be one."""
import io
import struct
import zlib

from PIL import Image, PngImagePlugin

SCRIPT = b"<script>alert(document.domain)</script>"
HTML = b"<!DOCTYPE html><html><body><h1>Pay here</h1>" + SCRIPT + b"</body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" onload="alert(document.domain)">'
       b'<rect width="8" height="8" fill="green"/></svg>')
GREEN = (20, 120, 40)


def image(image_format="PNG", size=(8, 8), mode="RGB", **options):
    """Return a plain green picture in ``image_format``."""
    buffer = io.BytesIO()
    Image.new(mode, size, GREEN if mode != "P" else 1).save(buffer, image_format, **options)
    return buffer.getvalue()


def png_with_text(text=HTML):
    """A PNG whose text chunk carries ``text`` (an HTML page by default): a metadata polyglot."""
    notes = PngImagePlugin.PngInfo()
    notes.add_text("Comment", text.decode())
    return image("PNG", pnginfo=notes)


def jpeg_with_metadata(orientation=1):
    """A JPEG with a comment and EXIF (a description holding HTML, the given orientation)."""
    exif = Image.Exif()
    exif[0x010E] = HTML.decode()  # ImageDescription
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    picture = Image.new("RGB", (16, 8), GREEN)
    picture.paste((250, 250, 250), (8, 0, 16, 8))  # the right half white, to see a turn
    picture.save(buffer, "JPEG", exif=exif.tobytes(), comment=HTML)
    return buffer.getvalue()


def with_trailing(data, extra=HTML):
    """``data`` with ``extra`` hidden after the image's end: a file that is an image and a page at once."""
    return data + extra


def animated_gif(frames=3):
    """A GIF of ``frames`` frames, each a different colour."""
    pictures = [Image.new("RGB", (8, 8), (40 * index, 120, 40)) for index in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0,
                     comment=HTML)
    return buffer.getvalue()


def declared_size_png(width, height):
    """A small PNG whose header declares ``width`` x ``height`` pixels: decoding it would take that much memory."""
    data = image("PNG")
    header = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + header + struct.pack(">I", zlib.crc32(header)) + data[33:]
