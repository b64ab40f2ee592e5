"""Documents: staff share files with an account, clients read their own and upload when the business allows."""
import io

import pytest
from PIL import Image, PngImagePlugin

from portico_testing.documents import CSV, EXCEL, HTML, PDF, PDF_HTML_POLYGLOT, SVG_WITH_SCRIPT, WORD, office, png

from shared.errors import InvalidInput, NotFound, PermissionDenied

ACCOUNT, OTHER_ACCOUNT, OTHER_BUSINESS_ACCOUNT, STAFF_ID = 42, 43, 9_999, 7


def test_staff_share_a_document_the_client_lists_and_downloads(documents):
    shared = documents.share(folder="2026 taxes", filename="letter.PDF")
    assert shared["title"] == "Engagement letter" and shared["folder"] == "2026 taxes"
    assert shared["filename"] == "letter.pdf" and shared["content_type"] == "application/pdf"
    assert shared["uploaded_by"] == {"kind": "staff", "id": STAFF_ID, "name": f"Staff {STAFF_ID}"}
    listed = documents.client().my_documents()
    assert [document["id"] for document in listed["documents"]] == [shared["id"]]
    assert listed["documents"][0]["shared_by"] == "business"
    file = documents.client().my_document_file(shared["id"])
    assert documents.blobs.get(file["blob_id"]).data == PDF and file["content_type"] == "application/pdf"


def test_sharing_a_document_tells_notifications_for_the_clients_feed(documents):
    shared = documents.share()
    assert documents.events("document_shared") == [("document_shared", {
        "document_id": shared["id"], "account_id": ACCOUNT, "title": "Engagement letter",
        "actor": {"kind": "staff", "id": STAFF_ID}})]


def test_an_account_is_confirmed_with_accounts_once(documents):
    documents.share()
    documents.share()
    assert documents.clients.asked == [ACCOUNT]
    with pytest.raises(NotFound):
        documents.share(account_id=OTHER_BUSINESS_ACCOUNT)
    with pytest.raises(NotFound):
        documents.staff().account_documents(OTHER_BUSINESS_ACCOUNT)


def test_a_client_reaches_only_their_own_accounts_documents(documents):
    mine, theirs = documents.share(), documents.share(account_id=OTHER_ACCOUNT)
    assert [d["id"] for d in documents.client().my_documents()["documents"]] == [mine["id"]]
    with pytest.raises(NotFound):
        documents.client().my_document_file(theirs["id"])
    with pytest.raises(NotFound):
        documents.client(tenant_id=2).my_document_file(mine["id"])
    with pytest.raises(NotFound):
        documents.staff(tenant_id=2).document_file(mine["id"])


def test_clients_cannot_use_staff_entrypoints_nor_staff_client_ones(documents):
    with pytest.raises(PermissionDenied):
        documents.client().share_document(ACCOUNT, {"upload_id": documents.upload(PDF), "title": "Mine"})
    with pytest.raises(PermissionDenied):
        documents.client().account_documents(ACCOUNT)
    with pytest.raises(PermissionDenied):
        documents.staff().my_documents()


def test_staff_delete_a_document_and_its_copy(documents):
    shared = documents.share()
    blob_id = documents.staff().document_file(shared["id"])["blob_id"]
    documents.staff().delete_document(shared["id"])
    assert documents.client().my_documents()["documents"] == []
    with pytest.raises(NotFound):
        documents.blobs.get(blob_id)


@pytest.mark.parametrize("data, content_type", [
    (PDF, "application/pdf"),
    (png(), "image/png"),
    (office("word/"), WORD),
    (office("xl/"), EXCEL),
    (CSV, "text/plain; charset=utf-8"),
], ids=["pdf", "png", "docx", "xlsx", "csv"])
def test_allowed_kinds_are_kept_with_the_type_their_content_shows(documents, data, content_type):
    assert documents.share(data)["content_type"] == content_type


def test_an_image_is_kept_re_encoded_without_its_metadata(documents):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location")
    shared = documents.share(png(pnginfo=info) + b"<script>alert(1)</script>")
    kept = documents.blobs.get(documents.staff().document_file(shared["id"])["blob_id"]).data
    assert b"secret location" not in kept and b"<script>" not in kept
    assert Image.open(io.BytesIO(kept)).size == (4, 3)


@pytest.mark.parametrize("data", [
    HTML,  # an HTML page, whatever its name (here photo.png)
    SVG_WITH_SCRIPT,
    PDF_HTML_POLYGLOT,
    b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100),  # a program
    office("word/", content_types=b"<Types>application/vnd.ms-word.document.macroEnabled.12</Types>"),
    office("word/", extra={"word/vbaProject.bin": b"\x00"}),
    office("other/"),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),  # an old binary Office file
    b"",
], ids=["html renamed png", "svg with script", "pdf html polyglot", "executable", "macro enabled",
        "vba project", "zip", "old office", "empty"])
def test_kinds_a_browser_could_run_or_that_hide_code_are_refused(documents, data):
    with pytest.raises(InvalidInput) as error:
        documents.share(data, filename="photo.png")
    assert "file" in error.value.fields
    assert documents.staff().account_documents(ACCOUNT)["documents"] == []


def test_an_over_size_file_is_refused(documents):
    from tickets.document_files import MAX_BYTES
    with pytest.raises(InvalidInput) as error:
        documents.share(b"a" * (MAX_BYTES + 1))
    assert "file" in error.value.fields


@pytest.mark.parametrize("document, field", [
    ({"title": ""}, "title"), ({"title": " padded"}, "title"), ({"title": "x" * 201}, "title"),
    ({"folder": ""}, "folder"), ({"upload_id": "../etc/passwd"}, "upload_id"), ({"colour": "red"}, "colour"),
])
def test_invalid_requests_are_refused_field_by_field(documents, document, field):
    with pytest.raises(InvalidInput) as error:
        documents.staff().share_document(ACCOUNT, {"upload_id": documents.upload(PDF), "title": "Letter", **document})
    assert field in error.value.fields


def test_an_upload_that_is_gone_is_refused(documents):
    with pytest.raises(InvalidInput) as error:
        documents.staff().share_document(ACCOUNT, {"upload_id": "b_" + "0" * 32, "title": "Letter"})
    assert "upload_id" in error.value.fields


def test_the_longest_lists_stay_under_three_quarters_of_a_message(documents):
    from shared.message_size import MAX_MESSAGE_BYTES, encoded_size
    from tickets.documents import LISTED_AT_MOST
    for _ in range(30):
        documents.share(title="\U0001F600" * 200, folder="\U0001F4C1" * 100, filename="\U0001F600" * 200 + ".pdf")
    staff, client = documents.staff().account_documents(ACCOUNT), documents.client().my_documents()
    for answer in (staff, client):
        assert answer["more"] is True and 5 < len(answer["documents"]) < 30
        assert encoded_size(answer) < MAX_MESSAGE_BYTES * 3 // 4
    assert documents.client().my_documents({"limit": 2})["more"] is True and LISTED_AT_MOST == 200
