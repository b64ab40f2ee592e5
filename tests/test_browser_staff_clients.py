"""Staff client pages in a real browser: the main flows, accessibility (axe) and the phone layout."""
import pytest
from playwright.sync_api import expect

from portico_testing import images

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from tests.browser import PHONE, axe_violations, horizontal_overflow
from tests.test_browser_staff import sign_in, submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def rpc(system, tenant, method, *args):
    return system.rpc.call("accounts", method, *args, context=system.context(tenant))


@pytest.fixture
def signed_in(system, page, site):
    """A new tenant with a client, a property and a custom field, its owner signed in."""
    tenant, owner = system.new_tenant(display_name="Sparkling Windows & Gutters of the Greater Metro Area")
    client = rpc(system, tenant, "create_client", {"name": "Harriet Longname-Featherstonehaugh",
                                                   "email": "harriet.featherstonehaugh@example.com",
                                                   "phone": "+1 555 010 0101"})
    rpc(system, tenant, "create_client", {"name": "Harriet's lake house", "parent_id": client["id"]})
    rpc(system, tenant, "create_custom_field", {"key": "visit_day", "label": "Visit day", "type": "choice",
                                                "choices": ["Monday", "Friday"]})
    rpc(system, tenant, "create_custom_field", {"key": "since", "label": "Client since", "type": "date"})
    sign_in(page, site, owner)
    return tenant, client


def test_staff_find_a_client_edit_it_and_invite_them(system, page, site, signed_in):
    tenant, client = signed_in
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Clients").click()
    page.get_by_label("Search by name, email or phone").fill("featherstone")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Harriet Longname-Featherstonehaugh").click()

    page.get_by_label("Phone", exact=True).fill("not a phone")
    response = submit(page, "Save contact details")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Phone:")
    expect(page.get_by_label("Phone", exact=True)).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Phone", exact=True).fill("+1 555 010 0199")
    submit(page, "Save contact details")
    expect(page.get_by_role("status")).to_contain_text("Contact details saved.")
    page.get_by_label("Visit day").select_option("Friday")
    page.get_by_label("Client since").fill("2024-03-01")
    submit(page, "Save custom fields")
    expect(page.get_by_role("status")).to_contain_text("Custom fields saved.")

    submit(page, "Invite to the portal")
    expect(page.get_by_role("status")).to_contain_text("Invitation sent.")
    expect(page.get_by_role("button", name="Resend invitation")).to_be_visible()
    stored = rpc(system, tenant, "get_client", client["id"])
    assert stored["phone"] == "+1 555 010 0199"
    assert {item["key"]: item["value"] for item in stored["custom_fields"]} == {
        "visit_day": "Friday", "since": "2024-03-01"}


def test_bulk_invitations_show_a_result_per_client(system, page, site, signed_in):
    tenant, _ = signed_in
    rpc(system, tenant, "create_client", {"name": "Nobody Noemail"})
    page.goto(f"{site}/staff/portal-users")
    page.get_by_label("Harriet Longname-Featherstonehaugh").check()
    page.get_by_label("Nobody Noemail").check()
    submit(page, "Invite or resend invitation")

    expect(page.get_by_role("status")).to_contain_text("Sent 1 of 2.")
    results = page.get_by_role("region", name="What was sent")
    expect(results.get_by_role("row", name="Nobody Noemail")).to_contain_text("Not sent")
    assert axe_violations(page) == []


def test_a_logo_that_is_not_an_image_is_refused_in_place_and_one_served_back_runs_nothing(
        system, page, site, signed_in, tmp_path):
    text_file = tmp_path / "logo.png"
    text_file.write_text("not really a picture")
    picture = tmp_path / "real.png"  # a real picture, with a page hidden after its end
    picture.write_bytes(images.with_trailing(images.image("PNG", size=(40, 20)),
                                             b"<html><script>document.title = 'ran'; alert(1)</script></html>"))
    page.goto(f"{site}/staff/settings/general")

    page.get_by_label("Logo image").set_input_files(str(text_file))
    response = submit(page, "Upload logo")

    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Logo:")
    expect(page.locator("#error-logo")).to_contain_text("not a PNG, JPEG, GIF or WebP")
    assert axe_violations(page) == []
    page.get_by_label("Logo image").set_input_files(str(picture))
    submit(page, "Upload logo")
    expect(page.get_by_role("status")).to_contain_text("Logo uploaded.")
    logo = page.get_by_role("img", name="Current logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.complete && image.naturalWidth") == 40
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened = page.goto(site + logo.get_attribute("src"))  # the logo opened as a page of its own
    assert opened.headers["content-type"] == "image/png" and opened.headers["x-content-type-options"] == "nosniff"
    assert dialogs == [] and page.title() != "ran"
    page.go_back()
    submit(page, "Remove logo")
    expect(page.get_by_role("status")).to_contain_text("Logo removed.")


def test_the_invitation_editor_previews_what_was_stored_and_sends_a_sample(system, page, site, signed_in):
    page.goto(f"{site}/staff/settings/invitation")
    page.get_by_label("Subject").fill("Your portal is ready")
    page.get_by_label("Message (HTML)").fill(
        '<p style="color:red">Hello <em>friend</em></p><script>alert(1)</script>')
    submit(page, "Save invitation email")

    expect(page.get_by_role("status")).to_contain_text("Invitation email saved.")
    preview = page.frame_locator("iframe.email-frame")
    expect(preview.locator("em")).to_have_text("friend")
    expect(page.get_by_label("Message (HTML)")).not_to_contain_text("script")
    submit(page, "Send a sample to me")
    expect(page.get_by_role("status")).to_contain_text("Sample sent.")


STAFF_PAGES = ("/staff/clients", "/staff/portal-users", "/staff/portal-users?without_portal=1",
               "/staff/custom-fields", "/staff/settings/invitation", "/staff/outbox", "/staff/settings/general")


def test_every_staff_client_page_has_no_wcag_violations_and_fits_a_phone(system, page, site, signed_in):
    _, client = signed_in
    rpc(system, signed_in[0], "invite_clients", [client["id"]])
    paths = STAFF_PAGES + (f"/staff/clients/{client['id']}", f"/staff/clients/{client['id'] + 1}")
    for path in paths:
        page.goto(f"{site}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{site}/staff/outbox")
    page.get_by_role("link", name="portal invitation").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("invitation")
    assert axe_violations(page) == [], "outbox message"
    page.goto(f"{site}/staff/custom-fields")
    page.get_by_role("link", name="Delete Visit day").click()
    assert axe_violations(page) == [], "delete custom field"
    page.go_back()
    submit(page, "Add custom field")
    assert axe_violations(page) == [], "custom field errors"

    page.set_viewport_size(PHONE)
    for path in paths:
        page.goto(f"{site}{path}")
        assert horizontal_overflow(page) == 0, path
    page.goto(f"{site}/staff/clients/{client['id']}")
    page.screenshot(path="/tmp/staff-client-phone.png", full_page=True)


def test_social_handles_are_part_of_the_business_profile(system, page, site, signed_in):
    tenant, _ = signed_in
    page.goto(f"{site}/staff/settings/general")
    profile = page.get_by_role("region", name="Business profile")
    profile.get_by_label("Twitter handle").fill("@far too long a handle")
    response = submit(page, "Save General settings")

    assert response.status == 400
    expect(page.get_by_label("Twitter handle")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Twitter handle").fill("@greenacres")
    page.get_by_label("Facebook page").fill("greenacreslawns")
    page.get_by_label("LinkedIn page").fill("green-acres")
    submit(page, "Save General settings")

    expect(page.get_by_role("status")).to_contain_text("Saved")
    stored = system.rpc.call("accounts", "get_settings", "general", context=system.context(tenant))
    assert (stored["twitter_handle"], stored["facebook_page"], stored["linkedin_slug"]) == (
        "greenacres", "greenacreslawns", "green-acres")
    expect(page.get_by_label("Twitter handle")).to_have_value("greenacres")
    assert page.get_by_role("checkbox", name="Has logo").count() == 0
