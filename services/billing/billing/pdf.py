"""Invoice and estimate PDFs with fpdf2: a plain, printable page each, headed with the business's logo and name
in its brand colour when it has them.

Everything is written in the current language (documents.py renders inside ``speaking(language)``): the labels,
money and dates (the locale of ``shared.i18n.locale_of``)."""
import io
import logging
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from shared.i18n import N_, _, locale_of
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


def _money(amount):
    return format_money(amount)


def _day(value):
    """A date (ISO 8601, or the date of an ISO moment) as the current language writes it: "Jan 5, 2030"."""
    return format_date(date.fromisoformat(str(value)[:10]), "medium", locale=locale_of())


VOID_RED = (190, 20, 20)


def stamp_void(pdf):
    """A large "VOID" across the page, drawn first so the invoice's text stays readable over it."""
    pdf.set_font("Helvetica", "B", 120)
    pdf.set_text_color(240, 200, 200)
    stamp = _text(_("VOID"))
    with pdf.rotation(35, x=pdf.w / 2, y=pdf.h / 2):
        width = pdf.get_string_width(stamp)
        pdf.text(pdf.w / 2 - width / 2, pdf.h / 2 + 15, stamp)
    pdf.set_text_color(0, 0, 0)


def render_invoice(invoice, business_name, account_name=None, letterhead=Letterhead()):
    """Return the PDF bytes of ``invoice`` (as produced by invoices.describe with lines)."""
    void = invoice.get("status") == "void"
    pdf = _letter()
    pdf.set_title(_text(_("Invoice %(number)s (VOID)", number=invoice["number"]) if void else
                        _("Invoice %(number)s", number=invoice["number"])))
    pdf.set_author(_text(business_name))
    pdf.add_page()
    if void:
        stamp_void(pdf)
    draw_letterhead(pdf, business_name, letterhead)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, _text(_("Invoice #%(number)s", number=invoice["number"])), new_x="LMARGIN", new_y="NEXT")
    if void:
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_text_color(*VOID_RED)
        voided = (_("VOID: this invoice was cancelled on %(day)s. Nothing is due on it.",
                    day=_day(invoice["voided_at"])) if invoice.get("voided_at") else
                  _("VOID: this invoice was cancelled. Nothing is due on it."))
        pdf.cell(0, 7, _text(voided), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", "", 11)
    if account_name:
        pdf.cell(0, 7, _text(_("Bill to: %(name)s", name=account_name)), new_x="LMARGIN", new_y="NEXT")
    dates = "    ".join((_("Issued %(day)s", day=_day(invoice["issue_date"])),
                        _("Due %(day)s", day=_day(invoice["due_date"]))))
    pdf.cell(0, 7, _text(dates), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = draw_lines(pdf, invoice["lines"])
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    for label, key in INVOICE_TOTALS:
        pdf.cell(sum(widths[:3]), 7, _text(_(label)), align="R")
        pdf.cell(widths[3], 7, _text(_money(invoice[key])), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


INVOICE_TOTALS = ((N_("Total"), "total"), (N_("Paid"), "paid"), (N_("Balance due"), "balance"))
LINE_WIDTHS = (100, 20, 35, 35)
LINE_HEADINGS = (N_("Description"), N_("Qty"), N_("Unit price"), N_("Amount"))


def draw_lines(pdf, lines):
    """The table of ``lines`` (description, quantity, unit price, amount); return its column widths."""
    widths = LINE_WIDTHS
    pdf.set_font("Helvetica", "B", 11)
    for index, (width, heading) in enumerate(zip(widths, LINE_HEADINGS)):
        pdf.cell(width, 8, _text(_(heading)), border="B", align="L" if index == 0 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        cells = (_text(line["description"])[:60], str(line["quantity"]), _text(_money(line["unit_price"])),
                 _text(_money(line["amount"])))
        for index, (width, value) in enumerate(zip(widths, cells)):
            pdf.cell(width, 7, value, align="L" if index == 0 else "R")
        pdf.ln()
    return widths


# What the client decided, with the day and without.
DECISIONS = {"approved": (N_("APPROVED by the client on %(day)s"), N_("APPROVED by the client")),
             "declined": (N_("DECLINED by the client on %(day)s"), N_("DECLINED by the client"))}


def _estimate_heading(pdf, estimate, account_name):
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, _text(_("ESTIMATE #%(number)s", number=estimate["number"])), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 7, _text(estimate["title"]), new_x="LMARGIN", new_y="NEXT")
    if account_name:
        pdf.cell(0, 7, _text(_("Prepared for: %(name)s", name=account_name)), new_x="LMARGIN", new_y="NEXT")
    sent = [_("Sent %(day)s", day=_day(estimate["sent_at"]))] if estimate.get("sent_at") else []
    valid = (_("Valid until %(day)s", day=_day(estimate["valid_until"])) if estimate.get("valid_until") else
             _("No expiry date"))
    pdf.cell(0, 7, _text("    ".join([*sent, valid])), new_x="LMARGIN", new_y="NEXT")


def _estimate_decision(pdf, estimate):
    """Say what the client decided (and their note), or that the estimate expired undecided."""
    status = estimate["status"]
    if status in DECISIONS:
        on_day, undated = DECISIONS[status]
        decided = _(on_day, day=_day(estimate["decided_at"])) if estimate.get("decided_at") else _(undated)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _text(decided), new_x="LMARGIN", new_y="NEXT")
        if estimate.get("decision_note"):
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, _text(_("Note: %(note)s", note=estimate["decision_note"])), new_x="LMARGIN",
                           new_y="NEXT")
    elif status == "expired":
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _text(_("EXPIRED: this estimate can no longer be approved.")), new_x="LMARGIN",
                 new_y="NEXT")


def render_estimate(estimate, business_name, account_name=None, letterhead=Letterhead()):
    """Return the PDF bytes of ``estimate`` (as produced by estimates.describe with lines)."""
    pdf = _letter()
    pdf.set_title(_text(_("Estimate %(number)s", number=estimate["number"])))
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
    pdf.cell(sum(widths[:3]), 7, _text(_("Total")), align="R")
    pdf.cell(widths[3], 7, _text(_money(estimate["total"])), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _estimate_decision(pdf, estimate)
    return bytes(pdf.output())
