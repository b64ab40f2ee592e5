"""Invoice PDFs with fpdf2: a plain, printable page per invoice."""
from fpdf import FPDF

from shared.money import format_money


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


def render_invoice(invoice, business_name, account_name=None):
    """Return the PDF bytes of ``invoice`` (as produced by invoices.describe with lines)."""
    void = invoice.get("status") == "void"
    pdf = FPDF(format="Letter")
    pdf.set_title(f"Invoice {invoice['number']}" + (" (VOID)" if void else ""))
    pdf.set_author(_text(business_name))
    pdf.add_page()
    if void:
        stamp_void(pdf)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(business_name), new_x="LMARGIN", new_y="NEXT")
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
    widths = (100, 20, 35, 35)
    pdf.set_font("Helvetica", "B", 11)
    for width, heading in zip(widths, ("Description", "Qty", "Unit price", "Amount")):
        pdf.cell(width, 8, heading, border="B", align="L" if heading == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 11)
    for line in invoice["lines"]:
        cells = (_text(line["description"])[:60], str(line["quantity"]), format_money(line["unit_price"]),
                 format_money(line["amount"]))
        for index, (width, value) in enumerate(zip(widths, cells)):
            pdf.cell(width, 7, value, align="L" if index == 0 else "R")
        pdf.ln()
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    for label, amount in (("Total", invoice["total"]), ("Paid", invoice["paid"]), ("Balance due", invoice["balance"])):
        pdf.cell(sum(widths[:3]), 7, label, align="R")
        pdf.cell(widths[3], 7, format_money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

