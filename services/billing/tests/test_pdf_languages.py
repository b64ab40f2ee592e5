"""PDFs in the reader's language: labels, money and dates in Spanish for a Spanish caller, kept apart from the
English PDF of the same invoice; a PDF made without a caller in the business's default language. (The migration
that keeps a PDF per language is tested in test_migrations.py.)"""
from datetime import date

from billing import business_look, documents, invoices
from portico_testing.pdfs import pdf_content
from shared.events import TENANT_PROFILE_UPDATED
from shared.i18n import catalogue_of, speaking

BUSINESS = "Green Acres Lawn Care"
DUE = date(2031, 1, 5)


def called_in(language):
    """The work of a billing worker whose caller reads ``language`` (what shared.context sets for a call)."""
    return speaking(language, catalogue_of("billing"))


def pdfs_in(blobs):
    return sorted(path.name for path in blobs.root.iterdir() if path.name.startswith("b_") and "." not in path.name)


def test_a_spanish_caller_gets_a_spanish_pdf_kept_apart_from_the_english_one(business, blobs):
    invoice = business.invoice(123456, due=DUE)
    with called_in("en"):
        english = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    with called_in("es"):
        spanish = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")

    words = pdf_content(blobs.get(spanish["blob_id"]).data)
    assert b"Precio unitario" in words and b"Unit price" not in words  # the labels in Spanish
    assert b"5 ene 2031" in words  # the due date as es_US writes it
    assert b"$1,234.56" in words
    english_words = pdf_content(blobs.get(english["blob_id"]).data)
    assert b"Unit price" in english_words and b"Jan 5, 2031" in english_words
    # Kept side by side: asking again in either language names the same PDF, nothing is rendered again.
    assert spanish["blob_id"] != english["blob_id"] and pdfs_in(blobs) == sorted([english["blob_id"],
                                                                                 spanish["blob_id"]])
    with called_in("en"):
        assert business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee") == english
    with called_in("es"):
        assert business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee") == spanish


def test_a_pdf_made_without_a_caller_is_in_the_business_default_language(business, blobs):
    assert business_look.language_of(business.session, business.tenant_id) == "en"  # before any profile
    business.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": business.tenant_id, "slug": "green",
                                              "display_name": BUSINESS, "default_language": "es"})
    invoice = business.invoice(2500, due=DUE)
    row = invoices.find_invoice(business.session, business.tenant_id, invoice["id"])
    described = invoices.describe(row, invoices.lines_of(business.session, row))
    language = business_look.language_of(business.session, business.tenant_id)

    with called_in("en"):  # an event handler's or a timer's work: English unless told otherwise
        answer, replaced = documents.invoice_document(business.session, blobs, business.tenant_id, described,
                                                      "client", BUSINESS, language=language)
    business.session.commit()

    assert language == "es" and replaced is None
    assert b"5 ene 2031" in pdf_content(blobs.get(answer["blob_id"]).data)
    assert business_look.language_of(business.session, business.tenant_id) == "es"
