"""Client portal API, Documents tab: the account's documents, downloads, uploads and "Done uploading"."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import documents
from gateway.files import private_download
from gateway.schemas.common import page_of
from gateway.schemas.documents import (FILE_ANSWER, DocumentSchema, DoneUploadingSchema, MyDocumentsArgsSchema,
                                       MyDocumentsSchema, upload_body)
from shared.errors import NotFound

blueprint = ApiBlueprint("documents", __name__, tag="portal documents", caller=CLIENT)


@blueprint.get("/documents")
@blueprint.operation("A page of the documents the business shared with the account and those the client sent, "
                     "newest first (`next` is the cursor of older ones), with which upload features the business "
                     "offers (403 when documents are off)",
                     query=MyDocumentsArgsSchema, response=MyDocumentsSchema, dump=True)
def list_documents(args):
    return documents.my_documents(page_of(args))


@blueprint.get("/documents/<id:document_id>/file")
@blueprint.operation("Download one of the account's documents, always as an attachment", raises=[NotFound],
                     responses=FILE_ANSWER)
def document_file(document_id):
    found = documents.my_document_file(document_id)
    return private_download(found["data"], found["content_type"], found["filename"])


@blueprint.post("/documents")
@blueprint.operation("Send the business a file (403 when client uploads are off, or \"done\" when the box is off)",
                     requestBody=upload_body(with_done=True), status=201, response=DocumentSchema)
def upload_document():
    document, data = documents.uploaded_document(allow_done=True)
    return documents.upload_my_document(document, data), 201


@blueprint.post("/documents/done-uploading")
@blueprint.operation("Tell the business every document asked for has been sent (403 when the button is off)",
                     response=DoneUploadingSchema)
def done_uploading():
    return documents.done_uploading()
