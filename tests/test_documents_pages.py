"""The client's Documents tab and Home panel, served by the gateway against the running services: the list and
downloads, the upload form, the "completely done" box and the "Done uploading" button, each shown only when its
setting is on (the API's refusals are in tests/test_documents_api.py)."""
import io
import re

import pytest

from portico_testing.documents import HTML, PDF
from tests.portal_helpers import new_address, registered_client, uploaded

pytestmark = pytest.mark.backends("postgresql")
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


class Portal:
    def __init__(self, system):
        self.system = system
        self.tenant, _ = system.new_tenant()
        self.client, session = registered_client(system, self.tenant)
        self.browser = system.app.test_client()
        self.browser.set_cookie(f"__Host-portico_client_{self.tenant['slug']}", session["token"])
        self.csrf = session["csrf_token"]

    def path(self, path=""):
        return f"/p/{self.tenant['slug']}/{path}"

    def get(self, path=""):
        return self.browser.get(self.path(path), environ_base=new_address())

    def html(self, path=""):
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def post(self, path, data, **options):
        return self.browser.post(self.path(path), data={**data, "csrf_token": self.csrf}, environ_base=new_address(),
                                 headers=ORIGIN_HEADERS, **options)

    def tickets(self, method, *args):
        return self.system.rpc.call("tickets", method, *args, context=self.system.context(self.tenant))

    def settings(self, **changes):
        self.tickets("update_settings", "tickets", changes)

    def share(self, title="Engagement letter", folder=None):
        return self.tickets("share_document", self.client["id"], {"upload_id": uploaded(self.system, PDF),
                                                                  "title": title, "folder": folder})


@pytest.fixture
def portal(system):
    return Portal(system)


def test_the_tab_lists_shared_documents_by_folder_with_downloads(portal):
    document = portal.share(folder="2026 taxes")
    html = portal.html("documents")
    assert "<h3>2026 taxes</h3>" in html and "Engagement letter" in html
    link = f'href="/p/{portal.tenant["slug"]}/documents/{document["id"]}/file"'
    assert link in html
    response = portal.get(f"documents/{document['id']}/file")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and response.data == PDF
    assert ">Documents</a>" in portal.html()  # the tab in the navigation
    assert 'id="documents-panel"' in portal.html() and "Engagement letter" in portal.html()


def test_a_client_sends_a_file_with_the_form(portal):
    response = portal.post("documents/upload", {"file": (io.BytesIO(PDF), "w2.pdf"), "title": "My W-2"},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and "notice=sent" in response.headers["Location"]
    assert "My W-2" in portal.html("documents") and "sent by you" in portal.html("documents")


def test_a_refused_file_is_shown_in_the_error_summary(portal):
    response = portal.post("documents/upload", {"file": (io.BytesIO(HTML), "photo.png")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html and 'href="#document-file"' in html
    assert 'aria-invalid="true"' in html


def test_documents_off_hides_the_tab_the_panel_and_the_page(portal):
    portal.share()
    portal.settings(documents_enabled=False)
    home = portal.html()
    assert ">Documents</a>" not in home and 'id="documents-panel"' not in home
    assert portal.get("documents").status_code == 403


def test_uploads_off_hides_the_form(portal):
    assert 'enctype="multipart/form-data"' in portal.html("documents")
    portal.settings(allow_client_uploads=False)
    html = portal.html("documents")
    assert 'enctype="multipart/form-data"' not in html and "Send us a file" not in html
    assert portal.post("documents/upload", {"file": (io.BytesIO(PDF), "w2.pdf")},
                       content_type="multipart/form-data").status_code == 403


def test_the_done_box_and_button_show_only_when_on(portal):
    html = portal.html("documents")
    assert "completely done uploading" not in html and "Done uploading</button>" not in html
    assert portal.post("documents/done", {}).status_code == 403
    portal.settings(done_uploading_button=True, done_uploading_checkbox=True)
    html = portal.html("documents")
    assert "completely done uploading" in html and "Done uploading</button>" in html
    response = portal.post("documents/done", {})
    assert response.status_code == 303 and "notice=done" in response.headers["Location"]
    assert re.search(r"You told us you were done on", portal.html("documents"))


def test_staff_share_a_file_and_see_who_sent_what(system, portal):
    tenant, credentials = portal.tenant, {"email": portal.tenant["owner"]["email"],
                                          "password": "correct horse battery staple"}
    session = system.http.post("/api/v1/staff/sessions", json=credentials, environ_base=new_address()).get_json()
    staff = system.app.test_client()
    staff.set_cookie("__Host-portico_staff", session["token"])
    page = f"/staff/clients/{portal.client['id']}/documents"
    assert "No documents yet." in staff.get(page).get_data(as_text=True)
    shared = staff.post(page, data={"file": (io.BytesIO(PDF), "letter.pdf"), "title": "Letter", "folder": "2026",
                                    "csrf_token": session["csrf_token"]},
                        content_type="multipart/form-data", headers=ORIGIN_HEADERS, environ_base=new_address())
    assert shared.status_code == 303
    portal.post("documents/upload", {"file": (io.BytesIO(PDF), "w2.pdf"), "title": "My W-2"},
                content_type="multipart/form-data")
    html = staff.get(page).get_data(as_text=True)
    assert "Letter" in html and "My W-2" in html and f"Uploaded by {portal.client['name']}" in html
    assert "Shared by " in html and "portal user #" not in html
    refused = staff.post(page, data={"file": (io.BytesIO(HTML), "photo.png"), "csrf_token": session["csrf_token"]},
                         content_type="multipart/form-data", headers=ORIGIN_HEADERS, environ_base=new_address())
    assert refused.status_code == 400 and 'href="#share-file"' in refused.get_data(as_text=True)
    assert tenant["slug"] in portal.path()
