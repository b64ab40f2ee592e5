"""Staff pages: one client's documents (who shared or sent what and when, the done-uploading mark), sharing a file
with them, downloading and deleting."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import documents
from gateway.features.clients import find_client
from gateway.files import private_download
from gateway.web.forms import notice_of
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from shared.errors import InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("documents", __name__)
def go(endpoint, **arguments):
    return redirect(url_for(endpoint, **arguments), 303)


PAGE_SIZE = 50  # documents a page shows; the API's answer holds up to 200
INPUTS = {"file": (N_("File"), "#share-file"), "title": (N_("Title"), "#share-title"),
          "folder": (N_("Folder"), "#share-folder")}
NOTICES = {"shared": N_("The document is shared with the client."), "deleted": N_("The document was deleted.")}


def render_documents(client_id, problems=None, sent=None, status=200):
    client = find_client(client_id)
    listing = documents.account_documents(client_id, cursor_page(limit=PAGE_SIZE))
    summary = [(INPUTS.get(name, (None, None))[1], f"{_(INPUTS[name][0])}: {text}" if name in INPUTS else text)
               for name, texts in (problems or {}).items() for text in texts]
    return render_template("staff/documents.html", client=client, listing=listing, problems=problems or {},
                           summary=summary, sent=sent or {},
                           notice=notice_of(NOTICES, request.args.get("notice", ""))), status


@blueprint.get("/clients/<int:client_id>/documents")
@staff_page
def client_documents(client_id):
    return render_documents(client_id)


@blueprint.post("/clients/<int:client_id>/documents")
@staff_page
def share(client_id):
    documents.check_account(client_id)
    try:
        document, data = documents.uploaded_document(from_page=True)
        documents.share_document(client_id, document, data)
    except InvalidInput as error:
        fields = {name.split(".")[0]: texts for name, texts in (error.fields or {"file": [error.message]}).items()}
        if "upload_id" in fields:
            fields["file"] = fields.pop("upload_id")
        return render_documents(client_id, fields, {"title": request.form.get("title", ""),
                                                    "folder": request.form.get("folder", "")}, status=400)
    return go("staff.documents.client_documents", client_id=client_id, notice="shared")


@blueprint.get("/documents/<int:document_id>/file")
@staff_page
def document_file(document_id):
    found = documents.document_file(document_id)
    return private_download(found["data"], found["content_type"], found["filename"])


@blueprint.post("/clients/<int:client_id>/documents/<int:document_id>/delete")
@staff_page
def delete(client_id, document_id):
    documents.check_account(client_id)
    documents.delete_document(document_id)
    return go("staff.documents.client_documents", client_id=client_id, notice="deleted")
