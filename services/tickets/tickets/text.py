"""Counting text as a reader sees it: user-perceived characters (grapheme clusters), not code points.

An emoji with a skin tone, a family joined with zero-width joiners, a flag (two regional indicators) or a
letter with combining accents is one character on the screen and counts as one. The rules here are the
parts of Unicode's extended grapheme cluster rules (UAX #29) that matter for typed text: marks and
joiners extend the character before them, a zero-width joiner glues the next pictograph on, regional
indicators pair up, CR LF is one break. Hangul syllables written as separate jamo count per jamo, which
only ever makes a text look longer than it is, never shorter.
"""
import unicodedata

ZWJ = "\u200d"
EXTENDING_CATEGORIES = {"Mn", "Me", "Mc"}  # combining, enclosing and spacing marks


def _extends(char):
    code = ord(char)
    return (unicodedata.category(char) in EXTENDING_CATEGORIES
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
            or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
            or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
            or char == ZWJ)


def _regional(char):
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def graphemes(text):
    """Return the user-perceived characters of ``text``, in order."""
    clusters = []
    for char in text:
        if clusters:
            last = clusters[-1]
            glue = (_extends(char) or last.endswith(ZWJ)
                    or (last == "\r" and char == "\n")
                    or (_regional(char) and len(last) == 1 and _regional(last)))
            if glue:
                clusters[-1] = last + char
                continue
        clusters.append(char)
    return clusters


def length(text):
    """How many characters a reader sees in ``text``."""
    return len(graphemes(text))


def shorten(text, limit, room=None):
    """``text`` cut to at most ``limit`` characters as a reader counts them, with "…" when cut.

    ``room``: the column's size, which databases count in code points; a character such as a family emoji is
    several, so a text short enough for a reader may still need cutting (whole characters only) to be stored.
    """
    clusters = graphemes(text)
    if len(clusters) <= limit and (room is None or len(text) <= room):
        return text
    kept, size = [], len("…")
    for cluster in clusters[:limit - 1]:
        size += len(cluster)
        if room is not None and size > room:
            break
        kept.append(cluster)
    return "".join(kept).rstrip() + "…"
