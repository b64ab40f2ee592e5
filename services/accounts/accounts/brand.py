"""A business's own look: its brand colour, checked for contrast before it is kept, and its sign-in welcome.

The portal draws its buttons in the brand colour with white text on them, and its links in the brand colour on
white. Both need a contrast ratio of at least 4.5:1 (WCAG 2.2, 1.4.3, level AA); the two ratios are the same
number, so one check keeps both readable. A colour too light for that is refused, with the ratio it reached.
"""
from marshmallow import ValidationError

from shared.fields import Pattern, stored_colour
from shared.i18n import N_, _

MIN_CONTRAST = 4.5
WHITE = "#ffffff"


def relative_luminance(colour):
    """The relative luminance of ``#rrggbb``, as WCAG defines it (sRGB channels linearised, then weighted)."""
    channels = [int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The colour's form, written into the settings' JSON Schema as its pattern.
COLOUR_FORM = Pattern(r"^#[0-9a-fA-F]{6}$",
                      error=N_("Write the colour as # and six hexadecimal digits, for example #1b5e20."))


def readable_colour(value):
    """Refuse a brand colour on which white text (and which on white) is hard to read; its form is COLOUR_FORM's."""
    if stored_colour(value.lower()) is None:
        return  # COLOUR_FORM says what is wrong
    ratio = contrast(value, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(_("This colour is too light to read: white text on it, and it on white, reach "
                                "%(ratio)s:1, and at least %(minimum)s:1 is needed. Choose a darker shade.",
                                ratio=f"{ratio:.1f}", minimum=MIN_CONTRAST))

