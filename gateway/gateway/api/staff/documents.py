"""Staff API: documents shared with a client account and those the client sent."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import documents
from gateway.files import private_download
from gateway.schemas.common import page_of
from gateway.schemas.documents import (FILE_ANSWER, AccountDocumentsSchema, MyDocumentsArgsSchema, StaffDocumentSchema,
                                       upload_body)
from shared.errors import NotFound

blueprint = ApiBlueprint("staff_documents", __name__, tag="staff documents", caller=STAFF)


@blueprint.get("/accounts/<id:account_id>/documents")
@blueprint.operation("A page of a client's documents, newest first (`next` is the cursor of older ones): who "
                     "shared or sent each and when, and when the client last said they were done uploading (404 "
                     "when there is no such client)",
                     raises=[NotFound], query=MyDocumentsArgsSchema, response=AccountDocumentsSchema)
def list_documents(args, account_id):
    return documents.account_documents(account_id, page_of(args))


@blueprint.post("/accounts/<id:account_id>/documents")
@blueprint.operation("Share a file with a client (404 when there is no such client)", raises=[NotFound],
                     requestBody=upload_body(with_done=False), status=201, response=StaffDocumentSchema)
def share_document(account_id):
    documents.check_account(account_id)  # another business's client is refused before any file is read
    document, data = documents.uploaded_document()
    return documents.share_document(account_id, document, data), 201


@blueprint.get("/documents/<id:document_id>/file")
@blueprint.operation("Download a document, always as an attachment", raises=[NotFound], responses=FILE_ANSWER)
def document_file(document_id):
    found = documents.document_file(document_id)
    return private_download(found["data"], found["content_type"], found["filename"])


@blueprint.delete("/documents/<id:document_id>")
@blueprint.operation("Delete a document and its file", raises=[NotFound], status=204)
def delete_document(document_id):
    documents.delete_document(document_id)
    return "", 204
