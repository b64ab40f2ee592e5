"""Documents in a real browser: staff share a document, the client (on a phone) downloads it, sends two files and
presses "Done uploading", and staff see the alerts; staff attach the invitation email's welcome document; every new
page has no WCAG violation and fits a phone."""
import pytest
from playwright.sync_api import expect

pytest.register_assert_rewrite("tests.browser")  # before the import, so its assertions explain failures
from portico_testing.documents import PDF, png
from tests.browser import PHONE, axe_violations, checked_page, horizontal_overflow
from tests.portal_helpers import registered_client
from tests.test_browser_portal import sign_in as client_sign_in
from tests.test_browser_staff import sign_in as staff_sign_in, submit

pytest_plugins = ("tests.browser",)  # the chromium, site and page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.backends("sqlite")]  # docs/architecture.md, "Tests and backends"


def clean(page, what):
    assert axe_violations(page) == [], what
    assert horizontal_overflow(page) == 0, what


def test_staff_share_the_client_downloads_sends_two_files_and_says_done(system, chromium, page, site):
    tenant, owner = system.new_tenant(display_name="Ledger & Co Accountants")
    staff_context = system.context(tenant)
    system.rpc.call("tickets", "update_settings", "tickets", {"done_uploading_button": True,
                                                              "done_uploading_checkbox": True}, context=staff_context)
    system.rpc.call("notifications", "update_settings", "alerts", {
        "document_uploaded": [tenant["owner"]["id"]], "upload_done": [tenant["owner"]["id"]]}, context=staff_context)
    client, _ = registered_client(system, tenant, name="Robin Taxpayer")

    staff_sign_in(page, site, owner)
    page.goto(f"{site}/staff/clients/{client['id']}")
    page.get_by_role("link", name="Documents: shared with the client and sent by them").click()
    clean(page, "staff documents, empty")
    page.get_by_label("File", exact=True).set_input_files({"name": "organizer.pdf", "mimeType": "application/pdf",
                                                "buffer": PDF})
    page.get_by_label("Title").fill("2026 tax organizer")
    page.get_by_label("Folder (optional)").fill("2026 taxes")
    submit(page, "Share")
    expect(page.get_by_role("status")).to_contain_text("The document is shared with the client.")
    clean(page, "staff documents, one shared")

    with checked_page(chromium, PHONE) as client_page:
        client_sign_in(client_page, site, tenant, client["email"])
        expect(client_page.get_by_role("heading", name="Documents")).to_be_visible()  # the Home panel
        client_page.get_by_role("navigation", name="Portal").get_by_role("link", name="Documents").click()
        clean(client_page, "client documents")
        with client_page.expect_download() as download:
            client_page.get_by_role("link", name="2026 tax organizer").click()
        assert download.value.suggested_filename == "organizer.pdf"
        assert open(download.value.path(), "rb").read() == PDF

        client_page.get_by_label("File", exact=True).set_input_files({"name": "w2.pdf", "mimeType": "application/pdf",
                                                           "buffer": PDF})
        client_page.get_by_label("Title (optional)").fill("W-2 from my employer")
        submit(client_page, "Send file")
        expect(client_page.get_by_role("status")).to_contain_text("Your file was sent.")
        client_page.get_by_label("File", exact=True).set_input_files({"name": "receipt.png", "mimeType": "image/png",
                                                           "buffer": png(size=(40, 30))})
        sent = submit(client_page, "Send file")
        assert sent.status == 303, client_page.locator("main").inner_text()
        client_page.get_by_role("button", name="Done uploading").click()
        expect(client_page.get_by_role("status")).to_contain_text("We let the business know you are done")
        clean(client_page, "client documents after sending")

    page.reload()
    expect(page.get_by_text("W-2 from my employer")).to_be_visible()
    expect(page.get_by_text("Robin Taxpayer said they were done uploading")).to_be_visible()
    expect(page.get_by_role("cell", name="Uploaded by Robin Taxpayer").first).to_be_visible()
    page.goto(f"{site}/staff/alerts")
    expect(page.get_by_text("Robin Taxpayer pressed Done uploading (2 files sent so far)")).to_be_visible()
    expect(page.get_by_text("Robin Taxpayer sent a document: W-2 from my employer (w2.pdf)")).to_be_visible()


def test_staff_attach_a_welcome_document_to_the_invitation_email(system, page, site):
    _, owner = system.new_tenant()
    staff_sign_in(page, site, owner)
    page.goto(f"{site}/staff/settings/invitation")
    expect(page.get_by_text("No document is attached.")).to_be_visible()
    clean(page, "invitation email, no welcome document")
    page.get_by_label("File", exact=True).set_input_files({"name": "page.html", "mimeType": "text/html",
                                                           "buffer": b"<html><script>alert(1)</script></html>"})
    submit(page, "Attach a welcome document")
    expect(page.get_by_role("alert")).to_contain_text("File:")
    clean(page, "invitation email, refused file")
    page.get_by_label("File", exact=True).set_input_files({"name": "welcome.pdf", "mimeType": "application/pdf",
                                                           "buffer": PDF})
    page.get_by_label("Title").fill("Welcome pack")
    submit(page, "Attach a welcome document")
    expect(page.get_by_role("status")).to_contain_text("Welcome document attached")
    expect(page.get_by_text("Attached: Welcome pack")).to_be_visible()
    clean(page, "invitation email, welcome document attached")
