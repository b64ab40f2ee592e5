"""Invoice and estimate PDFs with fpdf2: a plain, printable page each, headed with the business's logo and name
in its brand colour when it has them."""
import io
import logging
from dataclasses import dataclass

from shared.money import format_money

log = logging.getLogger(__name__)
LOGO_HEIGHT_MM = 16


@dataclass(frozen=True)
class Letterhead:
    colour: str | None = None  # #rrggbb
    logo: bytes | None = None  # the image as accounts stored it (PNG, JPEG, GIF or WebP)

    @property
    def rgb(self):
        if not self.colour:
            return (0, 0, 0)
        return tuple(int(self.colour[index:index + 2], 16) for index in (1, 3, 5))


def draw_letterhead(pdf, business_name, letterhead):
    """The logo (when there is one) above the business's name, the name in the brand colour."""
    if letterhead.logo:
        try:
            pdf.image(io.BytesIO(letterhead.logo), h=LOGO_HEIGHT_MM)
        except Exception:  # noqa: BLE001  (any image fpdf2 cannot embed: the name alone heads the page)
            log.warning("a PDF drawn without the business's logo, which could not be embedded", exc_info=True)
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(*letterhead.rgb)
    pdf.cell(0, 10, _text(business_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _letter():
    """A new Letter-sized document. fpdf2 is imported with the first PDF, not at start-up: it adds about 20 MB
    to the process, which most billing instances, rendering no PDF, would hold for nothing."""
    from fpdf import FPDF
    return FPDF(format="Letter")


def _text(value):
    # The core fonts cover Latin-1 only; anything else is replaced rather than failing.
    return str(value).encode("latin-1", "replace").decode("latin-1")


VOID_RED = (190, 20, 20)


def stamp_void(pdf):
    """A large "VOID" across the page, drawn first so the invoice's text stays readable over it."""
    pdf.set_font("Helvetica", "B", 120)
    pdf.set_text_color(240, 200, 200)
    with pdf.rotation(35, x=pdf.w / 2, y=pdf.h / 2):
        width = pdf.get_string_width("VOID")
        pdf.text(pdf.w / 2 - width / 2, pdf.h / 2 + 15, "VOID")
    pdf.set_text_color(0, 0, 0)


def render_invoice(invoice, business_name, account_name=None, letterhead=Letterhead()):
    """Return the PDF bytes of ``invoice`` (as produced by invoices.describe with lines)."""
    void = invoice.get("status") == "void"
    pdf = _letter()
    pdf.set_title(f"Invoice {invoice['number']}" + (" (VOID)" if void else ""))
    pdf.set_author(_text(business_name))
    pdf.add_page()
    if void:
        stamp_void(pdf)
    draw_letterhead(pdf, business_name, letterhead)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, f"Invoice #{invoice['number']}", new_x="LMARGIN", new_y="NEXT")
    if void:
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_text_color(*VOID_RED)
        voided_on = f" on {invoice['voided_at'][:10]}" if invoice.get("voided_at") else ""
        pdf.cell(0, 7, f"VOID: this invoice was cancelled{voided_on}. Nothing is due on it.",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", "", 11)
    if account_name:
        pdf.cell(0, 7, _text(f"Bill to: {account_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"Issued {invoice['issue_date']}    Due {invoice['due_date']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = draw_lines(pdf, invoice["lines"])
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    for label, amount in (("Total", invoice["total"]), ("Paid", invoice["paid"]), ("Balance due", invoice["balance"])):
        pdf.cell(sum(widths[:3]), 7, label, align="R")
        pdf.cell(widths[3], 7, format_money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


LINE_WIDTHS = (100, 20, 35, 35)


def draw_lines(pdf, lines):
    """The table of ``lines`` (description, quantity, unit price, amount); return its column widths."""
    widths = LINE_WIDTHS
    pdf.set_font("Helvetica", "B", 11)
    for width, heading in zip(widths, ("Description", "Qty", "Unit price", "Amount")):
        pdf.cell(width, 8, heading, border="B", align="L" if heading == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        cells = (_text(line["description"])[:60], str(line["quantity"]), format_money(line["unit_price"]),
                 format_money(line["amount"]))
        for index, (width, value) in enumerate(zip(widths, cells)):
            pdf.cell(width, 7, value, align="L" if index == 0 else "R")
        pdf.ln()
    return widths


DECISIONS = {"approved": "APPROVED", "declined": "DECLINED"}


def _estimate_heading(pdf, estimate, account_name):
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, f"ESTIMATE #{estimate['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, _text(estimate["title"]), new_x="LMARGIN", new_y="NEXT")
    if account_name:
        pdf.cell(0, 7, _text(f"Prepared for: {account_name}"), new_x="LMARGIN", new_y="NEXT")
    sent = f"Sent {estimate['sent_at'][:10]}    " if estimate.get("sent_at") else ""
    valid = f"Valid until {estimate['valid_until']}" if estimate.get("valid_until") else "No expiry date"
    pdf.cell(0, 7, sent + valid, new_x="LMARGIN", new_y="NEXT")


def _estimate_decision(pdf, estimate):
    """Say what the client decided (and their note), or that the estimate expired undecided."""
    status = estimate["status"]
    if status in DECISIONS:
        decided = f" on {estimate['decided_at'][:10]}" if estimate.get("decided_at") else ""
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, f"{DECISIONS[status]} by the client{decided}", new_x="LMARGIN", new_y="NEXT")
        if estimate.get("decision_note"):
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, _text(f"Note: {estimate['decision_note']}"), new_x="LMARGIN", new_y="NEXT")
    elif status == "expired":
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, "EXPIRED: this estimate can no longer be approved.", new_x="LMARGIN", new_y="NEXT")


def render_estimate(estimate, business_name, account_name=None, letterhead=Letterhead()):
    """Return the PDF bytes of ``estimate`` (as produced by estimates.describe with lines)."""
    pdf = _letter()
    pdf.set_title(f"Estimate {estimate['number']}")
    pdf.set_author(_text(business_name))
    pdf.add_page()
    draw_letterhead(pdf, business_name, letterhead)
    _estimate_heading(pdf, estimate, account_name)
    if estimate.get("message"):
        pdf.ln(2)
        pdf.multi_cell(0, 6, _text(estimate["message"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = draw_lines(pdf, estimate["lines"])
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(sum(widths[:3]), 7, "Total", align="R")
    pdf.cell(widths[3], 7, format_money(estimate["total"]), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _estimate_decision(pdf, estimate)
    return bytes(pdf.output())
