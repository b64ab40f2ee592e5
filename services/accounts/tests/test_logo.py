"""The logo: an upload handed over by blob id, judged by its bytes, kept as a re-encoded copy of its own."""
import io

import pytest
from PIL import Image

from portico_testing import images
from shared.errors import InvalidInput, NotFound, PermissionDenied


def upload(blobs, data):
    """Put ``data`` into the store as the gateway puts an upload; return its id."""
    return blobs.put(data, "application/octet-stream")


def kept_logo(staff, blobs):
    found = staff.get_logo()
    return blobs.get(found["blob_id"]), found


@pytest.mark.parametrize("image_format, content_type", [
    ("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")])
def test_each_kind_of_image_is_kept_as_a_copy_of_its_own_kind(staff, blobs, image_format, content_type):
    upload_id = upload(blobs, images.image(image_format))
    assert staff.set_logo(upload_id) == {"has_logo": True, "content_type": content_type}
    stored, found = kept_logo(staff, blobs)
    assert found["blob_id"] != upload_id and blobs.get(upload_id)  # the upload stays the gateway's
    assert (stored.content_type, found["content_type"]) == (content_type, content_type)
    assert Image.open(io.BytesIO(stored.data)).format == image_format


def test_a_logo_is_replaced_and_removed_with_its_blob_and_announced(accounts, staff, blobs):
    staff.set_logo(upload(blobs, images.image("PNG")))
    first = staff.get_logo()["blob_id"]
    staff.set_logo(upload(blobs, images.image("JPEG")))
    second = staff.get_logo()["blob_id"]
    with pytest.raises(NotFound):
        blobs.get(first)
    assert accounts.published("tenant_profile_updated")[-1]["has_logo"] is True
    assert staff.remove_logo() == {"has_logo": False}
    with pytest.raises(NotFound):
        staff.get_logo()
    with pytest.raises(NotFound):
        blobs.get(second)
    assert accounts.published("tenant_profile_updated")[-1]["has_logo"] is False
    assert staff.get_settings("general")["has_logo"] is False


BAD_UPLOADS = {
    "HTML named .png": (images.HTML, "not a PNG, JPEG, GIF or WebP"),
    "SVG with a script": (images.SVG, "not a PNG, JPEG, GIF or WebP"),
    "GIF header only": (b"GIF89a but not really", "not a PNG, JPEG, GIF or WebP"),
    "PNG cut short": (images.image("PNG")[:40], "not a PNG, JPEG, GIF or WebP"),
    "BMP": (images.image("BMP"), "not a PNG, JPEG, GIF or WebP"),
    "empty": (b"", "empty"),
    "over 512 KiB": (images.with_trailing(images.image("PNG"), b"\0" * 512 * 1024), "at most 512 KB"),
    "too wide": (images.image("PNG", size=(2100, 10)), "at most 2000 pixels"),
    "a header declaring 5000 x 5000": (images.declared_size_png(5000, 5000), "at most 2000 pixels"),
}


@pytest.mark.parametrize("data, message", BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_what_is_not_a_modest_image_is_refused_on_the_logo_field_and_changes_nothing(staff, blobs, data, message):
    staff.set_logo(upload(blobs, images.image("PNG")))
    before = staff.get_logo()
    with pytest.raises(InvalidInput) as error:
        staff.set_logo(upload(blobs, data))
    assert set(error.value.fields) == {"logo"} and message in error.value.fields["logo"][0]
    assert staff.get_logo() == before


@pytest.mark.parametrize("not_an_upload", ["b_" + "0" * 32, "../../var/accounts.db", images.HTML.decode(), None])
def test_an_id_that_names_no_upload_is_refused_on_the_logo_field(staff, not_an_upload):
    with pytest.raises(InvalidInput) as error:
        staff.set_logo(not_an_upload)
    assert set(error.value.fields) == {"logo"}


HIDDEN = {
    "HTML after the PNG's end": images.with_trailing(images.image("PNG")),
    "HTML after the JPEG's end": images.with_trailing(images.image("JPEG")),
    "HTML after the GIF's end": images.with_trailing(images.image("GIF")),
    "HTML in a PNG text chunk": images.png_with_text(),
    "HTML in a JPEG's comment and EXIF": images.jpeg_with_metadata(),
    "HTML in an animated GIF's comment": images.animated_gif(),
}


@pytest.mark.parametrize("data", HIDDEN.values(), ids=HIDDEN.keys())
def test_what_hides_in_or_after_an_image_is_not_kept(staff, blobs, data):
    staff.set_logo(upload(blobs, data))
    stored, _ = kept_logo(staff, blobs)
    assert b"<script" not in stored.data and b"<html" not in stored.data.lower()
    with Image.open(io.BytesIO(stored.data)) as kept:
        assert not set(kept.info) - {"transparency", "background", "version", "dpi", "jfif", "jfif_version",
                                     "jfif_unit", "jfif_density", "duration", "loop"}
        assert not kept.getexif()
        kept.load()


def test_the_exif_turn_is_applied_to_the_pixels_before_the_exif_goes(staff, blobs):
    staff.set_logo(upload(blobs, images.jpeg_with_metadata(orientation=6)))  # 90 degrees clockwise
    stored, _ = kept_logo(staff, blobs)
    with Image.open(io.BytesIO(stored.data)) as kept:
        assert kept.size == (8, 16) and not kept.getexif()


def test_an_animated_gif_keeps_its_first_frame(staff, blobs):
    staff.set_logo(upload(blobs, images.animated_gif(frames=3)))
    stored, _ = kept_logo(staff, blobs)
    with Image.open(io.BytesIO(stored.data)) as kept:
        assert getattr(kept, "n_frames", 1) == 1


def test_only_staff_change_the_logo(accounts, tenant, blobs):
    upload_id = upload(blobs, images.image("PNG"))
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).set_logo(upload_id)
    with pytest.raises(PermissionDenied):
        accounts.anonymous(tenant).remove_logo()
