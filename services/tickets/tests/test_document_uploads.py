"""Client uploads and the Documents settings: each setting refused by the service when off."""
import pytest

from portico_testing.documents import PDF, png
from portico_testing.inprocess import opened_payload
from shared.errors import InvalidInput, PermissionDenied
from shared.message_size import encoded_size

ACCOUNT, PORTAL_USER = 42, 5


def upload(documents, data=PDF, rights="pay", **document):
    client = documents.client(rights=rights)
    return client.upload_my_document({"upload_id": documents.upload(data), "title": "W-2", **document})


def test_a_client_upload_is_listed_for_staff_with_who_sent_it_and_when(documents):
    sent = upload(documents, filename="w2 2026.pdf", folder="Income")
    assert sent["shared_by"] == "client" and sent["filename"] == "w2 2026.pdf"
    listed = documents.staff().account_documents(ACCOUNT)["documents"]
    assert [(d["id"], d["uploaded_by"], d["uploaded_at"]) for d in listed] == [
        (sent["id"], {"kind": "client", "id": PORTAL_USER, "name": "Ann Client"}, sent["uploaded_at"])]


def test_an_upload_tells_the_business_without_the_files_bytes(documents):
    sent = upload(documents, png(size=(600, 600)))
    [(event_type, data)] = documents.events()
    assert event_type == "document_uploaded"
    assert data["document_id"] == sent["id"] and data["account_id"] == ACCOUNT and data["done"] is False
    body = documents.session.execute(documents.events_table.select().where(
        documents.events_table.c.event_type != "audit_fact")).mappings().one()["body"]
    assert encoded_size(body) < 2_000  # an id and a title: never the file


def test_a_view_only_link_cannot_upload(documents):
    with pytest.raises(PermissionDenied):
        upload(documents, rights="view")
    assert documents.client(rights="view").my_documents()["documents"] == []


def test_a_refused_file_changes_nothing_and_tells_nobody(documents):
    with pytest.raises(InvalidInput):
        upload(documents, b"<html><script>alert(1)</script></html>")
    assert documents.events() == [] and documents.client().my_documents()["documents"] == []


def test_documents_off_hides_everything_from_clients(documents):
    shared = documents.share()
    documents.settings(documents_enabled=False)
    client = documents.client()
    for call in (client.my_documents, lambda: client.my_document_file(shared["id"]), client.done_uploading,
                 lambda: upload(documents)):
        with pytest.raises(PermissionDenied):
            call()
    assert documents.staff().account_documents(ACCOUNT)["documents"][0]["id"] == shared["id"]


def test_uploads_off_refuses_client_uploads_but_still_shows_shared_documents(documents):
    documents.settings(allow_client_uploads=False)
    with pytest.raises(PermissionDenied):
        upload(documents)
    documents.share()
    listed = documents.client().my_documents()
    assert len(listed["documents"]) == 1 and listed["features"]["allow_client_uploads"] is False


def test_the_done_uploading_button_needs_its_setting(documents):
    assert documents.client().my_documents()["features"]["done_uploading_button"] is False
    with pytest.raises(PermissionDenied):
        documents.client().done_uploading()
    documents.settings(done_uploading_button=True)
    upload(documents)
    upload(documents)
    state = documents.client().done_uploading()["done_uploading"]
    assert state["portal_user_id"] == PORTAL_USER
    assert documents.staff().account_documents(ACCOUNT)["done_uploading"] == state
    assert documents.events("done_uploading") == [("done_uploading", {
        "account_id": ACCOUNT, "portal_user_id": PORTAL_USER, "via": "button", "documents": 2,
        "client_name": f"Client {ACCOUNT}", "portal_user_name": "Ann Client"})]


def test_the_completely_done_box_needs_its_setting(documents):
    with pytest.raises(PermissionDenied):
        upload(documents, done=True)
    assert documents.events() == []
    documents.settings(done_uploading_checkbox=True)
    assert documents.client().my_documents()["features"]["done_uploading_checkbox"] is True
    upload(documents, done=True)
    assert [event_type for event_type, _ in documents.events()] == ["document_uploaded", "done_uploading"]
    assert documents.events("done_uploading")[0][1]["via"] == "checkbox"
    assert documents.client().my_documents()["done_uploading"]["portal_user_id"] == PORTAL_USER


def test_a_client_of_an_account_never_shared_with_can_still_say_done(documents):
    documents.settings(done_uploading_button=True)
    assert documents.client().done_uploading()["done_uploading"] is not None
    assert documents.clients.asked == []  # the passport already says the account is the business's


def test_the_list_limit_is_bounded(documents):
    for limit in (0, 201, "5", True):
        with pytest.raises(InvalidInput) as error:
            documents.client().my_documents({"limit": limit})
        assert "limit" in error.value.fields
    documents.share()
    documents.share()
    assert len(documents.client().my_documents({"limit": 1})["documents"]) == 1


def test_events_carry_no_secret_to_open(documents):
    upload(documents)
    body = documents.session.execute(documents.events_table.select().where(
        documents.events_table.c.event_type != "audit_fact")).mappings().one()["body"]
    assert opened_payload(body)["document_id"] == body["data"]["document_id"]
