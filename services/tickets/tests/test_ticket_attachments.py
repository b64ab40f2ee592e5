"""Files with ticket messages: photos and PDFs judged by their content, re-encoded photos, a size cap."""
import io

import pytest
from PIL import Image

from shared.errors import InvalidInput
from tickets import attachments


def kept_blobs(blobs):
    return sorted(path.name for path in blobs.root.rglob("b_*")) if hasattr(blobs, "root") else None


def test_a_photo_is_kept_re_encoded_without_its_metadata(business, files):
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"
    upload = business.upload(files["photo"](exif=exif.tobytes()), "image/jpeg")
    opened = business.open(attachments=[{"blob_id": upload, "filename": "../../etc/IMG 1.jpeg"}])
    (message,) = business.client().my_ticket(opened["id"])["messages"]
    (file,) = message["attachments"]
    assert file["filename"] == "IMG 1.jpg" and file["content_type"] == "image/jpeg"
    blob = business.client().my_ticket_attachment(opened["id"], file["id"])
    assert blob["blob_id"] != upload
    kept = business.blobs.get(blob["blob_id"]).data
    assert b"Secret Camera" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (40, 30)


def test_a_pdf_is_kept_and_staff_reply_with_one(business, files):
    opened = business.open()
    business.staff().reply_to_ticket(opened["id"], {"body": "Your estimate", "attachments": [
        {"blob_id": business.upload(files["pdf"]), "filename": "estimate.pdf"}]})
    files_sent = business.client().my_ticket(opened["id"])["messages"][1]["attachments"]
    assert [(f["filename"], f["content_type"]) for f in files_sent] == [("estimate.pdf", "application/pdf")]
    (_, added), = business.events("ticket_message_added")
    assert added["attachments"] == 1


@pytest.mark.parametrize("data", [
    b"", b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script></html>", b"%PDF-1.4 with no end",
    b"\x89PNG\r\n\x1a\n broken",
], ids=["empty", "executable", "html", "truncated pdf", "broken png"])
def test_anything_else_is_refused_and_nothing_is_written(business, data):
    upload = business.upload(data, "image/png")
    with pytest.raises(InvalidInput) as error:
        business.open(attachments=[{"blob_id": upload, "filename": "x.png"}])
    assert "attachments.0" in error.value.fields
    assert business.staff().list_tickets()["total"] == 0


def test_a_file_over_the_cap_is_refused(business, monkeypatch, files):
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput):
        business.open(attachments=[{"blob_id": business.upload(files["pdf"] + b" " * 200), "filename": "a.pdf"}])


def test_an_unknown_upload_or_too_many_files_are_refused(business, files):
    with pytest.raises(InvalidInput) as error:
        business.open(attachments=[{"blob_id": "b_" + "0" * 32, "filename": "gone.pdf"}])
    assert "attachments.0" in error.value.fields
    six = [{"blob_id": business.upload(files["pdf"]), "filename": "a.pdf"}] * 6
    with pytest.raises(InvalidInput) as error:
        business.open(attachments=six)
    assert "attachments" in error.value.fields
    with pytest.raises(InvalidInput):
        business.open(attachments=[{"blob_id": "../../etc/passwd", "filename": "a.pdf"}])


def test_copies_kept_for_a_request_that_fails_are_deleted(business, files, monkeypatch):
    from tickets import ticket_messages
    deleted = []
    monkeypatch.setattr(attachments, "discard", lambda store, ids: deleted.extend(ids))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ticket_messages, "add", broken)
    with pytest.raises(RuntimeError):
        business.open(attachments=[{"blob_id": business.upload(files["pdf"]), "filename": "a.pdf"}])
    assert len(deleted) == 1
