"""Reading what a PDF shows: its page content with the compressed streams opened."""
import re
import zlib


def pdf_content(data):
    """Return the PDF's page content, its compressed streams opened (to find the words drawn on it)."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            parts.append(stream)
    return b"".join(parts)
