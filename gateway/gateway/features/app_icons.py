"""The installed portal's colour and icons, drawn from the business's logo (or its initial when it has none).

Browsers ask a web app manifest for square PNGs: 192 and 512 pixels to install, 180 for iOS's home screen. A
"maskable" icon may be cut to a circle or a rounded square by the phone, so its picture keeps to the middle 80%
(the safe zone) on a full-bleed background. A logo is seldom square: it is fitted inside, never stretched.
Icons are drawn on request: a browser asks for them when the portal is installed and revalidates them by ETag.
"""
import io

from shared.fields import stored_colour

SIZES = (180, 192, 512)
MANIFEST_SIZES = (192, 512)  # 180 is iOS's apple-touch-icon, linked from the pages
PURPOSES = ("any", "maskable")
BACKGROUND = "#ffffff"
THEME_COLOUR = "#0172ad"  # the portal's primary colour (Pico's): white on it passes AA contrast
INITIAL_COLOUR = "#ffffff"
# Space kept free around the picture: a little for "any", the outside of the safe zone for "maskable".
MARGIN = {"any": 0.08, "maskable": 0.2}


def logo_icon(logo, size, purpose):
    """Return the PNG bytes of a ``size``-pixel square icon with the image bytes ``logo`` fitted inside."""
    from PIL import Image  # loaded with the first icon: a gateway no one installs never pays for it

    with Image.open(io.BytesIO(logo)) as image:
        image.seek(0)
        picture = image.convert("RGBA")
    room = round(size * (1 - 2 * MARGIN[purpose]))
    picture.thumbnail((room, room), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), BACKGROUND)
    canvas.alpha_composite(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return _png(canvas.convert("RGB"))


def brand_colour(business):
    """The business's own colour (``#rrggbb``, checked readable by accounts), or None."""
    return stored_colour(business.get("brand_colour"))


def theme_colour(business):
    return brand_colour(business) or THEME_COLOUR


def initial_icon(name, colour, size, purpose):
    """Return the PNG bytes of a ``size``-pixel square icon: the first letter of ``name`` on ``colour``."""
    from PIL import Image, ImageDraw, ImageFont

    canvas = Image.new("RGB", (size, size), colour)
    room = size * (1 - 2 * MARGIN[purpose])
    font = ImageFont.load_default(size=round(room * 0.7))
    letter = name.strip()[:1].upper() or "P"
    ImageDraw.Draw(canvas).text((size / 2, size / 2), letter, fill=INITIAL_COLOUR, font=font, anchor="mm")
    return _png(canvas)


def _png(image):
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
