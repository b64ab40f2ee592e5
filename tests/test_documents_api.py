"""Documents through the gateway, against the running services: staff share files, clients download theirs, upload
when allowed and say they are done; files are judged by content and only ever served as downloads with nosniff;
no message carries a file's bytes; each Documents setting is refused by the API."""
import io

import pytest
from sqlalchemy import create_engine, select

from portico_testing import wait_for
from portico_testing.documents import CSV, HTML, PDF, PDF_HTML_POLYGLOT, SVG_WITH_SCRIPT, png
from shared.message_size import MAX_MESSAGE_BYTES, encoded_size
from tests.portal_helpers import bearer, portal_api, registered_client
from tickets.models import platform as tickets_tables

pytestmark = pytest.mark.backends("postgresql")
API = "/api/v1/staff"
BIG_PDF = PDF + b"%" + b"x" * (1024 * 1024) + b"\n"  # a valid PDF of a megabyte: far over a message's cap


class Business:
    """A business's owner on the staff API and one registered client on the portal API."""

    def __init__(self, system):
        self.system = system
        self.tenant, credentials = system.new_tenant()
        self.staff_headers = bearer(system.staff_token(credentials))
        self.client, session = registered_client(system, self.tenant)
        self.account_id = self.client["id"]
        self.client_headers = bearer(session["token"])

    def staff(self, method, path, **kwargs):
        return self.system.http.open(f"{API}{path}", method=method, headers=self.staff_headers, **kwargs)

    def portal(self, method, path, **kwargs):
        return self.system.http.open(portal_api(self.tenant) + path, method=method, headers=self.client_headers,
                                     **kwargs)

    def share(self, data=PDF, name="letter.pdf", title="Engagement letter", account_id=None, **fields):
        return self.staff("POST", f"/accounts/{account_id or self.account_id}/documents",
                          data={"file": (io.BytesIO(data), name), "title": title, **fields},
                          content_type="multipart/form-data")

    def upload(self, data=PDF, name="w2.pdf", **fields):
        return self.portal("POST", "/documents", data={"file": (io.BytesIO(data), name), **fields},
                           content_type="multipart/form-data")

    def settings(self, **changes):
        response = self.staff("PATCH", "/settings/tickets", json=changes)
        assert response.status_code == 200, response.get_json()

    def events(self, event_type):
        engine = create_engine(self.system.databases.urls["tickets"])
        outbox = tickets_tables.outbox
        with engine.connect() as connection:
            rows = connection.execute(select(outbox.c.body).where(outbox.c.event_type == event_type)
                                      .order_by(outbox.c.id)).scalars().all()
        engine.dispose()
        return [body for body in rows if body["tenant_id"] == self.tenant["id"]]


@pytest.fixture
def business(system):
    return Business(system)


def assert_download(response, content_type):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == content_type
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_staff_share_a_document_and_the_client_downloads_it(business):
    shared = business.share(folder="2026")
    assert shared.status_code == 201, shared.get_json()
    document = shared.get_json()
    assert document["uploaded_by"]["kind"] == "staff" and document["folder"] == "2026"
    listed = business.portal("GET", "/documents").get_json()
    assert [item["title"] for item in listed["documents"]] == ["Engagement letter"]
    response = business.portal("GET", f"/documents/{document['id']}/file")
    assert_download(response, "application/pdf")
    assert response.data == PDF and 'filename="letter.pdf"' in response.headers["Content-Disposition"]


def test_a_file_far_over_a_messages_cap_goes_by_reference(business):
    assert encoded_size({"data": BIG_PDF.decode("latin-1")}) > MAX_MESSAGE_BYTES
    document = business.share(BIG_PDF).get_json()
    assert business.staff("GET", f"/documents/{document['id']}/file").data == BIG_PDF
    business.upload(BIG_PDF)
    [event] = business.events("document_uploaded")
    assert encoded_size(event) < 4_096


@pytest.mark.parametrize("data, name", [
    (HTML, "photo.png"), (SVG_WITH_SCRIPT, "drawing.svg"), (PDF_HTML_POLYGLOT, "invoice.pdf"),
], ids=["html renamed png", "svg with script", "pdf html polyglot"])
def test_files_a_browser_would_run_are_refused_for_staff_and_clients(business, data, name):
    for response in (business.share(data, name), business.upload(data, name)):
        assert response.status_code == 400 and "file" in response.get_json()["error"]["fields"]
    assert business.staff("GET", f"/accounts/{business.account_id}/documents").get_json()["documents"] == []
    assert business.events("document_uploaded") == []


def test_an_over_size_file_is_refused_before_it_is_stored(business):
    response = business.upload(b"%PDF-1.4\n" + b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 400 and "file" in response.get_json()["error"]["fields"]
    assert business.portal("GET", "/documents").get_json()["documents"] == []


def test_an_image_and_text_are_served_only_as_downloads(business):
    for data, name, content_type in ((png(), "photo.png", "image/png"), (CSV, "rent.csv", "text/plain")):
        document = business.upload(data, name).get_json()
        assert_download(business.staff("GET", f"/documents/{document['id']}/file"), content_type)


def test_uploads_then_done_uploading_alert_the_business(business):
    business.settings(done_uploading_button=True, done_uploading_checkbox=True)
    owner = business.tenant["owner"]["id"]
    assert business.staff("PATCH", "/settings/alerts", json={"document_uploaded": [owner],
                                                              "upload_done": [owner]}).status_code == 200
    assert business.upload(name="w2.pdf").status_code == 201
    assert business.upload(png(), "receipt.png", title="Receipt", done="true").status_code == 201
    assert business.portal("POST", "/documents/done-uploading").status_code == 200
    listed = business.staff("GET", f"/accounts/{business.account_id}/documents").get_json()
    assert [item["uploaded_by"]["kind"] for item in listed["documents"]] == ["client", "client"]
    assert listed["done_uploading"] is not None
    assert [event["data"]["via"] for event in business.events("done_uploading")] == ["checkbox", "button"]
    assert [event["data"]["done"] for event in business.events("document_uploaded")] == [False, True]
    alerts = wait_for(lambda: len(found := business.staff("GET", "/alerts").get_json()["items"]) == 4 and found,
                      message="an alert per upload and per done")
    assert sorted(alert["action"] for alert in alerts) == ["document_uploaded"] * 2 + ["upload_done"] * 2


def test_a_client_cannot_reach_another_accounts_document(system, business):
    other, _ = registered_client(system, business.tenant, name="Other Client")
    document = business.share(account_id=other["id"]).get_json()
    assert business.portal("GET", f"/documents/{document['id']}/file").status_code == 404
    assert business.portal("GET", "/documents").get_json()["documents"] == []
    stranger = Business(system)
    assert stranger.staff("GET", f"/documents/{document['id']}/file").status_code == 404
    assert stranger.share(account_id=other["id"]).status_code == 404


def test_documents_off_is_refused_by_the_api(business):
    document = business.share().get_json()
    business.settings(documents_enabled=False)
    for response in (business.portal("GET", "/documents"), business.portal("GET", f"/documents/{document['id']}/file"),
                     business.upload()):
        assert response.status_code == 403, response.get_json()


def test_client_uploads_off_is_refused_by_the_api(business):
    business.settings(allow_client_uploads=False)
    assert business.upload().status_code == 403
    assert business.events("document_uploaded") == []


def test_the_done_uploading_button_off_is_refused_by_the_api(business):
    assert business.portal("POST", "/documents/done-uploading").status_code == 403
    assert business.events("done_uploading") == []


def test_the_completely_done_box_off_is_refused_by_the_api(business):
    assert business.upload(done="true").status_code == 403
    assert business.events("document_uploaded") == [] and business.events("done_uploading") == []


def test_the_demo_seed_shares_documents_and_sends_one_back(system, business, monkeypatch):
    import importlib.util
    spec = importlib.util.spec_from_file_location("seed_demo", "scripts/seed_demo.py")
    seed_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed_demo)
    monkeypatch.setenv("BLOB_STORE_URL", system.blob_store_url)
    client_context = system.client_context(business.tenant, 1, business.account_id, "manage")
    seed_demo.documents(system.rpc, system.context(business.tenant), business.account_id, client_context)
    listed = business.staff("GET", f"/accounts/{business.account_id}/documents").get_json()["documents"]
    assert sorted((item["title"], item["uploaded_by"]["kind"]) for item in listed) == [
        ("Access notes", "client"), ("Irrigation checklist", "staff"), ("Lawn care guide", "staff"),
        ("Service agreement 2026", "staff")]
