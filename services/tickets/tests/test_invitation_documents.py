"""The invitation email's welcome document: staff attach it, each new client's account gets a copy once."""
import pytest

from portico_testing.documents import HTML, PDF, WORD, office
from shared.errors import InvalidInput, PermissionDenied
from shared.events import PORTAL_USER_ACTIVATED
from shared.messaging import envelope

ACCOUNT, OTHER_ACCOUNT, STAFF_ID = 42, 43, 7


def attach(business, data=PDF, title="Welcome pack", **document):
    return business.staff().attach_invitation_document({"upload_id": business.upload(data), "title": title,
                                                        **document})


def activated(account_ids, tenant_id=1, portal_user_id=11):
    """The envelope accounts publishes when a portal user sets their first password."""
    return envelope(PORTAL_USER_ACTIVATED, tenant_id, {"portal_user_id": portal_user_id,
                                                        "account_ids": list(account_ids), "via": "invitation"})


def welcome_copies(business, account_id=ACCOUNT):
    return [row for row in business.client(account_id).my_documents()["documents"] if row["title"] == "Welcome pack"]


def test_staff_attach_replace_and_remove_the_welcome_document(documents):
    assert documents.staff().invitation_document() == {"documents_enabled": True, "document": None}
    first = attach(documents, filename="welcome.pdf")["document"]
    assert (first["title"], first["filename"], first["content_type"]) == ("Welcome pack", "welcome.pdf",
                                                                          "application/pdf")
    assert first["uploaded_by_id"] == STAFF_ID
    replaced = attach(documents, office(), title="Price list")["document"]
    assert replaced["content_type"] == WORD and replaced["title"] == "Price list"
    assert documents.staff().remove_invitation_document() == {"documents_enabled": True, "document": None}
    titles = [data["title"] for _, data in documents.events("invitation_document_changed")]
    assert titles == ["Welcome pack", "Price list", None]


def test_the_welcome_document_is_checked_as_any_document(documents):
    with pytest.raises(InvalidInput) as refused:
        attach(documents, HTML)
    assert set(refused.value.fields) == {"file"}
    with pytest.raises(InvalidInput) as untitled:
        attach(documents, title=" ")
    assert "title" in untitled.value.fields
    assert documents.staff().invitation_document()["document"] is None


def test_only_staff_attach_it(documents):
    with pytest.raises(PermissionDenied):
        documents.client().attach_invitation_document({"upload_id": documents.upload(PDF), "title": "Mine"})
    with pytest.raises(PermissionDenied):
        documents.client().invitation_document()
    with pytest.raises(PermissionDenied):
        documents.client().remove_invitation_document()


def test_a_new_client_gets_one_copy_per_account_whatever_is_redelivered(documents):
    attach(documents)
    event = activated([ACCOUNT, OTHER_ACCOUNT])
    documents.system().handle_portal_user_activated(event)
    documents.system().handle_portal_user_activated(event)  # the same event again
    documents.system().handle_portal_user_activated(activated([ACCOUNT], portal_user_id=12))  # another user
    [copy] = welcome_copies(documents)
    assert copy["shared_by"] == "business" and len(welcome_copies(documents, OTHER_ACCOUNT)) == 1
    file = documents.client().my_document_file(copy["id"])
    assert documents.blobs.get(file["blob_id"]).data == PDF


def test_the_clients_copy_outlives_the_welcome_document(documents):
    attach(documents)
    documents.system().handle_portal_user_activated(activated([ACCOUNT]))
    [copy] = welcome_copies(documents)
    documents.staff().remove_invitation_document()
    file = documents.client().my_document_file(copy["id"])
    assert documents.blobs.get(file["blob_id"]).data == PDF


def test_nothing_is_shared_without_a_document_nor_with_documents_off(documents):
    documents.system().handle_portal_user_activated(activated([ACCOUNT]))
    assert welcome_copies(documents) == []
    attach(documents)
    documents.settings(documents_enabled=False)
    documents.system().handle_portal_user_activated(activated([OTHER_ACCOUNT]))
    documents.settings(documents_enabled=True)
    assert welcome_copies(documents, OTHER_ACCOUNT) == []


def test_documents_off_refuses_attaching_and_withdraws_the_mention(documents):
    attach(documents)
    documents.settings(documents_enabled=False)
    assert documents.events("invitation_document_changed")[-1][1]["title"] is None
    assert documents.staff().invitation_document()["documents_enabled"] is False
    with pytest.raises(PermissionDenied):
        attach(documents, title="Another")
    documents.settings(documents_enabled=True)
    assert documents.events("invitation_document_changed")[-1][1]["title"] == "Welcome pack"


def test_a_client_of_another_business_never_gets_it(documents, other_business):
    attach(documents)
    other_business.system().handle_portal_user_activated(activated([ACCOUNT], tenant_id=2))
    assert other_business.client(ACCOUNT).my_documents()["documents"] == []
    assert welcome_copies(documents) == []
