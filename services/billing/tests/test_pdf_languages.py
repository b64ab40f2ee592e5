"""PDFs in the reader's language: labels, money and dates in Spanish for a Spanish caller, kept apart from the
English PDF of the same invoice; a PDF made without a caller in the business's default language."""
import contextlib
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from billing import business_look, documents, invoices
from portico_testing import Databases
from portico_testing.pdfs import pdf_content
from shared.events import TENANT_PROFILE_UPDATED
from shared.i18n import catalogue_of, current_catalogue, speaking

BUSINESS = "Green Acres Lawn Care"
DUE = date(2031, 1, 5)


@contextlib.contextmanager
def called_in(language):
    """The work of a billing worker whose caller reads ``language`` (what shared.context sets for a call)."""
    token = current_catalogue.set(catalogue_of("billing"))
    try:
        with speaking(language):
            yield
    finally:
        current_catalogue.reset(token)


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
    assert documents.business_language(business.session, business.tenant_id) == "en"  # before any profile
    business.deliver(TENANT_PROFILE_UPDATED, {"tenant_id": business.tenant_id, "slug": "green",
                                              "display_name": BUSINESS, "default_language": "es"})
    invoice = business.invoice(2500, due=DUE)
    row = invoices.find_invoice(business.session, business.tenant_id, invoice["id"])
    described = invoices.describe(row, invoices.lines_of(business.session, row))
    language = documents.business_language(business.session, business.tenant_id)

    with called_in("en"):  # an event handler's or a timer's work: English unless told otherwise
        answer, replaced = documents.invoice_document(business.session, blobs, business.tenant_id, described,
                                                      "client", BUSINESS, language=language)
    business.session.commit()

    assert language == "es" and replaced is None
    assert b"5 ene 2031" in pdf_content(blobs.get(answer["blob_id"]).data)
    assert business_look.language_of(business.session, business.tenant_id) == "es"


@pytest.fixture(params=["sqlite", "postgresql"])
def billing_database(request, tmp_path):
    databases = Databases(request.param, tmp_path, services=("billing",))
    engine = sa.create_engine(databases.urls["billing"])
    yield databases.alembic_config("billing"), engine
    engine.dispose()
    databases.drop()


def test_kept_pdfs_get_a_language_and_going_back_keeps_the_english_ones(billing_database):
    config, engine = billing_database
    command.upgrade(config, "head")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO invoices (id, tenant_id, account_id, number, issue_date, due_date, total, balance, status, "
            "autopay, created_at) VALUES (1, 1, 5, 1001, '2030-01-05', '2030-02-05', 100, 100, 'open', false, "
            "'2030-01-05 10:00:00')"))
        for language, blob in (("en", "b_en"), ("es", "b_es")):
            connection.execute(sa.text(
                "INSERT INTO invoice_documents (tenant_id, invoice_id, audience, language, fingerprint, blob_id, "
                "rendered_at) VALUES (1, 1, 'client', :language, 'f', :blob, '2030-01-05 10:00:00')"),
                {"language": language, "blob": blob})

    command.downgrade(config, "0013_business_looks")
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT audience, blob_id FROM invoice_documents")).all()
        look_columns = {column["name"] for column in sa.inspect(connection).get_columns("business_looks")}
    assert [tuple(row) for row in kept] == [("client", "b_en")] and "default_language" not in look_columns

    command.upgrade(config, "head")
    with engine.connect() as connection:
        languages = connection.execute(sa.text("SELECT language FROM invoice_documents")).scalars().all()
    assert languages == ["en"]
