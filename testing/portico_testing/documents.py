"""Files for the tests of shared documents: each kind the portal keeps, and files that only pretend to be one."""
import io
import zipfile

from portico_testing.images import HTML, SCRIPT, SVG, image

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_HTML_POLYGLOT = b"%PDF-1.4\n" + HTML + b"\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
SVG_WITH_SCRIPT = SVG.replace(b"</svg>", SCRIPT + b"</svg>")
CSV = "Name,Amount\nRent,1200\n".encode()
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def office(folder="word/", extra=None, content_types=b"<Types/>"):
    """An Open XML document (a ZIP) with its parts under ``folder``, and ``extra`` parts."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(f"{folder}document.xml", b"<doc/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


def png(size=(4, 3), **options):
    return image("PNG", size=size, **options)


__all__ = ["PDF", "PDF_HTML_POLYGLOT", "SVG_WITH_SCRIPT", "HTML", "CSV", "WORD", "EXCEL", "office", "png"]
