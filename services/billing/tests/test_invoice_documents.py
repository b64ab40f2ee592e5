"""Invoice PDFs rendered into the blob store: named by id, kept while the invoice shows the same, replaced when not."""
import pytest
from sqlalchemy.orm import Session

from billing import business_look, documents
from billing.models import Base
from portico_testing.inprocess import postgresql_session
from portico_testing import images
from portico_testing.pdfs import pdf_content
from shared.errors import NotFound
from shared.events import TENANT_PROFILE_UPDATED
from shared.messaging import envelope

BUSINESS = "Green Acres Lawn Care"


def pdfs_in(blobs):
    return sorted(path.name for path in blobs.root.iterdir() if path.name.startswith("b_") and "." not in path.name)


def test_staff_get_a_pdf_by_reference_and_the_same_one_while_the_invoice_is_unchanged(business, blobs):
    invoice = business.invoice(2500, 1000)
    document = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    assert set(document) == {"filename", "blob_id"} and document["filename"] == f"invoice-{invoice['number']}.pdf"
    stored = blobs.get(document["blob_id"])
    assert stored.content_type == "application/pdf" and stored.data.startswith(b"%PDF")
    assert b"Bill to: Ann Lee" in pdf_content(stored.data)
    assert business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee") == document
    assert pdfs_in(blobs) == [document["blob_id"]]


def test_a_change_to_what_the_pdf_shows_replaces_it(business, blobs):
    invoice = business.invoice(2500)
    first = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    renamed = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee-Smith")
    business.staff().void_invoice(invoice["id"])
    voided = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee-Smith")
    assert len({first["blob_id"], renamed["blob_id"], voided["blob_id"]}) == 3
    assert pdfs_in(blobs) == [voided["blob_id"]]  # each replaced PDF is deleted
    assert b"(VOID) Tj" in pdf_content(blobs.get(voided["blob_id"]).data)


def test_a_client_gets_a_pdf_of_their_own_that_names_nobody(business, blobs):
    invoice = business.invoice(2500)
    staff_pdf = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    client_pdf = business.client().my_invoice_pdf(invoice["id"], BUSINESS)
    assert client_pdf["blob_id"] != staff_pdf["blob_id"]
    assert b"Bill to" not in pdf_content(blobs.get(client_pdf["blob_id"]).data)
    with pytest.raises(NotFound):
        business.client(account_id=invoice["account_id"] + 1).my_invoice_pdf(invoice["id"], BUSINESS)


@pytest.fixture
def two_requests(business_on):
    """Two billing workers on one PostgreSQL database, each in a transaction of its own, as two instances are."""
    with postgresql_session(Base.metadata) as session:
        with Session(session.get_bind(), expire_on_commit=False) as other:
            yield business_on(session), business_on(other)


@pytest.mark.parametrize("first_time", [True, False], ids=["first render", "replacing a PDF"])
def test_two_requests_rendering_at_once_agree_on_one_pdf_and_leave_no_other(two_requests, blobs, monkeypatch,
                                                                               first_time):
    one, other = two_requests
    invoice = one.invoice(2500)
    if not first_time:
        one.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    answers = []
    render = documents.run_cpu_bound

    def render_after_the_other_request(fn, *args):
        """While ``one`` renders, ``other`` renders and records its own PDF of the same invoice."""
        monkeypatch.setattr(documents, "run_cpu_bound", render)
        answers.append(other.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee Smith"))
        return render(fn, *args)

    monkeypatch.setattr(documents, "run_cpu_bound", render_after_the_other_request)
    answers.append(one.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee Smith"))
    assert answers[0] == answers[1] and pdfs_in(blobs) == [answers[0]["blob_id"]]


def test_the_business_look_heads_the_pdf_and_a_new_look_renders_it_again(business, blobs):
    invoice = business.invoice(2500)
    plain = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")
    assert b"/Subtype /Image" not in blobs.get(plain["blob_id"]).data
    logo = blobs.put(images.image("PNG", size=(40, 20)), "image/png")
    profile = {"tenant_id": business.tenant_id, "slug": "green", "display_name": BUSINESS, "has_logo": True,
               "logo_blob_id": logo, "brand_colour": "#1b5e20"}

    business.deliver(TENANT_PROFILE_UPDATED, profile)
    branded = business.staff().invoice_pdf(invoice["id"], BUSINESS, "Ann Lee")

    assert branded["blob_id"] != plain["blob_id"]  # the look is part of what the PDF is drawn from
    data = blobs.get(branded["blob_id"]).data
    assert b"/Subtype /Image" in data
    assert b"0.1059 0.3686 0.1255 rg" in pdf_content(data)  # the name in #1b5e20
    estimate = business.staff().create_estimate({"account_id": invoice["account_id"], "title": "Aeration",
                                                 "lines": [{"description": "Aeration", "unit_price": 9900}]})
    drawn = blobs.get(business.staff().estimate_pdf(estimate["id"], BUSINESS, "Ann Lee")["blob_id"]).data
    assert b"/Subtype /Image" in drawn


def test_an_older_profile_arriving_late_leaves_the_newer_look(business):
    newer = {"tenant_id": business.tenant_id, "slug": "green", "display_name": BUSINESS, "brand_colour": "#1b5e20"}
    business.deliver(TENANT_PROFILE_UPDATED, newer, event_id="evt-new")
    late = envelope(TENANT_PROFILE_UPDATED, business.tenant_id, {**newer, "brand_colour": "#6a1b9a"})
    late["occurred_at"] = "2020-01-01T00:00:00+00:00"
    business.worker(None).handle_tenant_profile_updated(late)

    assert business_look.look_of(business.session, business.tenant_id).brand_colour == "#1b5e20"
