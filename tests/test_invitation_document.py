"""The invitation email's welcome document across the services: staff attach it through the API (tickets keeps
it), the invitation emailed through SMTP says it awaits in Documents (notifications), the client accepts
(accounts announces the first sign-in) and finds their own copy in Documents, which downloads; with documents
off the API refuses to attach one and the email says nothing of it. The staff editor's page: the attach control
is shown, works and is hidden (and refused) with documents off."""
import io
import uuid

import pytest
from sqlalchemy import create_engine, text

from portico_testing import wait_for
from portico_testing.documents import PDF
from tests.portal_helpers import bearer, new_address, portal_api

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
MENTION = "A document awaits you in Documents once you sign in: Welcome pack"
ORIGIN_HEADERS = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
PAGE = "/staff/settings/invitation"


class Business:
    """A business's owner on the staff API."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.session = system.staff_session(credentials)
        self.headers = bearer(self.session["token"])
        self.browser = system.app.test_client()
        self.browser.set_cookie("__Host-portico_staff", self.session["token"])

    def staff(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.headers, **kwargs)

    def attach(self, data=PDF, title="Welcome pack"):
        return self.staff("PUT", "/invitation-template/document", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(data), "welcome.pdf"), "title": title})

    def page(self):
        response = self.browser.get(PAGE)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def post_page(self, path, data=None, **options):
        return self.browser.post(path, data={**(data or {}), "csrf_token": self.session["csrf_token"]},
                                 headers=ORIGIN_HEADERS, environ_base=new_address(), **options)

    def attach_on_page(self, data=PDF, title="Welcome pack"):
        return self.post_page(f"{PAGE}/document", {"file": (io.BytesIO(data), "welcome.pdf"), "title": title},
                              content_type="multipart/form-data")

    def settings(self, **changes):
        assert self.staff("PATCH", "/settings/tickets", json=changes).status_code == 200

    def note(self):
        """What notifications' copy says the invitation mentions (None: nothing), once tickets' event arrived."""
        engine = create_engine(self.system.databases.urls["notifications"])
        with engine.connect() as connection:
            row = connection.execute(text("SELECT title FROM invitation_document_notes WHERE tenant_id = :tenant"),
                                     {"tenant": self.tenant["id"]}).first()
        engine.dispose()
        return row

    def invite(self, name="Dana Newcomer"):
        """Create a client and invite them; return (client, the invitation email they received)."""
        email = f"{uuid.uuid4().hex[:12]}@newcomer.example"
        client = self.staff("POST", "/clients", json={"name": name, "email": email}).get_json()
        invited = self.staff("POST", "/portal-users/invitations", json={"client_ids": [client["id"]]})
        assert invited.get_json()["results"][0]["status"] == "invited", invited.get_json()
        return client, self.system.mail.wait_for_message(email)


@pytest.fixture
def business(system):
    return Business(system)


def test_a_new_client_finds_the_welcome_document_in_documents_at_first_sign_in(system, business):
    attached = business.attach()
    assert attached.status_code == 200, attached.get_json()
    assert attached.get_json()["document"]["title"] == "Welcome pack"
    assert business.staff("GET", "/invitation-template/document").get_json() == attached.get_json()
    wait_for(lambda: business.note() == ("Welcome pack",), message="notifications' copy of the welcome document")

    client, mail = business.invite()
    assert MENTION in mail.text and "<strong>Welcome pack</strong>" in mail.html
    token = mail.link("/invitation/").rsplit("/", 1)[-1]
    accepted = system.http.post(f"{portal_api(business.tenant)}/invitations/{token}",
                                json={"password": "a fine long passphrase"})
    assert accepted.status_code == 201, accepted.get_json()
    headers = bearer(accepted.get_json()["token"])

    def listed():
        found = system.http.get(f"{portal_api(business.tenant)}/documents", headers=headers).get_json()["documents"]
        return found or None

    [document] = wait_for(listed, message="the welcome document in the client's Documents")
    assert (document["title"], document["shared_by"]) == ("Welcome pack", "business")
    download = system.http.get(f"{portal_api(business.tenant)}/documents/{document['id']}/file", headers=headers)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    staff_view = business.staff("GET", f"/accounts/{client['id']}/documents").get_json()["documents"]
    assert [item["id"] for item in staff_view] == [document["id"]]


def test_staff_replace_and_remove_it_and_bad_files_are_refused(business):
    refused = business.attach(b"<html><script>alert(1)</script></html>")
    assert refused.status_code == 400 and "file" in refused.get_json()["error"]["fields"]
    assert business.staff("GET", "/invitation-template/document").get_json()["document"] is None
    assert business.attach(title="Price list").get_json()["document"]["title"] == "Price list"
    removed = business.staff("DELETE", "/invitation-template/document")
    assert removed.status_code == 200 and removed.get_json() == {"documents_enabled": True, "document": None}


def test_with_documents_off_nothing_is_attached_nor_mentioned(business):
    assert business.attach().status_code == 200
    business.settings(documents_enabled=False)
    refused = business.attach(title="Another")
    assert refused.status_code == 403, refused.get_json()
    state = business.staff("GET", "/invitation-template/document").get_json()
    assert state["documents_enabled"] is False and state["document"]["title"] == "Welcome pack"
    wait_for(lambda: business.note() == (None,), message="the mention withdrawn")
    _, mail = business.invite()
    assert "awaits" not in mail.text


def test_the_editor_page_attaches_replaces_and_removes_the_welcome_document(business):
    html = business.page()
    assert 'id="welcome-file"' in html and 'enctype="multipart/form-data"' in html and "No document is attached." in html
    assert business.attach_on_page().status_code == 303
    html = business.page()
    assert "Attached: <strong>Welcome pack</strong>" in html and "Replace the welcome document" in html
    refused = business.attach_on_page(b"<html><script>alert(1)</script></html>")
    assert refused.status_code == 400 and 'href="#welcome-file"' in refused.get_data(as_text=True)
    assert business.post_page(f"{PAGE}/document/remove").status_code == 303
    assert "No document is attached." in business.page()


def test_the_editor_page_hides_the_attach_control_while_documents_are_off(business):
    business.settings(documents_enabled=False)
    html = business.page()
    assert 'id="welcome-file"' not in html and "Documents are turned off" in html
    assert business.attach_on_page().status_code == 403
    assert business.staff("GET", "/invitation-template/document").get_json()["document"] is None


def test_the_demo_seed_attaches_a_welcome_document(system, business, monkeypatch):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    monkeypatch.setenv("BLOB_STORE_URL", system.blob_store_url)
    seed_demo.welcome_document(system.rpc, system.context(business.tenant))
    document = business.staff("GET", "/invitation-template/document").get_json()["document"]
    assert (document["title"], document["content_type"]) == ("Welcome to Green Acres", "application/pdf")
